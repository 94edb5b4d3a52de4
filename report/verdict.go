package report

import (
	"fmt"

	"clusterplay/verdict"
)

// Verdict is --fail-if's judgement of a run: failed when one of its
// conditions holds.
type Verdict struct {
	Failed     bool        `json:"failed"`
	Conditions []Condition `json:"conditions"`
}

// Condition is one --fail-if condition and what it found.
type Condition struct {
	Condition string  `json:"condition"`
	Value     float64 `json:"value"`
	Holds     bool    `json:"holds"`
}

// Judge evaluates conditions against the report's numbers, sets its
// verdict, and reports whether the run failed.
func (d *Document) Judge(conditions []verdict.Condition) bool {
	d.Verdict = Verdict{Conditions: make([]Condition, 0, len(conditions))}
	for _, c := range conditions {
		v := d.Number(c)
		holds := c.Holds(v)
		d.Verdict.Conditions = append(d.Verdict.Conditions, Condition{Condition: c.Expr, Value: v, Holds: holds})
		d.Verdict.Failed = d.Verdict.Failed || holds
	}
	return d.Verdict.Failed
}

// Number is the report's number a condition names. A number the report
// leaves out is taken as what it means for a condition: a time to first
// frame when none was shown is the whole run (the wait was at least that
// long); a host the list does not have, or a latency never measured, 0.
func (d *Document) Number(c verdict.Condition) float64 {
	if c.Host >= 0 {
		if c.Host >= len(d.Hosts) {
			return 0
		}
		return hostNumber(d.Hosts[c.Host], c.Name)
	}
	t := d.Totals
	switch c.Name {
	case "attempts":
		return float64(t.Attempts)
	case "dropped_events":
		return float64(t.DroppedEvents)
	case "duration_ms":
		return t.Duration
	case "exit_code":
		return float64(t.ExitCode)
	case "failed":
		return float64(t.Failed)
	case "failover_gap_ms", "max_failover_gap_ms":
		return t.MaxFailoverGap
	case "failovers":
		return float64(t.Failovers)
	case "faults_injected":
		return float64(t.FaultsInjected)
	case "resolutions":
		return float64(t.Resolutions)
	case "resolved":
		return float64(t.Resolved)
	case "stalls":
		return float64(t.Stalls)
	case "stalls_from_faults":
		return float64(t.StallsFromFaults)
	case "stalls_other":
		return float64(t.StallsOther)
	case "time_reconnecting_ms":
		return t.TimeReconnecting
	case "time_stalled_ms":
		return t.TimeStalled
	case "time_to_first_frame_ms":
		if t.TimeToFirstFrame == nil {
			return t.Duration
		}
		return *t.TimeToFirstFrame
	}
	panic(fmt.Sprintf("report: no total %q (verdict.Totals and Number disagree)", c.Name))
}

func hostNumber(h HostReport, name string) float64 {
	switch name {
	case "attempts":
		return float64(h.Attempts)
	case "cancelled":
		return float64(h.Cancelled)
	case "failovers_from":
		return float64(h.FailoversFrom)
	case "failovers_to":
		return float64(h.FailoversTo)
	case "failures":
		return float64(h.Failures)
	case "relay_bytes":
		return float64(h.RelayBytes)
	case "relay_seconds":
		return h.RelaySeconds
	case "skips":
		return float64(h.Skips)
	case "successes":
		return float64(h.Successes)
	}
	if h.Latency == nil {
		return 0
	}
	switch name {
	case "latency_p50_ms":
		return h.Latency.P50
	case "latency_p95_ms":
		return h.Latency.P95
	case "latency_max_ms":
		return h.Latency.Max
	}
	panic(fmt.Sprintf("report: no host field %q (verdict.HostFields and hostNumber disagree)", name))
}
