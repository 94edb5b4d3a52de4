package dash

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"sort"
	"strings"
)

// Alternatives are the groups that name more than one BaseURL: the places
// where the MPD offers a choice of hosts.
func (m *MPD) Alternatives() []Group {
	var out []Group
	for _, g := range m.Groups {
		if len(g.BaseURLs) > 1 {
			out = append(out, g)
		}
	}
	return out
}

// ID names the group by its alternatives, the same on every reload of a
// live MPD that names the same ones, and short enough for a path.
func (g Group) ID() string {
	h := sha256.New()
	for _, b := range g.BaseURLs {
		h.Write([]byte(b.URL.String()))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// Reduce returns body with each group of several BaseURLs shown as one:
// the first keeps its place, its attributes and its tags, and its text
// becomes point(k, group), k its place among Alternatives; the others,
// and every Rejected BaseURL, are removed with the blank that led up to
// them. Every other byte stays as the host sent it.
func Reduce(body []byte, m *MPD, point func(k int, g Group) string) []byte {
	type edit struct {
		start, end int64
		text       string
	}
	var edits []edit
	for k, g := range m.Alternatives() {
		first := g.BaseURLs[0]
		if s, e, ok := textSpan(body, first.Start, first.End); ok {
			edits = append(edits, edit{s, e, escape(point(k, g))})
		}
		for _, b := range g.BaseURLs[1:] {
			edits = append(edits, edit{leadingBlank(body, b.Start), b.End, ""})
		}
	}
	for _, rj := range m.Rejected {
		edits = append(edits, edit{leadingBlank(body, rj.Start), rj.End, ""})
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var out bytes.Buffer
	out.Grow(len(body))
	at := int64(0)
	for _, e := range edits {
		if e.start < at {
			continue // overlapping: never for a well-formed MPD
		}
		out.Write(body[at:e.start])
		out.WriteString(e.text)
		at = e.end
	}
	out.Write(body[at:])
	return out.Bytes()
}

// textSpan is where the text of the element at [start, end) lies: after
// its start tag's '>' (quotes minded) and before its last "</".
func textSpan(body []byte, start, end int64) (int64, int64, bool) {
	if start < 0 || end > int64(len(body)) || start >= end {
		return 0, 0, false
	}
	el := body[start:end]
	var quote byte
	open := -1
	for i, c := range el {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			open = i + 1
		}
		if open >= 0 {
			break
		}
	}
	closeAt := bytes.LastIndex(el, []byte("</"))
	if open < 0 || closeAt < open || el[open-2] == '/' {
		return 0, 0, false // <BaseURL/>: nothing to point anywhere
	}
	return start + int64(open), start + int64(closeAt), true
}

// leadingBlank moves start back over the spaces and tabs before it, and
// the line break before those, so that a removed element leaves no blank
// line.
func leadingBlank(body []byte, start int64) int64 {
	i := start
	for i > 0 && (body[i-1] == ' ' || body[i-1] == '\t') {
		i--
	}
	if i > 0 && body[i-1] == '\n' {
		i--
		if i > 0 && body[i-1] == '\r' {
			i--
		}
		return i
	}
	return start
}

func escape(s string) string {
	var sb strings.Builder
	_ = xml.EscapeText(&sb, []byte(s))
	return sb.String()
}
