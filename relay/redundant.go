package relay

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/hlsredundant"
	"clusterplay/steering"
)

// steerRedundant is serveManifest's hook for an HLS multivariant playlist
// that repeats variants at other URLs (redundant variants, without
// PATHWAY-IDs or steering, which steerMaster serves): each repeated
// variant is one variant on several pathways, the j-th pathway being the
// j-th occurrence, in playlist order. The player is shown the first
// occurrence of each under ~pw/K/, and the relay routes each request to
// the pathway in use, the next ones taking over when it fails.
func (r *Relay) steerRedundant(req *http.Request, up *upstream, body []byte) []byte {
	if bytes.Contains(body, []byte("#EXT-X-CONTENT-STEERING")) {
		return body
	}
	masterURL, err := up.host.ClipURL(up.path)
	if err != nil {
		return body
	}
	at, err := url.Parse(masterURL)
	if err != nil {
		return body
	}
	groups := hlsredundant.Find(body, at)
	if len(groups) == 0 {
		return body
	}
	st := r.altStreamNow()
	t, ok := redundantOf(st)
	if !ok || st.key != masterURL {
		if st = r.newRedundantStream(groups, masterURL); st == nil {
			return body
		}
		t, _ = redundantOf(st)
	}
	base := r.baseFor(req)
	k := map[string]int{}
	for i, g := range t.groups {
		k[g.ID()] = i
	}
	return hlsredundant.Reduce(body, groups, func(g hlsredundant.Group) string {
		i, ok := k[g.ID()]
		if !ok {
			return g.Variants[0].URL.String()
		}
		return base + altPath(i, t.shown[i])
	})
}

// newRedundantStream makes the pathways of the redundant variants hosts
// of the cluster for the clip, in playlist order.
func (r *Relay) newRedundantStream(groups []hlsredundant.Group, masterURL string) *altStream {
	t := &redundantTable{groups: groups}
	for _, g := range groups {
		t.shown = append(t.shown, lastSegment(g.Variants[0].URL.String()))
	}
	// No steering to stop: cancel does nothing.
	st := &altStream{key: masterURL, table: t, cancel: func() {}, hosts: map[string]*cluster.Host{}, bytes: map[string]int64{},
		set: steering.NewSet(r.opts.Clock, r.opts.PathwayPenalty, nil)}
	for j, v := range groups[0].Variants {
		id := pathwayName(v.URL, j, t.ids)
		t.ids = append(t.ids, id)
		dir := *v.URL
		dir.RawQuery, dir.Fragment, dir.RawPath = "", "", ""
		dir.Path = dir.Path[:strings.LastIndexByte(dir.Path, '/')+1]
		if err := r.allowedParsed(&dir); err != nil {
			r.publish(events.Event{Kind: events.Steering, Index: -1, Pathway: id, URL: events.RedactURL(v.URL.String()),
				Class: events.ClassProtocol, Err: "redundant variant " + events.RedactURL(v.URL.String()) + " skipped: " + err.Error()})
			continue
		}
		hs, err := cluster.NewHosts([]cluster.HostSpec{{URL: dir.String()}})
		if err != nil {
			continue
		}
		hs[0].Index = len(r.opts.Engine.Hosts()) + len(st.hosts)
		st.hosts[id] = hs[0]
		st.set.Add(id)
	}
	if len(st.set.IDs()) == 0 {
		return nil
	}
	r.mu.Lock()
	old := r.alts
	r.alts = st
	r.mu.Unlock()
	if old != nil {
		old.cancel()
	}
	st.set.Pick()
	r.pickAlt(st)
	return st
}

// pathwayName names the j-th occurrence's pathway by its origin, or by
// its URL's directory when another pathway has that origin.
func pathwayName(u *url.URL, j int, taken []string) string {
	name := u.Scheme + "://" + u.Host
	if containsString(taken, name) {
		name = u.Scheme + "://" + u.Host + u.Path[:strings.LastIndexByte(u.Path, '/')+1]
	}
	if containsString(taken, name) {
		name = fmt.Sprintf("%s#%d", name, j)
	}
	return name
}

// redundantTable maps the variants the player was shown to each
// pathway's occurrence of them.
type redundantTable struct {
	groups []hlsredundant.Group
	ids    []string // pathway j's name
	shown  []string // the last path segment of each group's first variant
}

func (t *redundantTable) variant(p string, k int) (*url.URL, bool) {
	if k < 0 || k >= len(t.groups) {
		return nil, false
	}
	for j, id := range t.ids {
		if id == p && j < len(t.groups[k].Variants) {
			return t.groups[k].Variants[j].URL, true
		}
	}
	return nil, false
}

func (t *redundantTable) target(p string, k int, rest string) (string, bool) {
	v, ok := t.variant(p, k)
	if !ok {
		return "", false
	}
	if rest == t.shown[k] {
		return v.String(), true
	}
	ref, err := url.Parse(rest)
	if err != nil || ref.IsAbs() || strings.HasPrefix(rest, "/") {
		return "", false
	}
	return v.ResolveReference(ref).String(), true
}

// playlist points the URLs below the variant's directory at to.
func (t *redundantTable) playlist(p string, k int, body []byte, to string) []byte {
	v, ok := t.variant(p, k)
	if !ok {
		return body
	}
	dir := *v
	dir.RawQuery, dir.Fragment = "", ""
	s := dir.String()
	s = s[:strings.LastIndexByte(s, '/')+1]
	return bytes.ReplaceAll(body, []byte(s), []byte(to))
}

func redundantOf(st *altStream) (*redundantTable, bool) {
	if st == nil {
		return nil, false
	}
	t, ok := st.table.(*redundantTable)
	return t, ok
}
