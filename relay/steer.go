package relay

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"

	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/steering"
)

// steerMaster is serveManifest's hook: an HLS multivariant playlist that
// names pathways (or a steering server) makes them the stream's
// alternatives. Steering is asked before the playlist is answered, so
// before the first segment; the player is shown one pathway's variants,
// pointing at the relay, which routes each request. Any other manifest is
// returned as it is.
func (r *Relay) steerMaster(req *http.Request, up *upstream, body []byte) []byte {
	m := steering.ParseHLS(body)
	if m == nil {
		return body
	}
	masterURL, err := up.host.ClipURL(up.path)
	if err != nil {
		return body
	}
	st := r.altStreamNow()
	if st == nil || st.key != masterURL {
		st = r.newHLSStream(m, masterURL)
		if st == nil {
			return body
		}
	}
	t := st.table.(*hlsTable)
	base := r.baseFor(req)
	return m.Show(t.shownID, func(k int) string { return base + altPath(k, t.shownRest[k]) })
}

// newHLSStream makes the stream's pathways from m, asks steering once,
// and starts its reloads.
func (r *Relay) newHLSStream(m *steering.Master, masterURL string) *altStream {
	mu, _ := url.Parse(masterURL)
	t := &hlsTable{variants: map[string][]steering.Variant{}}
	for _, v := range m.Variants {
		if ref, err := url.Parse(v.URI); err == nil {
			v.URI = mu.ResolveReference(ref).String()
		}
		t.variants[v.Pathway] = append(t.variants[v.Pathway], v)
	}
	ids := m.Pathways()
	if m.DefaultPathway != "" && containsString(ids, m.DefaultPathway) {
		ids = append([]string{m.DefaultPathway}, removeString(ids, m.DefaultPathway)...)
	}
	ctx, cancel := context.WithCancel(context.Background())
	st := &altStream{key: masterURL, table: t, cancel: cancel, hosts: map[string]*cluster.Host{}, bytes: map[string]int64{},
		set: steering.NewSet(r.opts.Clock, r.opts.PathwayPenalty, nil)}
	t.originals = map[string]bool{}
	for _, id := range ids {
		t.originals[id] = true
		r.addPathway(st, id)
	}
	r.mu.Lock()
	old := r.alts
	r.alts = st
	r.mu.Unlock()
	if old != nil {
		old.cancel()
	}
	st.set.Pick() // the playlist's own choice, which the first steering request names
	r.startSteering(ctx, st, m.ServerURI, mu)
	t.shownID = ids[0]
	for _, id := range st.set.Priority() {
		if t.originals[id] {
			t.shownID = id
			break
		}
	}
	for _, v := range t.variants[t.shownID] {
		t.shownRest = append(t.shownRest, lastSegment(v.URI))
	}
	r.pickAlt(st)
	return st
}

// addPathway makes pathway id known, as a host of the cluster for this
// clip: named by the directory of its first variant, numbered after the
// typed hosts. A pathway whose URIs are not http(s) is refused aloud.
func (r *Relay) addPathway(st *altStream, id string) {
	t := st.table.(*hlsTable)
	t.mu.Lock()
	vs := t.variants[id]
	t.mu.Unlock()
	if len(vs) == 0 {
		return
	}
	dir := vs[0].URI
	if u, err := url.Parse(dir); err == nil {
		u.RawQuery, u.Fragment = "", ""
		u.Path, u.RawPath = path.Dir(u.Path), ""
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		dir = u.String()
		if err := r.allowedParsed(u); err != nil {
			r.publish(events.Event{Kind: events.Steering, Index: -1, Pathway: id, URL: events.RedactURL(vs[0].URI),
				Class: events.ClassProtocol, Err: "pathway " + id + " refused: " + err.Error()})
			return
		}
	}
	hs, err := cluster.NewHosts([]cluster.HostSpec{{URL: dir}})
	if err != nil {
		return
	}
	st.mu.Lock()
	hs[0].Index = len(r.opts.Engine.Hosts()) + len(st.hosts)
	if old := st.hosts[id]; old != nil {
		hs[0].Index = old.Index
	}
	st.hosts[id] = hs[0]
	st.mu.Unlock()
	st.set.Add(id)
}

// applyClones makes the pathways a steering manifest's clones describe,
// from the playlist's own; it returns why any was refused.
func (r *Relay) applyClones(st *altStream, clones []steering.Clone) []string {
	if len(clones) == 0 {
		return nil
	}
	t := st.table.(*hlsTable)
	t.mu.Lock()
	base := map[string][]steering.Alternative{}
	for id := range t.originals {
		for _, v := range t.variants[id] {
			base[id] = append(base[id], steering.Alternative{URI: v.URI, StableID: v.StableID})
		}
	}
	t.mu.Unlock()
	made, refused := steering.Expand(base, clones)
	for _, c := range clones {
		alts, ok := made[c.ID]
		if !ok || t.originals[c.ID] {
			continue
		}
		t.mu.Lock()
		vs := append([]steering.Variant(nil), t.variants[baseOf(c.ID, clones, t.originals)]...)
		for i := range vs {
			if i < len(alts) {
				vs[i].URI, vs[i].Pathway = alts[i].URI, c.ID
			}
		}
		t.variants[c.ID] = vs
		t.mu.Unlock()
		r.addPathway(st, c.ID)
	}
	return refused
}

// baseOf is the playlist pathway a clone descends from.
func baseOf(id string, clones []steering.Clone, originals map[string]bool) string {
	for range clones {
		if originals[id] {
			return id
		}
		for _, c := range clones {
			if c.ID == id {
				id = c.BaseID
				break
			}
		}
	}
	return id
}

// hlsTable maps the variants the player was shown to every pathway's.
type hlsTable struct {
	mu        sync.Mutex
	originals map[string]bool               // the playlist's own pathways
	variants  map[string][]steering.Variant // by pathway, URIs absolute
	shownID   string                        // the pathway whose variants the player sees
	shownRest []string                      // the last path segment of each shown variant's URI
}

func (t *hlsTable) variant(p string, k int) (steering.Variant, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	shown := t.variants[t.shownID]
	if k < 0 || k >= len(shown) {
		return steering.Variant{}, false
	}
	return steering.Match(shown[k], k, t.variants[p])
}

func (t *hlsTable) target(p string, k int, rest string) (string, bool) {
	v, ok := t.variant(p, k)
	if !ok {
		return "", false
	}
	if k < len(t.shownRest) && rest == t.shownRest[k] {
		return v.URI, true // the variant's playlist itself, its query included
	}
	base, err := url.Parse(v.URI)
	ref, err2 := url.Parse(rest)
	if err != nil || err2 != nil {
		return "", false
	}
	return base.ResolveReference(ref).String(), true
}

// playlist points the URLs below the variant's directory at to.
func (t *hlsTable) playlist(p string, k int, body []byte, to string) []byte {
	v, ok := t.variant(p, k)
	if !ok {
		return body
	}
	dir := v.URI
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

func removeString(list []string, s string) []string {
	var out []string
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
