package dash

import (
	"net/url"
	"strings"
)

// Table maps what the player is shown of an MPD (one BaseURL in each
// place that offers several, the k-th of Alternatives) to each pathway:
// a serviceLocation, or a BaseURL's own URL when it has none.
type Table struct {
	groups []Group
	shown  []string // the last path segment of each group's first BaseURL ("" for a directory)
}

// NewTable maps m's alternatives.
func NewTable(m *MPD) *Table {
	t := &Table{groups: m.Alternatives()}
	for _, g := range t.groups {
		t.shown = append(t.shown, lastSegment(g.BaseURLs[0].URL))
	}
	return t
}

// Groups are the places that offer several BaseURLs, k by k.
func (t *Table) Groups() []Group { return t.groups }

// Shown is what the player's requests below the k-th place begin with:
// the shown BaseURL's file name, or "" when it names a directory.
func (t *Table) Shown(k int) string {
	if k < 0 || k >= len(t.shown) {
		return ""
	}
	return t.shown[k]
}

// Pathways are the pathways the MPD names, in document order of their
// first BaseURL (the MPD level first: the levels close inside out, so the
// outermost group is the last).
func (t *Table) Pathways() []string {
	var out []string
	seen := map[string]bool{}
	for i := len(t.groups) - 1; i >= 0; i-- {
		for _, b := range t.groups[i].BaseURLs {
			if n := b.Name(); !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// BaseURL is pathway p's BaseURL in the k-th place.
func (t *Table) BaseURL(p string, k int) (BaseURL, bool) {
	if k < 0 || k >= len(t.groups) {
		return BaseURL{}, false
	}
	for _, b := range t.groups[k].BaseURLs {
		if b.Name() == p {
			return b, true
		}
	}
	return BaseURL{}, false
}

// Target is the URL of rest (a path below the shown BaseURL, its query
// included) on pathway p in the k-th place; false when p offers nothing
// there.
func (t *Table) Target(p string, k int, rest string) (string, bool) {
	b, ok := t.BaseURL(p, k)
	if !ok {
		return "", false
	}
	if shown := t.shown[k]; shown != "" && rest == shown {
		return b.URL.String(), true // the BaseURL names the file itself
	}
	ref, err := url.Parse(rest)
	if err != nil || ref.IsAbs() || ref.Host != "" || strings.HasPrefix(rest, "/") {
		return "", false // only a path below the BaseURL
	}
	return b.URL.ResolveReference(ref).String(), true
}

// Dir is pathway p's host: the directory of its first BaseURL, the
// outermost place first.
func (t *Table) Dir(p string) (*url.URL, bool) {
	for k := len(t.groups) - 1; k >= 0; k-- {
		if b, ok := t.BaseURL(p, k); ok {
			d := *b.URL
			d.RawQuery, d.Fragment = "", ""
			d.Path = d.Path[:strings.LastIndexByte(d.Path, '/')+1]
			d.RawPath = ""
			return &d, true
		}
	}
	return nil, false
}

// PathwayParam is _DASH_pathway's value: the service locations in use,
// quoted, separated by commas.
func PathwayParam(used []string) string {
	return `"` + strings.Join(used, ",") + `"`
}

func lastSegment(u *url.URL) string {
	p := u.EscapedPath()
	seg := p[strings.LastIndexByte(p, '/')+1:]
	if seg != "" && u.RawQuery != "" {
		seg += "?" + u.RawQuery
	}
	return seg
}

// AddPathway adds pathway id, a clone of base: in each place where base
// has a BaseURL, one more at the URL urls gives for that place (by k), its
// priority and weight base's. A place urls does not name is left as is.
func (t *Table) AddPathway(id, base string, urls map[int]*url.URL) {
	for k := range t.groups {
		b, ok := t.BaseURL(base, k)
		u := urls[k]
		if !ok || u == nil {
			continue
		}
		c := b
		c.URL, c.ServiceLocation, c.Raw, c.Start, c.End = u, id, u.String(), 0, 0
		t.groups[k].BaseURLs = append(t.groups[k].BaseURLs, c)
	}
}

// URLs are pathway p's BaseURLs, by place.
func (t *Table) URLs(p string) map[int]*url.URL {
	out := map[int]*url.URL{}
	for k := range t.groups {
		if b, ok := t.BaseURL(p, k); ok {
			out[k] = b.URL
		}
	}
	return out
}
