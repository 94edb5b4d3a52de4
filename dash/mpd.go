// Package dash reads what a DASH MPD says of its own cluster: the
// <BaseURL>s at MPD, Period, AdaptationSet and Representation level
// (resolved as ISO/IEC 23009-1 §5.6 says, with DVB's serviceLocation,
// dvb:priority and dvb:weight), the <ContentSteering> element, and the
// MPD's type; it reduces each set of sibling BaseURLs to the one the
// player is shown; and it chooses among the alternatives by the DVB-DASH
// rules (dvb.go). It is pure: no network, the clock and chance injected.
//
// The MPD is read with encoding/xml's tokens and rewritten by byte
// offsets, not decoded into a tree and written back: a writer drops what
// it does not model (the dvb: attributes among them), and the player must
// get every other byte as the host sent it.
package dash

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// dvbNamespace is the namespace of the dvb:priority and dvb:weight
// attributes (ETSI TS 103 285).
const dvbNamespace = "urn:dvb:dash-extensions:2014-1"

// maxBaseURLs bounds the alternatives one MPD may name: a manifest is the
// host's word, and each alternative is a host of the cluster.
const maxBaseURLs = 64

// BaseURL is one <BaseURL> element as written, and where it resolved.
type BaseURL struct {
	Raw string   // the element's text, trimmed
	URL *url.URL // resolved against the levels above and the MPD's URL
	// ServiceLocation, Priority and Weight are the element's attributes;
	// Priority and Weight default to 1. DVB says whether it carried any
	// of the three (the DVB-DASH rules apply to it).
	ServiceLocation string
	Priority        int
	Weight          int
	DVB             bool
	// Start and End are the element's byte offsets in the MPD.
	Start, End int64
}

// Name is how events name the alternative: its serviceLocation, or the
// URL itself when it has none.
func (b BaseURL) Name() string {
	if b.ServiceLocation != "" {
		return b.ServiceLocation
	}
	return b.URL.String()
}

// Group is the BaseURLs that are siblings under one element: the
// alternatives of one place of the MPD.
type Group struct {
	Level    string // MPD, Period, AdaptationSet, Representation
	BaseURLs []BaseURL
}

// Steering is the MPD's <ContentSteering> element.
type Steering struct {
	ServerURL              *url.URL
	DefaultServiceLocation []string // space-separated in the attribute
	QueryBeforeStart       bool
	ProxyServerURL         string
}

// Rejected is a BaseURL the relay will not use, and why.
type Rejected struct {
	Raw    string
	Reason string
	// Start and End are the element's byte offsets in the MPD.
	Start, End int64
}

// MPD is what an MPD says of its cluster.
type MPD struct {
	Dynamic  bool // type="dynamic": reloaded by the player
	Groups   []Group
	Steering *Steering // nil when the MPD has no <ContentSteering>
	Rejected []Rejected
}

// level is one open element that may carry BaseURLs.
type level struct {
	name  string
	bases []*url.URL // the effective bases of this level, for the levels below
	group *Group     // this level's own BaseURLs, while being read
}

