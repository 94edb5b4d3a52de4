package relay

import (
	"net/url"
	"sort"

	"clusterplay/dash"
	"clusterplay/steering"
)

// applyDASHClones makes the service locations a steering manifest's
// PATHWAY-CLONES describe from the MPD's own, as for HLS: each clone's
// BaseURLs are its base's with URI-REPLACEMENT's HOST and PARAMS applied;
// a clone of an unknown location, a loop, or an ID in use is refused (the
// reasons returned). The clones are kept and made again on each reload
// of a live MPD.
func (r *Relay) applyDASHClones(st *altStream, dt *dashTable, clones []steering.Clone) []string {
	if len(clones) == 0 || dt == nil {
		return nil
	}
	dt.mu.Lock()
	dt.clones = clones
	dt.mu.Unlock()
	refused := cloneInto(dt.get(), clones)
	for _, c := range clones {
		if st.host(c.ID) == nil {
			r.addDASHPathway(st, dt, c.ID)
		}
	}
	return refused
}

// cloneInto adds clones' pathways to t; it returns why any was refused.
func cloneInto(t *dash.Table, clones []steering.Clone) []string {
	base := map[string][]steering.Alternative{}
	places := map[string][]int{} // the places of each pathway's alternatives, in order
	for _, p := range t.Pathways() {
		urls := t.URLs(p)
		ks := make([]int, 0, len(urls))
		for k := range urls {
			ks = append(ks, k)
		}
		sort.Ints(ks)
		for _, k := range ks {
			base[p] = append(base[p], steering.Alternative{URI: urls[k].String()})
		}
		places[p] = ks
	}
	made, refused := steering.Expand(base, clones)
	for _, c := range clones {
		alts, ok := made[c.ID]
		if !ok || base[c.ID] != nil {
			continue
		}
		root := c.BaseID
		for places[root] == nil && root != "" {
			root = baseIDOf(root, clones)
		}
		urls := map[int]*url.URL{}
		for i, a := range alts {
			if u, err := url.Parse(a.URI); err == nil && i < len(places[root]) {
				urls[places[root][i]] = u
			}
		}
		t.AddPathway(c.ID, root, urls)
		places[c.ID] = places[root]
	}
	return refused
}

// baseIDOf is the BASE-ID of the clone id; "" when none has that ID.
func baseIDOf(id string, clones []steering.Clone) string {
	for _, c := range clones {
		if c.ID == id {
			return c.BaseID
		}
	}
	return ""
}
