package relay

import (
	"fmt"
	"time"

	"clusterplay/cluster"
)

// starvation is what the player said of its buffer: starved since when
// (zero when it is not).
type starvation struct {
	since time.Time
}

// SetStarved tells the relay whether the player is starved (buffering, or
// less than a second cached while playing). A host slower than the stream
// is only ever judged while the player starves: a trickle that keeps the
// player fed is no reason to move.
func (r *Relay) SetStarved(starved bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case !starved:
		r.starved.since = time.Time{}
	case r.starved.since.IsZero():
		r.starved.since = time.Now()
	}
}

// tooSlow returns errSlow (with the rule's words) when the serving host
// should be left for being slower than the stream. While the player's
// buffer and the stream's bitrate are known, that is when the response's
// projected finish comes after the buffer runs out (deadline.go);
// otherwise when the player has starved for the slow timeout while up
// serves it. Either way only when another host may be faster. The
// starvation clock starts again after a move, so one slow moment moves
// once.
func (r *Relay) tooSlow(up *upstream) error {
	if late, why := r.projectedLate(up); why != "" {
		if !late || len(r.fasterHosts(up)) == 0 {
			return nil
		}
		return fmt.Errorf("%w: %s", errSlow, why)
	}
	r.mu.Lock()
	since := r.starved.since
	r.mu.Unlock()
	if since.IsZero() || time.Since(since) < r.opts.SlowTimeout || time.Since(up.began) < r.opts.SlowTimeout {
		return nil
	}
	if len(r.fasterHosts(up)) == 0 {
		return nil
	}
	r.mu.Lock()
	r.starved.since = time.Now()
	r.mu.Unlock()
	return errSlow
}

// fasterHosts are the other HTTP hosts not measured slower than up.
func (r *Relay) fasterHosts(up *upstream) []*cluster.Host {
	slower := r.slowerThan(up)
	var out []*cluster.Host
	for _, h := range r.opts.Engine.Hosts() {
		if h == up.host || !h.IsHTTP() || r.opts.Engine.Remembered(h) {
			continue
		}
		isSlower := false
		for _, s := range slower {
			isSlower = isSlower || s == h
		}
		if !isSlower {
			out = append(out, h)
		}
	}
	return out
}

// slowerThan are the hosts measured at or below up's host now: the
// relay's one measurement of each host (meter.go), so that a host serving
// two overlapping responses is not judged by either one alone. A host
// never measured is not known to be slower.
func (r *Relay) slowerThan(up *upstream) []*cluster.Host {
	rate, ok := r.Throughput(up.host)
	if !ok {
		return nil
	}
	var out []*cluster.Host
	for _, h := range r.opts.Engine.Hosts() {
		if hr, known := r.Throughput(h); h != up.host && known && hr <= rate {
			out = append(out, h)
		}
	}
	return out
}
