package relay

import (
	"context"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"clusterplay/cluster"
	"clusterplay/dash"
	"clusterplay/events"
	"clusterplay/steering"
)

// steerMPD is serveManifest's hook for DASH: an MPD that names several
// BaseURLs in one place makes them the stream's alternatives, named by
// serviceLocation (or by the BaseURL itself). The player is shown one
// BaseURL per place, under ~pw/K/, and the relay routes each request: by
// the steering server's order when the MPD has <ContentSteering>, else
// by the DVB-DASH rules (docs/steering.md). A live MPD is rewritten the
// same way on every reload. Any other manifest is returned as it is.
func (r *Relay) steerMPD(req *http.Request, up *upstream, body []byte) []byte {
	if manifestExt(up.path) != "application/dash+xml" && !isMPDType(up) {
		return body
	}
	mpdURL, err := up.host.ClipURL(up.path)
	if err != nil {
		return body
	}
	at, err := url.Parse(mpdURL)
	if err != nil {
		return body
	}
	m, err := dash.Parse(body, at)
	if err != nil {
		return body
	}
	st := r.altStreamNow()
	if st == nil || st.key != mpdURL {
		r.sayRejected(m, mpdURL) // once, not on every reload of a live MPD
	}
	if len(m.Alternatives()) == 0 {
		// Nothing to choose from; what cannot be used is not shown either.
		return dash.Reduce(body, m, nil)
	}
	t := dash.NewTable(m)
	if dt, ok := tableOf(st); ok && st.key == mpdURL {
		r.updateDASHStream(st, dt, t) // a live MPD reloaded
	} else if st = r.newDASHStream(m, t, mpdURL); st == nil {
		return body
	}
	base := r.baseFor(req)
	return dash.Reduce(body, m, func(k int, _ dash.Group) string { return base + altPath(k, t.Shown(k)) })
}

// isMPDType reports whether the host called the body an MPD.
func isMPDType(up *upstream) bool {
	if up.resp == nil {
		return false
	}
	t, _, err := mime.ParseMediaType(up.resp.Header.Get("Content-Type"))
	return err == nil && strings.EqualFold(t, "application/dash+xml")
}

// sayRejected says each BaseURL the relay will not fetch, once per MPD
// load, as a steering event with the reason.
func (r *Relay) sayRejected(m *dash.MPD, mpdURL string) {
	for _, rj := range m.Rejected {
		r.publish(events.Event{Kind: events.Steering, Index: -1, URL: events.RedactURL(mpdURL), Class: events.ClassProtocol,
			Err: "BaseURL " + events.RedactURL(rj.Raw) + " skipped: " + rj.Reason})
	}
}

