package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"clusterplay/events"
)

// DocumentFormat names the report's shape: a stable word so that a
// script can tell the report from the event lines it may follow, and a
// later shape from this one.
const DocumentFormat = "clusterplay-report/1"

// Document is the report at exit. Its JSON names are a contract, as the
// event lines' are; docs/report.md defines every number.
type Document struct {
	Format    string       `json:"format"`
	StartedAt string       `json:"started_at"`
	EndedAt   string       `json:"ended_at"`
	Hosts     []HostReport `json:"hosts"`
	Totals    Totals       `json:"totals"`
	// CMCD is the session the hosts saw, with --cmcd; absent without.
	CMCD *CMCD `json:"cmcd,omitempty"`
	// Verdict is --fail-if's judgement: never absent, no condition
	// failing nothing.
	Verdict Verdict `json:"verdict"`
}

// CMCD names the run to a CDN's logs: the session id every request to
// the hosts carried, and how it carried it.
type CMCD struct {
	SessionID string `json:"sid"`
	Mode      string `json:"mode"` // query or header
}

// HostReport is one configured host.
type HostReport struct {
	Host            string         `json:"host"`
	Index           int            `json:"index"`
	Attempts        int            `json:"attempts"`
	Successes       int            `json:"successes"`
	Failures        int            `json:"failures"`
	FailuresByClass map[string]int `json:"failures_by_class"`
	Cancelled       int            `json:"cancelled"`
	Skips           int            `json:"skips"`
	// Latency is absent when no attempt of the host came to an end.
	Latency       *Latency `json:"latency_ms,omitempty"`
	FailoversFrom int      `json:"failovers_from"`
	FailoversTo   int      `json:"failovers_to"`
	// The relay (a later clusterplay) will count what it served from
	// its fetch events; until then both stay 0, so that scripts can rely
	// on the fields now.
	RelayBytes   int64   `json:"relay_bytes"`
	RelaySeconds float64 `json:"relay_seconds"`
	// FaultsInjected counts the fault events that name the host.
	FaultsInjected int `json:"faults_injected"`
}

// Latency summarises the durations of a host's attempts, in milliseconds.
type Latency struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	Max float64 `json:"max"`
	N   int     `json:"n"` // how many attempts they are taken from
}

// Totals are the run's numbers across hosts.
type Totals struct {
	Resolutions      int            `json:"resolutions"`
	Resolved         int            `json:"resolved"`
	Failed           int            `json:"failed"`
	Attempts         int            `json:"attempts"`
	Failovers        int            `json:"failovers"`
	FailoversByClass map[string]int `json:"failovers_by_class"`
	Stalls           int            `json:"stalls"`
	// TimeToFirstFrame is null when no frame was shown.
	TimeToFirstFrame *float64 `json:"time_to_first_frame_ms"`
	TimeStalled      float64  `json:"time_stalled_ms"`
	TimeReconnecting float64  `json:"time_reconnecting_ms"`
	End              string   `json:"end,omitempty"` // the last end event's reason
	ExitCode         int      `json:"exit_code"`
	Duration         float64  `json:"duration_ms"`
	DroppedEvents    int      `json:"dropped_events"`
	// FailoverGaps are the relay's failovers' gaps, in their order: from
	// the failing host's last byte to the new host's first byte delivered
	// to the player. Failovers the relay did not make have none.
	FailoverGaps   []float64 `json:"failover_gap_ms"`
	MaxFailoverGap float64   `json:"max_failover_gap_ms"`
	// StallsFromFaults and StallsOther split Stalls: those an injected
	// fault may have caused, and the others.
	StallsFromFaults int            `json:"stalls_from_faults"`
	StallsOther      int            `json:"stalls_other"`
	FaultsInjected   int            `json:"faults_injected"`
	FaultsByRule     map[string]int `json:"faults_by_rule"`
	// Hedges counts the relay's hedge events; HedgesWon those the second
	// host won (its first byte came first and it served).
	Hedges    int `json:"hedges"`
	HedgesWon int `json:"hedges_won"`
	// QualitySwitches counts the quality events; TimePerVariant is the
	// time each variant served after the first frame, by quality name
	// (empty without a switch); MeanBitratePlayed is their mean bitrate
	// (bits/s) weighted by that time, null when none is known.
	QualitySwitches   int                `json:"quality_switches"`
	TimePerVariant    map[string]float64 `json:"time_per_variant_ms"`
	MeanBitratePlayed *float64           `json:"mean_bitrate_played"`
}

