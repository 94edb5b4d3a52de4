package relay

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/steering"
)

// A stream's own alternatives (HLS pathways, DASH BaseURLs) are hosts of
// the cluster for that clip. The player is shown one of them, through
// paths under altPrefix: "~pw/K/REST" is the K-th thing it was shown (a
// variant) and REST its path below it; the relay routes each such request
// to the alternative in use, and continues it on the next when one fails.
const altPrefix = "~pw/"

// altRoute is where a request of the player's goes on one alternative.
type altRoute struct {
	pathway string
	k       int
	rest    string
}

// name is the pathway, "" for a typed host's request.
func (a *altRoute) name() string {
	if a == nil {
		return ""
	}
	return a.pathway
}

// parseAltPath reads "~pw/K/REST".
func parseAltPath(clip string) (altRoute, bool) {
	s, ok := strings.CutPrefix(clip, altPrefix)
	if !ok {
		return altRoute{}, false
	}
	ks, rest, ok := strings.Cut(s, "/")
	k, err := strconv.Atoi(ks)
	if !ok || err != nil || k < 0 || rest == "" {
		return altRoute{}, false
	}
	return altRoute{k: k, rest: rest}, true
}

// altPath is the relay's path for REST below the k-th thing shown.
func altPath(k int, rest string) string { return altPrefix + strconv.Itoa(k) + "/" + rest }

// altTable maps what the player was shown to each alternative: HLS's
// variants (steer.go); DASH plugs its BaseURLs in the same way.
type altTable interface {
	// target is the URL of rest below the k-th thing shown, on pathway.
	target(pathway string, k int, rest string) (string, bool)
	// playlist rewrites a playlist fetched from pathway for the k-th
	// thing shown, so that its URLs come back to the relay under to.
	playlist(pathway string, k int, body []byte, to string) []byte
}

// altStream is the stream's alternatives and what the relay knows of them.
type altStream struct {
	key    string // what the stream is known by: its manifest's URL
	set    *steering.Set
	table  altTable
	cancel context.CancelFunc

	mu         sync.Mutex
	hosts      map[string]*cluster.Host // by pathway
	bytes      map[string]int64         // served, by pathway
	throughput float64                  // bits/s of segment downloads, smoothed; 0 until measured
	nextReload time.Time                // zero when none is planned

	// onFail, when set, applies the stream's own rule to a pathway's
	// failure beyond its penalty (DASH's DVB rules, steer_dash.go).
	onFail func(pathway string)
}

func (st *altStream) host(id string) *cluster.Host {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.hosts[id]
}

func (r *Relay) altStreamNow() *altStream {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.alts
}

// stopSteering ends the steering client of the stream, if any.
func (r *Relay) stopSteering() {
	if st := r.altStreamNow(); st != nil {
		st.cancel()
	}
}

// pickAlt is the pathway a request beginning now goes to; a move since the
// last is said as a pathway event.
func (r *Relay) pickAlt(st *altStream) string {
	p, mv := st.set.Pick()
	r.sayMove(st, mv)
	return p
}

func (r *Relay) sayMove(st *altStream, mv *steering.Move) {
	if mv == nil || mv.From == "" {
		return // the first pick is no move
	}
	ev := events.Event{Kind: events.Pathway, Index: -1, PathwayFrom: mv.From, Pathway: mv.To,
		Reason: events.Reason(mv.Reason), ExpiresAt: st.set.PenaltyUntil(mv.From)}
	if h := st.host(mv.From); h != nil {
		ev.Host, ev.Index = h.URL, h.Index
	}
	if h := st.host(mv.To); h != nil {
		ev.ToHost, ev.ToIndex = h.URL, h.Index
	}
	r.log.Info("pathway", "from", mv.From, "to", mv.To, "reason", mv.Reason)
	r.publish(ev)
}

