package relay

import (
	"time"

	"clusterplay/events"
)

// gapClock measures, for one relayed response, the gap of each failover
// the relay makes in it: from the failing host's last byte delivered to
// the player to the moment the new host's first byte is ready for the
// player (its headers came and the overlap checked out), when the
// failover is published with it. Publishing then, not once that byte is
// written, keeps the failover's time the relay's own: a player whose cache
// is full reads nothing for seconds, and that is no gap. A failover whose
// host then fails before sending a byte is followed by one whose gap runs
// from the same last byte, so the largest gap covers the whole hole.
type gapClock struct {
	r    *Relay
	last time.Time // the last byte delivered, or the first failure before any
}

// delivered notes bytes delivered to the player now.
func (g *gapClock) delivered() {
	g.last = time.Now()
	g.r.opts.CMCD.Started()
}

// failed notes that the serving host failed now: a response that has
// delivered nothing yet counts its gap from here.
func (g *gapClock) failed() {
	if g.last.IsZero() {
		g.last = time.Now()
	}
}

// moved publishes a failover to another host with its gap.
func (g *gapClock) moved(e events.Event) {
	e.Gap = max(time.Since(g.last), time.Nanosecond)
	g.r.publish(e)
}
