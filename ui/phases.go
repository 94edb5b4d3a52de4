package ui

import (
	"fmt"
	"strings"
	"time"

	"clusterplay/events"
)

// The line under the host table tells where the last attempt on the
// focused host spent its time (the row most recently touched, which is
// the serving one while a clip plays): a tester looking at a slow host
// sees whether DNS, the connect, TLS or the origin's first byte was slow.

// phasesLine is the detail line of the focused row, "" when its last
// attempt reported no phase.
func (t hostTable) phasesLine() string {
	if t.focus < 0 || t.focus >= len(t.rows) {
		return ""
	}
	p := t.rows[t.focus].phases
	if p.IsZero() {
		return ""
	}
	var parts []string
	for _, ph := range p.Begun() {
		parts = append(parts, ph.Label+" "+phaseTime(ph.D))
	}
	return fmt.Sprintf("#%d last attempt: %s", t.focus, strings.Join(parts, " · "))
}

// phaseTime shows a phase to about three significant digits: loopback
// connects take microseconds, a slow origin seconds.
func phaseTime(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 10:
		return fmt.Sprintf("%.2fms", ms)
	case ms < 100:
		return fmt.Sprintf("%.1fms", ms)
	case ms < 10000:
		return fmt.Sprintf("%.0fms", ms)
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// keepPhases notes the phases of an attempt that finished on row r; an
// event without any (the engine sends none for a skip) leaves the last.
func (r *hostRow) keepPhases(ev events.Event) {
	if !ev.Phases.IsZero() {
		r.phases = ev.Phases
	}
}
