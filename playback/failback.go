package playback

import (
	"sync/atomic"
	"time"

	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/relay"
)

// Fail-back when no relay carries the load (--relay=off, or a host the
// relay does not carry): the relay fails back on its own, at a request
// boundary the player never sees; here the player reads the host itself,
// so the move back is a reload at the position, as a failover is. The
// rule is the relay's (relay.FailBackRule): a host that failed and whose
// failure expired, which the policy ranks above the serving one, is asked
// for a byte of the clip every FailBackProbe; three good answers in a row
// spanning FailBackAfter, and FailBackAfter since the last load, move
// playback back to it.

// directFailBack is the run's fail-back state. Only the Run goroutine
// touches it, but for the rule and probing, which the round shares.
type directFailBack struct {
	rule      *relay.FailBackRule
	lastRound time.Time
	movedAt   time.Time   // the last load: a failover, or the resolution that chose the host
	probing   atomic.Bool // a round is under way
}

// failBackTick starts a round of probes when one is due: on the
// watchdog's tick, at most every FailBackProbe.
func (r *run) failBackTick(now time.Time) {
	from := r.host
	if !r.opts.FailBack || r.relayed || r.op != nil || !r.started || r.ended || from == nil || !from.IsHTTP() ||
		r.back.probing.Load() || now.Sub(r.back.lastRound) < r.opts.FailBackProbe {
		return
	}
	if r.back.rule == nil {
		r.back.rule = &relay.FailBackRule{After: r.opts.FailBackAfter}
	}
	var candidates []*cluster.Host
	for _, h := range r.engine.Hosts() {
		if h != from && h.IsHTTP() && r.engine.RanksAbove(h, from) && !r.engine.FailedAt(h).IsZero() && !r.engine.Remembered(h) {
			candidates = append(candidates, h)
		} else {
			r.back.rule.Forget(h)
		}
	}
	if len(candidates) == 0 {
		return
	}
	r.back.lastRound = now
	r.back.probing.Store(true)
	go r.failBackRound(candidates, r.clip, r.back.movedAt)
}

// failBackRound probes the candidates, off the Run goroutine, and asks
// the session to move to the best ranked whose move is due.
func (r *run) failBackRound(candidates []*cluster.Host, clip string, movedAt time.Time) {
	defer r.back.probing.Store(false)
	var best *cluster.Host
	for _, h := range candidates {
		began := r.clock.Now()
		err := r.engine.ProbeClip(r.ctx, h, clip)
		r.back.rule.Observe(h, err == nil, began, r.engine.FailedAt(h))
		due, why := r.back.rule.Due(h, r.clock.Now(), movedAt)
		r.log.Debug("fail-back probe", "host", h.URL, "index", h.Index, "err", err, "due", due, "wait", why)
		if due && (best == nil || r.engine.RanksAbove(h, best)) {
			best = h
		}
	}
	if best != nil {
		r.send(request{kind: reqFailBack, index: best.Index})
	}
}

// failBackTo reloads the clip from host index at the position, if the
// playback is still as the round found it.
func (r *run) failBackTo(index int) (Outcome, bool) {
	hosts := r.engine.Hosts()
	if index < 0 || index >= len(hosts) || r.relayed || r.op != nil || !r.started || r.ended || r.host == nil {
		return 0, false
	}
	to, from := hosts[index], r.host
	if to == from || !r.engine.RanksAbove(to, from) {
		return 0, false
	}
	r.log.Info("failing back to a recovered host", "from", from.URL, "to", to.URL, "position_s", r.position.Seconds())
	// Make before break: what plays goes on playing while the recovered
	// host is tried, and plays on if it does not answer after all.
	r.resolve(&resolution{purpose: forFailover, clip: r.clip, start: r.position, from: from, only: to,
		class: events.ClassFailBack, msg: "a recovered host the policy ranks above the serving one", keepPlaying: true})
	return 0, false
}
