package relay

import (
	"time"

	"clusterplay/defaults"
)

// Hedged requests: when a host keeps the first byte of a response longer
// than it usually does, the same request goes to the next host the policy
// offers, and the first of the two to send a byte serves. The decisions
// are pure functions of times, the player's buffer and counts, so that
// they are tested with a fake clock; hedgeget.go does the racing.

const (
	// minHedgeDelay: no hedge sooner than this, however fast the host
	// usually is: a few milliseconds of jitter are no tail.
	minHedgeDelay = 50 * time.Millisecond
	// unmeasuredHedgeDelay is the delay for a host that has answered
	// nothing yet, neither the relay nor an attempt: about a long
	// round trip across the world.
	unmeasuredHedgeDelay = 250 * time.Millisecond
	// hedgeBurst hedges are allowed above the budget's share, so that a
	// short clip can still hedge its one slow segment.
	hedgeBurst = 2
	// hedgeWindow is how far back the budget counts requests and hedges.
	hedgeWindow = time.Minute
	// maxBudgetMarks bounds what the budget remembers, whatever the rate
	// of requests: beyond it the oldest are forgotten early.
	maxBudgetMarks = 100_000
	// DefaultHedgeBudget is --hedge-budget's default, in percent.
	DefaultHedgeBudget = defaults.HedgeBudget
)

// hedgeDelay is how long a request waits for its first byte before it is
// hedged: the host's recent p95 time to first byte (p95, when measured),
// at least minHedgeDelay, and sooner when the player's buffer is short,
// since the hedge must answer before the buffer runs dry: never more than
// half of what the player holds, as far as now tells.
func hedgeDelay(p95 time.Duration, measured bool, buf PlayerBuffer, bufKnown bool, now time.Time) time.Duration {
	d := unmeasuredHedgeDelay
	if measured {
		d = p95
	}
	if bufKnown && buf.Playing {
		left := buf.Cached
		if !buf.At.IsZero() && now.After(buf.At) {
			left -= now.Sub(buf.At) // it plays on since the session saw it
		}
		d = min(d, max(left, 0)/2)
	}
	return max(d, minHedgeDelay)
}

// worthHedgingTo reports whether a host is worth a hedge once the first
// host has kept the request waiting for waited: only when its own recent
// p95 is clearly below that, by a quarter of the wait, so that hosts
// alike, whose answers come around their p95, are not raced against each
// other on a coin's toss. A host that has answered nothing (measured
// false) is judged by typical, the median time to first byte of the
// hosts measured, when any was (typicalKnown). So when every host is slow alike, none is hedged
// to: that is the network, not a host.
func worthHedgingTo(p95 time.Duration, measured bool, typical time.Duration, typicalKnown bool, waited time.Duration) bool {
	if !measured {
		if !typicalKnown {
			return true
		}
		p95 = typical
	}
	return p95 < waited*3/4
}

// hedgeBudget allows hedges up to a share of the requests of the last
// minute, plus a burst. It is not safe for concurrent use.
type hedgeBudget struct {
	percent  float64
	requests []time.Time // oldest first
	hedges   []time.Time
}

// request counts one request to the hosts (not a hedge) made at now.
func (b *hedgeBudget) request(now time.Time) {
	b.requests = mark(b.requests, now)
}

// allow reports whether one more hedge at now stays within the budget.
func (b *hedgeBudget) allow(now time.Time) bool {
	b.requests, b.hedges = recent(b.requests, now), recent(b.hedges, now)
	return float64(len(b.hedges)+1) <= b.percent/100*float64(len(b.requests))+hedgeBurst
}

// spend counts a hedge sent at now.
func (b *hedgeBudget) spend(now time.Time) {
	b.hedges = mark(b.hedges, now)
}

func mark(ts []time.Time, now time.Time) []time.Time {
	ts = append(recent(ts, now), now)
	if len(ts) > maxBudgetMarks {
		ts = ts[len(ts)-maxBudgetMarks:]
	}
	return ts
}

// recent drops the times older than the budget's window.
func recent(ts []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= hedgeWindow {
		i++
	}
	if i == 0 {
		return ts
	}
	return append(ts[:0], ts[i:]...)
}