// serveAlternative answers a request below what the player was shown
// from the pathway in use, as serve does from a typed host.
func (r *Relay) serveAlternative(w http.ResponseWriter, req *http.Request, clip string, rt altRoute, want byteRange) {
	st := r.altStreamNow()
	if st == nil {
		http.Error(w, "no stream of alternatives is playing", http.StatusNotFound)
		return
	}
	ask := want
	playlist := manifestExt(rt.rest) != ""
	if playlist {
		ask = byteRange{end: -1}
	}
	up, err := r.openAlternative(req.Context(), st, req, clip, rt, ask, nil)
	if err == nil && !playlist && isManifest(up) && !up.whole() {
		up.close()
		playlist = true
		up, err = r.openAlternative(req.Context(), st, req, clip, rt, byteRange{end: -1}, nil)
	}
	if err != nil {
		refuse(w, clip, err)
		return
	}
	if playlist || isManifest(up) {
		r.serveAltPlaylist(w, req, st, up, clip, rt)
		return
	}
	sp, status := respond(w.Header(), up, want)
	if status != http.StatusOK && status != http.StatusPartialContent {
		up.close()
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.WriteHeader(status)
	if req.Method == http.MethodHead {
		up.close()
		return
	}
	r.copyBody(req.Context(), w, up, clip, want, sp)
}

// openAlternative asks the pathway in use for the request, then the next
// ones, each failing one penalised.
func (r *Relay) openAlternative(ctx context.Context, st *altStream, req *http.Request, clip string, rt altRoute,
	ask byteRange, skip []string) (*upstream, error) {
	p := r.pickAlt(st)
	var last error = errNoHostLeft
	for _, q := range append([]string{p}, st.set.Ahead(append(skip, p)...)...) {
		if containsString(skip, q) {
			continue
		}
		h := st.host(q)
		target, ok := st.table.target(q, rt.k, rt.rest)
		if h == nil || !ok {
			continue
		}
		if err := r.allowedURL(target); err != nil {
			r.failAlternative(st, q, h, target, clip, err)
			last = err
			continue
		}
		rangeHeader := ""
		if ask.asked {
			rangeHeader = ask.header(ask.start)
		}
		up, err := r.getURL(ctx, h, target, clip, rangeHeader, req.Header)
		var past *pastEnd
		switch {
		case errors.As(err, &past):
			return nil, err
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			r.failAlternative(st, q, h, target, clip, err)
			last = err
			continue
		}
		up.alt = &altRoute{pathway: q, k: rt.k, rest: rt.rest}
		if q != p {
			r.pickAlt(st)
		}
		return up, nil
	}
	return nil, last
}

// failAlternative penalises pathway q, whose host h failed a request, and
// says so; the failure memory remembers h as for a typed host.
func (r *Relay) failAlternative(st *altStream, q string, h *cluster.Host, target, clip string, err error) {
	until := st.failed(q)
	if blames(err) {
		r.opts.Engine.MarkFailed(h)
	}
	r.publish(events.Event{Kind: events.ConnectFailed, Host: h.URL, Index: h.Index, URL: events.RedactURL(target),
		Class: cluster.Classify(err), Err: err.Error(), ExpiresAt: until, Pathway: q, Path: clip})
}

// countAlternative adds a part's bytes to its pathway's, and a segment's
// download rate to the throughput steering is told.
func (r *Relay) countAlternative(up *upstream, n int64, el time.Duration) {
	st := r.altStreamNow()
	if st == nil || up.alt == nil {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.bytes[up.alt.pathway] += n
	if manifestExt(up.alt.rest) != "" || n < 16<<10 || el <= 0 {
		return
	}
	bps := float64(n) * 8 / el.Seconds()
	if st.throughput == 0 {
		st.throughput = bps
	} else {
		st.throughput = 0.7*st.throughput + 0.3*bps
	}
}

// altCanMove reports whether a response of a stream's pathway has a
// pathway not penalised to move to: without one, the buffer's early
// deadline would only ask the same pathway again and again, and the
// fixed read timeout applies.
func (r *Relay) altCanMove(up *upstream) bool {
	st := r.altStreamNow()
	if st == nil {
		return false
	}
	for _, q := range st.set.Ahead(up.alt.pathway) {
		if st.set.PenaltyUntil(q).IsZero() {
			return true
		}
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
