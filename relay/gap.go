package relay

import (
	"time"

	"clusterplay/events"
)

// gapClock measures, for one relayed response, the gap of each failover
// the relay makes in it: from the failing host's last byte delivered to
// the player to the new host's first. The failover is published when
// that first byte is delivered, carrying the gap; one whose host fails
// before delivering any is published without a gap, and the next
// failover's gap runs from the same last byte, so the largest gap covers
// the whole hole the player saw.
type gapClock struct {
	r       *Relay
	last    time.Time     // when the player last had a byte; zero before the first
	from    time.Time     // when the gap under way began; zero when none
	pending *events.Event // the failover waiting for its host's first byte
}

// delivered notes bytes delivered to the player now.
func (g *gapClock) delivered() {
	now := time.Now()
	g.r.opts.CMCD.Started()
	if g.pending != nil {
		g.pending.Gap = max(now.Sub(g.from), time.Nanosecond)
		g.r.publish(*g.pending)
		g.pending = nil
	}
	g.last, g.from = now, time.Time{}
}

// moved notes a failover to another host, to publish at its first byte.
func (g *gapClock) moved(e events.Event) {
	g.flush() // a host that delivered nothing: said without a gap
	if g.from.IsZero() {
		g.from = g.last
		if g.from.IsZero() {
			g.from = time.Now() // nothing delivered yet: the gap runs from the failure
		}
	}
	g.pending = &e
}

// flush publishes a failover still waiting, without a gap: its host
// delivered nothing before the response ended.
func (g *gapClock) flush() {
	if g.pending != nil {
		g.r.publish(*g.pending)
		g.pending = nil
	}
}
