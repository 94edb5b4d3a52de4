package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// WriteMarkdown writes the report as two tables a tester pastes into a
// ticket: one row per host, then the totals. The numbers are the JSON
// report's, rounded for reading.
func (d Document) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	t := d.Totals
	fmt.Fprintf(&b, "## clusterplay report\n\nRun from %s to %s, exit code %d.\n\n", d.StartedAt, d.EndedAt, t.ExitCode)

	relay := slices.ContainsFunc(d.Hosts, func(h HostReport) bool { return h.RelayBytes != 0 || h.RelaySeconds != 0 })
	head := []string{"#", "host", "attempts", "successes", "failures", "failures by class", "cancelled", "skips",
		"latency p50", "p95", "max", "failed over from", "to"}
	if relay {
		head = append(head, "relay bytes", "relay seconds")
	}
	row(&b, head...)
	align := make([]string, len(head))
	for i := range align {
		align[i] = "---:"
	}
	align[1], align[5] = "---", "---"
	row(&b, align...)
	for _, h := range d.Hosts {
		cells := []string{strconv.Itoa(h.Index), "`" + cell(h.Host) + "`", strconv.Itoa(h.Attempts),
			strconv.Itoa(h.Successes), strconv.Itoa(h.Failures), counts(h.FailuresByClass),
			strconv.Itoa(h.Cancelled), strconv.Itoa(h.Skips), "", "", "",
			strconv.Itoa(h.FailoversFrom), strconv.Itoa(h.FailoversTo)}
		if l := h.Latency; l != nil {
			cells[8], cells[9], cells[10] = duration(l.P50), duration(l.P95), duration(l.Max)
		}
		if relay {
			cells = append(cells, strconv.FormatInt(h.RelayBytes, 10), strconv.FormatFloat(h.RelaySeconds, 'f', 1, 64))
		}
		row(&b, cells...)
	}

	b.WriteString("\n")
	row(&b, "total", "value")
	row(&b, "---", "---:")
	ttff, end := "no frame shown", t.End
	if t.TimeToFirstFrame != nil {
		ttff = duration(*t.TimeToFirstFrame)
	}
	if end == "" {
		end = "no playback ended"
	}
	for _, r := range [][2]string{
		{"exit code", strconv.Itoa(t.ExitCode)},
		{"duration", duration(t.Duration)},
		{"resolutions", fmt.Sprintf("%d (%d resolved, %d failed)", t.Resolutions, t.Resolved, t.Failed)},
		{"attempts", strconv.Itoa(t.Attempts)},
		{"failovers", withCounts(t.Failovers, t.FailoversByClass)},
		{"stalls", stallsText(t)},
		{"time to first frame", ttff},
		{"time stalled", duration(t.TimeStalled)},
		{"time reconnecting", duration(t.TimeReconnecting)},
		{"end", end},
	} {
		row(&b, r[0], r[1])
	}
	if t.DroppedEvents > 0 {
		row(&b, "events the report lost", strconv.Itoa(t.DroppedEvents))
	}
	if t.FaultsInjected > 0 {
		row(&b, "faults injected", withCounts(t.FaultsInjected, t.FaultsByRule))
	}
	if t.Hedges > 0 {
		row(&b, "hedges", fmt.Sprintf("%d (%d won by the second host)", t.Hedges, t.HedgesWon))
	}
	if len(t.FailoverGaps) > 0 {
		row(&b, "failovers' gaps", gapsText(t.FailoverGaps))
	}
	if t.QualitySwitches > 0 {
		row(&b, "quality switches", qualityText(t))
	}
	if d.CMCD != nil {
		row(&b, "CMCD session id", "`"+cell(d.CMCD.SessionID)+"`")
	}
	verdictMarkdown(&b, d.Verdict)
	_, err := io.WriteString(w, b.String())
	return err
}

// stallsText splits the stalls by cause when faults were injected.
func stallsText(t Totals) string {
	if t.FaultsInjected == 0 {
		return strconv.Itoa(t.Stalls)
	}
	return fmt.Sprintf("%d (%d after an injected fault, %d other)", t.Stalls, t.StallsFromFaults, t.StallsOther)
}

// gapsText lists the failovers' gaps, "none" when the relay measured
// none.
func gapsText(gaps []float64) string {
	if len(gaps) == 0 {
		return "none"
	}
	parts := make([]string, len(gaps))
	for i, g := range gaps {
		parts[i] = duration(g)
	}
	return strings.Join(parts, ", ")
}

func row(b *strings.Builder, cells ...string) {
	b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
}

// cell keeps a pipe inside a URL from ending its table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// counts reads "refused 2, status 1", classes in alphabetical order.
func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func withCounts(n int, m map[string]int) string {
	if n == 0 {
		return "0"
	}
	return fmt.Sprintf("%d (%s)", n, counts(m))
}

// duration shows milliseconds as precisely as a person reads them: the
// microsecond of a refused connection, whole milliseconds of a timeout,
// seconds beyond.
func duration(ms float64) string {
	switch {
	case ms == 0:
		return "0 ms"
	case ms < 1:
		return strconv.FormatFloat(ms, 'f', 3, 64) + " ms"
	case ms < 100:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	case ms < 1000:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	}
	return strconv.FormatFloat(ms/1000, 'f', 2, 64) + " s"
}