// Document returns the report of the events folded so far, for a run that
// ended at ended with exit code code.
func (s *Summary) Document(code int, ended time.Time) Document {
	d := Document{
		Format:    DocumentFormat,
		StartedAt: stamp(s.began),
		EndedAt:   stamp(ended),
		Hosts:     make([]HostReport, 0, len(s.hosts)),
	}
	t := &d.Totals
	for i, h := range s.hosts {
		r := HostReport{
			Host: h.host, Index: i, Attempts: h.attempts, Successes: h.successes,
			FailuresByClass: classes(h.failures), Cancelled: h.cancelled, Skips: h.skips,
			Latency: latency(h.latencies), FailoversFrom: h.failoversFrom, FailoversTo: h.failoversTo,
			RelayBytes: h.relayBytes, RelaySeconds: math.Round(h.relaySeconds*1000) / 1000,
			FaultsInjected: h.faults,
		}
		for _, n := range h.failures {
			r.Failures += n
		}
		t.Attempts += h.attempts
		d.Hosts = append(d.Hosts, r)
	}
	t.Resolved, t.Failed = s.resolved, s.failed
	t.Resolutions = s.resolved + s.failed
	t.FailoversByClass = classes(s.failovers)
	for _, n := range s.failovers {
		t.Failovers += n
	}
	t.Stalls = s.stalls
	if !s.firstFrame.IsZero() {
		v := millis(s.firstFrame.Sub(s.began))
		t.TimeToFirstFrame = &v
	}
	// A state still open when the events stop ends with the last of them:
	// the numbers come from the event stream alone.
	open := *s
	open.leaveState(s.last)
	t.TimeStalled, t.TimeReconnecting = millis(open.stalled), millis(open.reconnecting)
	t.End = string(s.end)
	t.ExitCode = code
	t.Duration = millis(ended.Sub(s.began))
	t.DroppedEvents = s.dropped
	t.FailoverGaps = make([]float64, len(s.gaps))
	for i, g := range s.gaps {
		t.FailoverGaps[i] = millis(g)
		t.MaxFailoverGap = max(t.MaxFailoverGap, t.FailoverGaps[i])
	}
	t.StallsFromFaults, t.StallsOther = s.stallCauses(s.last)
	t.FaultsByRule = make(map[string]int, len(s.faultRules))
	for rule, n := range s.faultRules {
		t.FaultsByRule[rule] = n
		t.FaultsInjected += n
	}
	t.Hedges, t.HedgesWon = s.hedges, s.hedgesWon
	s.quality.fill(t, s.last)
	d.Verdict = Verdict{Conditions: []Condition{}}
	return d
}

// Write writes the report in format, "json", "markdown" or "junit".
func (d Document) Write(w io.Writer, format string) error {
	switch format {
	case "json", "":
		return d.WriteJSON(w)
	case "markdown":
		return d.WriteMarkdown(w)
	case "junit":
		return d.WriteJUnit(w)
	}
	return fmt.Errorf("no report format %q", format)
}

// WriteJSON writes the report as one line, so that after --json's events
// on the same stdout every line is still one JSON object.
func (d Document) WriteJSON(w io.Writer) error {
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

func classes(m map[events.Class]int) map[string]int {
	out := make(map[string]int, len(m))
	for c, n := range m {
		out[string(c)] = n
	}
	return out
}

// latency takes percentiles by nearest rank: the smallest duration that at
// least p% of the attempts took no longer than. Each is one of the
// durations measured, never a value between two of them, so a reader can
// find it in the events.
func latency(ds []time.Duration) *Latency {
	if len(ds) == 0 {
		return nil
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	rank := func(p float64) time.Duration {
		i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
		return sorted[max(i, 0)]
	}
	return &Latency{P50: millis(rank(50)), P95: millis(rank(95)), Max: millis(sorted[len(sorted)-1]), N: len(sorted)}
}

// millis is a duration in milliseconds to the microsecond, as the event
// lines give elapsed_ms, so that a number of the report can be compared
// with theirs digit for digit.
func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// stamp writes a time as the event lines write their ts.
func stamp(t time.Time) string { return t.Format(time.RFC3339Nano) }
