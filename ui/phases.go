package ui

import (
	"fmt"
	"strings"
	"time"

	"clusterplay/report"
)

// The line under the host table tells where the last attempt on the
// focused host spent its time (the row most recently touched, which is
// the serving one while a clip plays): a tester looking at a slow host
// sees whether DNS, the connect, TLS or the origin's first byte was slow.
// Where the table is too narrow for its RELAYED and RATE columns, the line
// also says what the relay fetched from the host.

// hasDetail says whether the focused row has a detail line: the phases
// of its last attempt, or what the relay fetched from it.
func (t hostTable) hasDetail() bool {
	if t.focus < 0 || t.focus >= t.len() {
		return false
	}
	r := t.row(t.focus)
	return !r.Phases.IsZero() || r.Fetches > 0
}

// detailLine is the focused row's detail line, "" when it has none. With
// relay, what was relayed from the host is said too, for a table too
// narrow for those columns (or a host whose attempts reported no phase).
func (t hostTable) detailLine(relay bool) string {
	if !t.hasDetail() {
		return ""
	}
	r := t.row(t.focus)
	var said []string
	if r.Fetches > 0 && (relay || r.Phases.IsZero()) {
		s := "relayed " + report.ByteSize(float64(r.Bytes))
		if tp := r.Throughput(); tp > 0 {
			s += " at " + report.ByteSize(tp) + "/s"
		}
		said = append(said, s)
	}
	if p := r.Phases; !p.IsZero() {
		var parts []string
		for _, ph := range p.Begun() {
			parts = append(parts, ph.Label+" "+phaseTime(ph.D))
		}
		said = append(said, "last attempt: "+strings.Join(parts, " · "))
	}
	return fmt.Sprintf("#%d %s", t.focus, strings.Join(said, " · "))
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