// Parse reads the MPD body fetched from at. It fails only when the body
// is not an MPD; a BaseURL it cannot use is Rejected, and the rest stands.
func Parse(body []byte, at *url.URL) (*MPD, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = false
	m := &MPD{}
	stack := []*level{{name: "", bases: []*url.URL{at}}}
	sawMPD, count := false, 0
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("MPD: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "MPD", "Period", "AdaptationSet", "Representation":
				if t.Name.Local == "MPD" {
					sawMPD = true
					m.Dynamic = attr(t, "type") == "dynamic"
				}
				stack = append(stack, &level{name: t.Name.Local, bases: stack[len(stack)-1].bases})
			case "BaseURL":
				if len(stack) < 2 {
					continue // outside <MPD>: no place of the stream
				}
				top := stack[len(stack)-1]
				text, err := elementText(dec)
				if err != nil {
					return nil, fmt.Errorf("MPD: BaseURL: %v", err)
				}
				if count++; count > maxBaseURLs {
					m.Rejected = append(m.Rejected, Rejected{Raw: text, Reason: fmt.Sprintf("more than %d BaseURLs", maxBaseURLs),
						Start: start, End: dec.InputOffset()})
					continue
				}
				b, why := newBaseURL(t, text, stack[len(stack)-2:len(stack)-1], start, dec.InputOffset())
				if why != "" {
					m.Rejected = append(m.Rejected, Rejected{Raw: text, Reason: why, Start: start, End: dec.InputOffset()})
					continue
				}
				if top.group == nil {
					top.group = &Group{Level: top.name}
				}
				top.group.BaseURLs = append(top.group.BaseURLs, b)
			case "ContentSteering":
				text, err := elementText(dec)
				if err != nil {
					return nil, fmt.Errorf("MPD: ContentSteering: %v", err)
				}
				m.Steering = newSteering(t, text, at) // the MPD's own URL: the steering server is no CDN
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "MPD", "Period", "AdaptationSet", "Representation":
				if len(stack) > 1 {
					m.closeLevel(stack[len(stack)-1])
					stack = stack[:len(stack)-1]
				}
			}
		case xml.CharData, xml.Comment, xml.ProcInst, xml.Directive:
		}
		if top := stack[len(stack)-1]; top.group != nil && len(top.group.BaseURLs) > 0 {
			top.bases = basesOf(top.group)
		}
	}
	if !sawMPD {
		return nil, errors.New("MPD: no <MPD> element")
	}
	return m, nil
}

// closeLevel keeps the level's BaseURLs as a group.
func (m *MPD) closeLevel(l *level) {
	if l.group != nil && len(l.group.BaseURLs) > 0 {
		m.Groups = append(m.Groups, *l.group)
	}
}

// basesOf is what the levels below resolve against: the group's first
// BaseURL, which is the one the player is shown (Reduce).
func basesOf(g *Group) []*url.URL { return []*url.URL{g.BaseURLs[0].URL} }

// newBaseURL resolves one <BaseURL> against its parent level; why says
// why it cannot be used.
func newBaseURL(t xml.StartElement, text string, parent []*level, start, end int64) (BaseURL, string) {
	b := BaseURL{Raw: text, Priority: 1, Weight: 1, Start: start, End: end,
		ServiceLocation: attr(t, "serviceLocation")}
	ref, err := url.Parse(text)
	if err != nil {
		return b, "not a URL: " + err.Error()
	}
	b.URL = parent[0].bases[0].ResolveReference(ref)
	if s := strings.ToLower(b.URL.Scheme); s != "http" && s != "https" {
		return b, fmt.Sprintf("scheme %q: only http and https", b.URL.Scheme)
	}
	b.DVB = b.ServiceLocation != ""
	for _, a := range t.Attr {
		if a.Name.Space != dvbNamespace && a.Name.Space != "dvb" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(a.Value))
		switch {
		case a.Name.Local == "priority" && err == nil && n >= 0:
			b.Priority, b.DVB = n, true
		case a.Name.Local == "weight" && err == nil && n >= 1:
			b.Weight, b.DVB = n, true
		case a.Name.Local == "priority" || a.Name.Local == "weight":
			b.DVB = true // present but unusable: its default stands
		}
	}
	return b, ""
}

func newSteering(t xml.StartElement, text string, base *url.URL) *Steering {
	s := &Steering{QueryBeforeStart: attr(t, "queryBeforeStart") == "true",
		DefaultServiceLocation: strings.Fields(attr(t, "defaultServiceLocation")),
		ProxyServerURL:         attr(t, "proxyServerURL")}
	if ref, err := url.Parse(text); err == nil && text != "" {
		s.ServerURL = base.ResolveReference(ref)
	}
	return s
}

// attr is the value of the start element's attribute in no namespace.
func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// elementText reads the text of the element just opened, up to its end.
func elementText(dec *xml.Decoder) (string, error) {
	var sb strings.Builder
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			sb.Write(t)
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return strings.TrimSpace(sb.String()), nil
}
