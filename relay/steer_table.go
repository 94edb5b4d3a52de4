package relay

import (
	"bytes"
	"net/url"
	"strings"
	"sync"

	"clusterplay/steering"
)

// renditionBase numbers the renditions the player is shown in its paths
// (~pw/10000+j/...), apart from the variants (~pw/k/...).
const renditionBase = 10000

// hlsTable maps the variants and renditions the player was shown to every
// pathway's.
type hlsTable struct {
	mu         sync.Mutex
	originals  map[string]bool                 // the playlist's own pathways
	variants   map[string][]steering.Variant   // by pathway, URIs absolute
	renditions map[string][]steering.Rendition // by pathway, URIs absolute
	shownID    string                          // the pathway whose variants the player sees
	shownRest  map[int]string                  // the last path segment of each shown URI, by place
}

func newHLSTable(m *steering.Master, master *url.URL) *hlsTable {
	t := &hlsTable{variants: map[string][]steering.Variant{}, renditions: map[string][]steering.Rendition{}}
	abs := func(raw string) string {
		if ref, err := url.Parse(raw); err == nil {
			return master.ResolveReference(ref).String()
		}
		return raw
	}
	for _, v := range m.Variants {
		v.URI = abs(v.URI)
		t.variants[v.Pathway] = append(t.variants[v.Pathway], v)
	}
	for _, id := range m.Pathways() {
		for _, r := range m.RenditionsOf(id) {
			r.URI = abs(r.URI)
			t.renditions[id] = append(t.renditions[id], r)
		}
	}
	return t
}

// show fixes what the player is shown: shownID's variants and renditions.
func (t *hlsTable) show() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.shownRest = map[int]string{}
	for k, v := range t.variants[t.shownID] {
		t.shownRest[k] = lastSegment(v.URI)
	}
	for j, r := range t.renditions[t.shownID] {
		t.shownRest[renditionBase+j] = lastSegment(r.URI)
	}
}

func (t *hlsTable) rest(k int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.shownRest[k]
}

// clone makes pathway id from base's variants and renditions, with the
// URIs a clone entry gave (variants first, as applyClones lists them).
func (t *hlsTable) clone(id, base string, alts []steering.Alternative) {
	t.mu.Lock()
	defer t.mu.Unlock()
	vs := append([]steering.Variant(nil), t.variants[base]...)
	rs := append([]steering.Rendition(nil), t.renditions[base]...)
	for i := range vs {
		if i < len(alts) {
			vs[i].URI, vs[i].Pathway = alts[i].URI, id
		}
	}
	for j := range rs {
		if i := len(vs) + j; i < len(alts) {
			rs[j].URI = alts[i].URI
		}
	}
	t.variants[id], t.renditions[id] = vs, rs
}

// uri is the URI on pathway p of the k-th thing shown.
func (t *hlsTable) uri(p string, k int) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if k >= renditionBase {
		shown, j := t.renditions[t.shownID], k-renditionBase
		if j >= len(shown) {
			return "", false
		}
		r, ok := steering.MatchRendition(shown[j], j, t.renditions[p])
		return r.URI, ok
	}
	shown := t.variants[t.shownID]
	if k < 0 || k >= len(shown) {
		return "", false
	}
	v, ok := steering.Match(shown[k], k, t.variants[p])
	return v.URI, ok
}

func (t *hlsTable) target(p string, k int, rest string) (string, bool) {
	uri, ok := t.uri(p, k)
	if !ok {
		return "", false
	}
	if rest == t.rest(k) {
		return uri, true // the playlist itself, its query included
	}
	base, err := url.Parse(uri)
	ref, err2 := url.Parse(rest)
	if err != nil || err2 != nil {
		return "", false
	}
	return base.ResolveReference(ref).String(), true
}

// playlist points the URLs below the playlist's directory at to.
func (t *hlsTable) playlist(p string, k int, body []byte, to string) []byte {
	dir, ok := t.uri(p, k)
	if !ok {
		return body
	}
	if q := strings.IndexAny(dir, "?#"); q >= 0 {
		dir = dir[:q]
	}
	dir = dir[:strings.LastIndexByte(dir, '/')+1]
	if !strings.Contains(dir, "://") {
		return body
	}
	return bytes.ReplaceAll(body, []byte(dir), []byte(to))
}

// lastSegment is the last path segment of a URL, with its query.
func lastSegment(raw string) string {
	p, q, _ := strings.Cut(raw, "?")
	seg := p[strings.LastIndexByte(p, '/')+1:]
	if q != "" {
		seg += "?" + q
	}
	return seg
}