// newDASHStream makes the MPD's pathways hosts of the cluster for the
// clip, in the DVB order (or the steering server's, asked before the MPD
// is answered when queryBeforeStart says so).
func (r *Relay) newDASHStream(m *dash.MPD, t *dash.Table, mpdURL string) *altStream {
	ctx, cancel := context.WithCancel(context.Background())
	dt := &dashTable{}
	st := &altStream{key: mpdURL, table: dt, cancel: cancel, hosts: map[string]*cluster.Host{}, bytes: map[string]int64{}}
	order := r.dvbOrder(t, st)
	penalty := r.opts.PathwayPenalty
	if m.Steering == nil && r.opts.FailureExpiry > 0 {
		penalty = r.opts.FailureExpiry // DVB: excluded for the failure expiry
	}
	if m.Steering != nil {
		order = preferred(order, m.Steering.DefaultServiceLocation)
		st.onFail = nil // steering ranks; a failure penalises the one pathway
	}
	st.set = steering.NewSet(r.opts.Clock, penalty, nil)
	dt.set(t)
	for _, p := range order {
		r.addDASHPathway(st, dt, p)
	}
	if len(st.set.IDs()) == 0 {
		cancel()
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
	if s := m.Steering; s != nil && s.ServerURL != nil {
		r.startDASHSteering(ctx, st, s)
	}
	r.pickAlt(st)
	return st
}

// failed penalises pathway q for a failure, and applies the stream's own
// rule beyond it (DASH's DVB rules); it returns when q's penalty ends.
func (st *altStream) failed(q string) time.Time {
	until := st.set.Penalise(q, steering.ReasonFailure)
	if st.onFail != nil {
		st.onFail(q)
	}
	return until
}

// reranked is the pathways of among in the order of ranked: the set's
// order once the stream's own failure rule has excluded more.
func reranked(ranked, among []string) []string {
	var out []string
	for _, q := range ranked {
		if containsString(among, q) {
			out = append(out, q)
		}
	}
	return out
}

// dvbOrder is the order of the pathways by the DVB-DASH rules over the
// outermost place's BaseURLs (the pick first), then the pathways of the
// inner places; it arms the stream's failure rule.
func (r *Relay) dvbOrder(t *dash.Table, st *altStream) []string {
	groups := t.Groups()
	outer := groups[len(groups)-1].BaseURLs
	sel := dash.NewSelector(outer, r.opts.FailureExpiry, r.opts.Clock, r.opts.Rand)
	var order []string
	for _, b := range sel.Order() {
		order = append(order, b.Name())
	}
	for _, p := range t.Pathways() {
		if !containsString(order, p) {
			order = append(order, p)
		}
	}
	st.onFail = func(q string) { r.dvbExclude(st, outer, q) }
	return order
}

// dvbExclude applies DVB's failure rule: the pathways of the same
// serviceLocation or the same priority as the one that failed are
// excluded with it.
func (r *Relay) dvbExclude(st *altStream, outer []dash.BaseURL, failed string) {
	var f *dash.BaseURL
	for i := range outer {
		if outer[i].Name() == failed {
			f = &outer[i]
		}
	}
	if f == nil || !f.DVB {
		return // document order: only the failed one is skipped
	}
	for _, b := range outer {
		if b.Name() != failed && (b.Priority == f.Priority || (f.ServiceLocation != "" && b.ServiceLocation == f.ServiceLocation)) {
			st.set.Penalise(b.Name(), steering.ReasonFailure)
		}
	}
}

// preferred moves the MPD's defaultServiceLocation to the front.
func preferred(order, first []string) []string {
	var out []string
	for _, p := range first {
		if containsString(order, p) && !containsString(out, p) {
			out = append(out, p)
		}
	}
	for _, p := range order {
		if !containsString(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// addDASHPathway makes pathway p a host of the cluster for this clip,
// named by its BaseURL's directory and numbered after the typed hosts.
func (r *Relay) addDASHPathway(st *altStream, dt *dashTable, p string) {
	dir, ok := dt.get().Dir(p)
	if !ok {
		return
	}
	if err := r.allowedParsed(dir); err != nil {
		if !dt.refuse(p) {
			return // said when the MPD first named it
		}
		r.publish(events.Event{Kind: events.Steering, Index: -1, Pathway: p, URL: events.RedactURL(dir.String()),
			Class: events.ClassProtocol, Err: "BaseURL " + events.RedactURL(dir.String()) + " skipped: " + err.Error()})
		return
	}
	hs, err := cluster.NewHosts([]cluster.HostSpec{{URL: dir.String()}})
	if err != nil {
		return
	}
	st.mu.Lock()
	hs[0].Index = len(r.opts.Engine.Hosts()) + len(st.hosts)
	if old := st.hosts[p]; old != nil {
		hs[0].Index = old.Index
	}
	st.hosts[p] = hs[0]
	st.mu.Unlock()
	st.set.Add(p)
}

// updateDASHStream takes a reloaded live MPD's table: the routes follow
// it, and a pathway it names anew joins the set.
func (r *Relay) updateDASHStream(st *altStream, dt *dashTable, t *dash.Table) {
	dt.mu.Lock()
	clones := dt.clones
	dt.mu.Unlock()
	cloneInto(t, clones)
	dt.set(t)
	for _, p := range t.Pathways() {
		if st.host(p) == nil {
			r.addDASHPathway(st, dt, p)
		}
	}
}

// startDASHSteering asks the MPD's steering server with _DASH_pathway (the
// service location in use, quoted) and _DASH_throughput: before the MPD is
// answered when queryBeforeStart is true, else beside the playback.
func (r *Relay) startDASHSteering(ctx context.Context, st *altStream, s *dash.Steering) {
	if r.opts.SteeringOverride != "" {
		r.startSteering(ctx, st, "", s.ServerURL)
		return
	}
	c := steering.NewClient(r.steeringOptions(st, s.ServerURL.String(), "_DASH_pathway", "_DASH_throughput",
		func() string { return dash.PathwayParam([]string{st.set.Current()}) }))
	run := func() {
		a := c.Fetch(ctx)
		r.applyAnswer(st, a)
		if !a.Stopped {
			_ = c.Run(ctx, a.Wait, func(a steering.Answer) { r.applyAnswer(st, a) })
		}
	}
	if !s.QueryBeforeStart {
		go run()
		return
	}
	a := c.Fetch(ctx)
	r.applyAnswer(st, a)
	if !a.Stopped {
		go func() { _ = c.Run(ctx, a.Wait, func(a steering.Answer) { r.applyAnswer(st, a) }) }()
	}
}

// dashTable is the altTable of an MPD: the routes of its latest load.
type dashTable struct {
	mu      sync.Mutex
	t       *dash.Table
	refused map[string]bool  // pathways the relay will not fetch, said once
	clones  []steering.Clone // the last steering answer's, made again on each reload
}

// refuse notes pathway p as refused; false when it was already.
func (d *dashTable) refuse(p string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.refused[p] {
		return false
	}
	if d.refused == nil {
		d.refused = map[string]bool{}
	}
	d.refused[p] = true
	return true
}

func (d *dashTable) set(t *dash.Table) {
	d.mu.Lock()
	d.t = t
	d.mu.Unlock()
}

func (d *dashTable) get() *dash.Table {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.t
}

func (d *dashTable) target(p string, k int, rest string) (string, bool) {
	return d.get().Target(p, k, rest)
}

// playlist: below a BaseURL there are segments, not playlists to point.
func (d *dashTable) playlist(_ string, _ int, body []byte, _ string) []byte { return body }

// tableOf is the stream's DASH table, when it is a DASH stream.
func tableOf(st *altStream) (*dashTable, bool) {
	if st == nil {
		return nil, false
	}
	dt, ok := st.table.(*dashTable)
	return dt, ok
}
