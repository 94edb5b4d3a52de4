package relay

import (
	"context"
	"net/http"
	"net/url"
	"path"
	"strings"

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
	return m.Show(t.shownID, func(k int) string { return base + altPath(k, t.rest(k)) },
		func(j int) string { return base + altPath(renditionBase+j, t.rest(renditionBase+j)) })
}

// newHLSStream makes the stream's pathways from m, asks steering once,
// and starts its reloads.
func (r *Relay) newHLSStream(m *steering.Master, masterURL string) *altStream {
	mu, _ := url.Parse(masterURL)
	t := newHLSTable(m, mu)
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
	t.show()
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
	t, ok := st.table.(*hlsTable)
	if !ok {
		dt, _ := tableOf(st) // steer_dash_clone.go: a DASH stream's service locations
		return r.applyDASHClones(st, dt, clones)
	}
	t.mu.Lock()
	base := map[string][]steering.Alternative{}
	for id := range t.originals {
		for _, v := range t.variants[id] {
			base[id] = append(base[id], steering.Alternative{URI: v.URI, StableID: v.StableID})
		}
		for _, r := range t.renditions[id] {
			base[id] = append(base[id], steering.Alternative{URI: r.URI, StableID: r.StableID, Rendition: true})
		}
	}
	t.mu.Unlock()
	made, refused := steering.Expand(base, clones)
	for _, c := range clones {
		alts, ok := made[c.ID]
		if !ok || t.originals[c.ID] {
			continue
		}
		t.clone(c.ID, baseOf(c.ID, clones, t.originals), alts)
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

func removeString(list []string, s string) []string {
	var out []string
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
