package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteMarkdown writes the merged report as tables: the hosts summed
// across runs, the totals (times as p50 / p95 / max across runs), and
// the conditions.
func (m Merged) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	t := m.Totals
	fmt.Fprintf(&b, "## clusterplay report: %d runs\n\nRuns from %s to %s; exit codes %s.\n\n", m.Runs, m.StartedAt, m.EndedAt, counts(t.ExitCodes))
	row(&b, "host", "attempts", "successes", "failures", "failures by class", "latency p50", "p95", "max",
		"failed over from", "to", "relay bytes")
	row(&b, "---", "---:", "---:", "---:", "---", "---:", "---:", "---:", "---:", "---:", "---:")
	for _, h := range m.Hosts {
		cells := []string{"`" + cell(h.Host) + "`", strconv.Itoa(h.Attempts), strconv.Itoa(h.Successes),
			strconv.Itoa(h.Failures), counts(h.FailuresByClass), "", "", "",
			strconv.Itoa(h.FailoversFrom), strconv.Itoa(h.FailoversTo), strconv.FormatInt(h.RelayBytes, 10)}
		if l := h.Latency; l != nil {
			cells[5], cells[6], cells[7] = duration(l.P50), duration(l.P95), duration(l.Max)
		}
		row(&b, cells...)
	}
	b.WriteString("\n")
	row(&b, "total", "value")
	row(&b, "---", "---:")
	for _, r := range [][2]string{
		{"resolutions", fmt.Sprintf("%d (%d resolved, %d failed)", t.Resolutions, t.Resolved, t.Failed)},
		{"attempts", strconv.Itoa(t.Attempts)},
		{"failovers", withCounts(t.Failovers, t.FailoversByClass)},
		{"stalls", fmt.Sprintf("%d (%d after an injected fault, %d other)", t.Stalls, t.StallsFromFaults, t.StallsOther)},
		{"faults injected", withCounts(t.FaultsInjected, t.FaultsByRule)},
		{"time to first frame", spreadText(t.TimeToFirstFrame)},
		{"time stalled", spreadText(t.TimeStalled)},
		{"time reconnecting", spreadText(t.TimeReconnecting)},
		{"failover gap", spreadText(t.FailoverGaps)},
		{"duration", spreadText(t.Duration)},
		{"ends", counts(t.Ends)},
	} {
		row(&b, r[0], r[1])
	}
	if len(m.Verdict.Conditions) > 0 {
		fmt.Fprintf(&b, "\nVerdict: %d of %d runs failed.\n\n", m.Verdict.FailedRuns, m.Runs)
		row(&b, "condition", "held in", "largest value")
		row(&b, "---", "---:", "---:")
		for _, c := range m.Verdict.Conditions {
			row(&b, "`"+cell(c.Condition)+"`", fmt.Sprintf("%d of %d runs", c.HeldRuns, c.Runs), number(c.Value))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// spreadText reads "p50 1.2 s, p95 2.0 s, max 2.1 s (n 3)".
func spreadText(s Spread) string {
	if s.N == 0 {
		return "none"
	}
	return fmt.Sprintf("p50 %s, p95 %s, max %s (n %d)", duration(s.P50), duration(s.P95), duration(s.Max), s.N)
}

// verdictMarkdown is the single run's conditions, after its totals.
func verdictMarkdown(b *strings.Builder, v Verdict) {
	if len(v.Conditions) == 0 {
		return
	}
	word := "passed"
	if v.Failed {
		word = "failed"
	}
	fmt.Fprintf(b, "\nVerdict: %s.\n\n", word)
	row(b, "condition", "value", "holds")
	row(b, "---", "---:", "---")
	for _, c := range v.Conditions {
		row(b, "`"+cell(c.Condition)+"`", number(c.Value), strconv.FormatBool(c.Holds))
	}
}
