package relay

import (
	"context"
	"io"
	"net/http"

	"clusterplay/cluster"
	"clusterplay/events"
)

// Fail-back: a host that failed, and whose failure expired, is asked in
// the background for a few bytes of what plays while playback goes on
// elsewhere; once it answers well three times in a row, and for
// FailBackAfter, and the policy ranks it above the serving host, the
// relay moves back to it at the next request boundary: the next request
// (a playlist or segment of HLS or DASH), or, for a progressive file, a
// planned splice at the current offset with the overlap check of any
// splice. No sooner than FailBackAfter after the last move.

// probeBytes is how much of the file a fail-back probe asks for.
const probeBytes = 1024

// failBackLoop probes the candidates every FailBackProbe (so each at most
// that often) until stop is closed.
func (r *Relay) failBackLoop(stop <-chan struct{}) {
	t := r.opts.Clock.NewTicker(r.opts.FailBackProbe)
	defer t.Stop()
	ss := streaks{}
	for {
		select {
		case <-stop:
			return
		case <-t.C():
			r.failBackRound(ss)
		}
	}
}

// failBackRound asks each candidate once, and plans the move to the best
// ranked that is due.
func (r *Relay) failBackRound(ss streaks) {
	r.mu.Lock()
	cur, path, movedAt := r.current, r.lastPath, r.movedAt
	r.mu.Unlock()
	if cur == nil || path == "" {
		return
	}
	var best *cluster.Host
	for _, h := range r.opts.Engine.Hosts() {
		if !r.failBackCandidate(h, cur, path) {
			ss.forget(h)
			continue
		}
		began := r.opts.Clock.Now()
		good, why := r.probe(h, path)
		s := ss.observe(h, good, began, r.opts.Engine.FailedAt(h))
		now := r.opts.Clock.Now()
		st := failBackState{ranksAbove: true, good: s.good, wellSince: s.wellSince, lastMove: movedAt}
		due, wait := failBackDue(st, now, r.opts.FailBackAfter)
		r.log.Debug("fail-back probe", "host", h.URL, "index", h.Index, "path", path, "good", good, "why", why,
			"good_in_a_row", s.good, "due", due, "wait", wait)
		if due && (best == nil || r.opts.Engine.RanksAbove(h, best)) {
			best = h
		}
	}
	if best != nil {
		r.mu.Lock()
		if r.current == cur {
			r.failBackTo = best
		}
		r.mu.Unlock()
	}
}

// failBackCandidate: an HTTP host other than the serving one, which the
// policy ranks above it, which failed and whose failure expired, and
// which serves the same file as the others.
func (r *Relay) failBackCandidate(h, cur *cluster.Host, path string) bool {
	e := r.opts.Engine
	if h == cur || !h.IsHTTP() || !e.RanksAbove(h, cur) || e.FailedAt(h).IsZero() || e.Remembered(h) {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.mismatch[path] {
		if m == h {
			return false
		}
	}
	return true
}

// probe asks h for the first bytes of path, with the headers and TLS of
// every request to the hosts: good when it answers 200 or 206 and sends
// them within the connect timeout.
func (r *Relay) probe(h *cluster.Host, path string) (good bool, why string) {
	ctx, cancel := context.WithTimeout(context.Background(), r.opts.ConnectTimeout)
	defer cancel()
	up, err := r.get(ctx, h, path, byteRange{end: probeBytes - 1, asked: true}.header(0), nil)
	if err != nil {
		return false, err.Error()
	}
	defer up.close()
	want := int64(probeBytes)
	if up.end >= 0 {
		want = min(want, up.end-up.start)
	}
	if _, err := io.CopyN(io.Discard, up.resp.Body, want); err != nil {
		return false, "body: " + err.Error()
	}
	return true, http.StatusText(up.status)
}

// failBackTarget is the host a planned fail-back moves to from cur, nil
// when none is planned (or cur is no longer what it was planned from).
func (r *Relay) failBackTarget(cur *cluster.Host) *cluster.Host {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failBackTo == nil || r.current != cur || r.failBackTo == cur {
		return nil
	}
	return r.failBackTo
}

// midBodyFailBack is the planned fail-back of a response under way from
// cur: only of a progressive file. The player of HLS or DASH (a manifest
// was served since the load) makes its next request soon: that is where
// its fail-back happens, without a splice.
func (r *Relay) midBodyFailBack(cur *cluster.Host) *cluster.Host {
	r.mu.Lock()
	segmented := r.segmented
	r.mu.Unlock()
	if segmented {
		return nil
	}
	return r.failBackTarget(cur)
}

// failedBack makes to the serving host after a fail-back from from, at
// offset (0 at a request boundary), and says so.
func (r *Relay) failedBack(from, to *cluster.Host, path string, offset int64) {
	r.mu.Lock()
	r.current, r.failBackTo, r.movedAt = to, nil, r.opts.Clock.Now()
	r.mu.Unlock()
	r.opts.Engine.Recovered(to)
	target, _ := to.ClipURL(path)
	r.log.Info("failing back to a recovered host", "from", from.URL, "to", to.URL, "path", path, "offset", offset)
	r.publish(events.Event{Kind: events.Failover, Host: from.URL, Index: from.Index, ToHost: to.URL, ToIndex: to.Index,
		URL: target, Class: events.ClassFailBack, Seamless: true, Offset: offset,
		Err: "a recovered host the policy ranks above the serving one"})
}

// dropFailBack forgets a planned fail-back that could not happen (the
// host did not answer, or serves another file).
func (r *Relay) dropFailBack(to *cluster.Host) {
	r.mu.Lock()
	if r.failBackTo == to {
		r.failBackTo = nil
	}
	r.mu.Unlock()
}

// failBackMidBody moves a progressive response to the planned host at pos:
// it is asked from pos less the overlap, and the overlap must be the bytes
// sent, as in any splice. The host serving is kept (and nil returned) when
// the planned one cannot continue; it is not blamed for the move.
func (r *Relay) failBackMidBody(ctx context.Context, up *upstream, to *cluster.Host, clip string, want byteRange,
	pos, overlap int64, tail *tail) *upstream {
	at := pos - overlap
	next, err := r.get(ctx, to, clip, want.header(at), nil)
	if err != nil {
		r.log.Info("fail-back: the recovered host did not answer: staying", "host", to.URL, "err", err)
		r.dropFailBack(to)
		return nil
	}
	if why := r.continues(up, next, at, overlap, tail); why != "" {
		next.close()
		r.log.Info("fail-back: the recovered host cannot continue: staying", "host", to.URL, "why", why)
		r.dropFailBack(to)
		return nil
	}
	r.failedBack(up.host, to, clip, pos)
	return next
}
