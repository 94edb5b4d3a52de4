package report

import (
	"math"
	"slices"
	"strconv"
)

// Merged is the reports of many runs put together (clusterplay report):
// the shape of one run's report, with runs, where counts are summed and
// times are given as p50, p95 and max across the runs.
type Merged struct {
	Format    string        `json:"format"`
	Runs      int           `json:"runs"`
	StartedAt string        `json:"started_at"` // the earliest run's start
	EndedAt   string        `json:"ended_at"`   // the latest run's end
	Hosts     []HostReport  `json:"hosts"`
	Totals    MergedTotals  `json:"totals"`
	CMCD      []string      `json:"cmcd_sids,omitempty"` // the runs' CMCD session ids, in order
	Verdict   MergedVerdict `json:"verdict"`
}

// MergedTotals are the runs' totals: counts summed, times spread.
type MergedTotals struct {
	Resolutions      int            `json:"resolutions"`
	Resolved         int            `json:"resolved"`
	Failed           int            `json:"failed"`
	Attempts         int            `json:"attempts"`
	Failovers        int            `json:"failovers"`
	FailoversByClass map[string]int `json:"failovers_by_class"`
	Stalls           int            `json:"stalls"`
	StallsFromFaults int            `json:"stalls_from_faults"`
	StallsOther      int            `json:"stalls_other"`
	FaultsInjected   int            `json:"faults_injected"`
	FaultsByRule     map[string]int `json:"faults_by_rule"`
	// TimeToFirstFrame spreads the runs that showed a frame (n of them).
	TimeToFirstFrame Spread `json:"time_to_first_frame_ms"`
	TimeStalled      Spread `json:"time_stalled_ms"`
	TimeReconnecting Spread `json:"time_reconnecting_ms"`
	Duration         Spread `json:"duration_ms"`
	// FailoverGaps spreads every failover gap of every run;
	// MaxFailoverGap the runs' largest gaps.
	FailoverGaps   Spread         `json:"failover_gap_ms"`
	MaxFailoverGap Spread         `json:"max_failover_gap_ms"`
	Ends           map[string]int `json:"end"`        // runs by how their playback ended
	ExitCodes      map[string]int `json:"exit_codes"` // runs by exit code
	ExitCode       int            `json:"exit_code"`  // the largest
	DroppedEvents  int            `json:"dropped_events"`
}

// Spread is a time across runs, in milliseconds: the same fields as a
// host's latency.
type Spread = Latency

// MergedVerdict counts the runs' verdicts: failed when any run's did.
type MergedVerdict struct {
	Failed     bool              `json:"failed"`
	FailedRuns int               `json:"failed_runs"`
	Runs       int               `json:"runs"`
	Conditions []MergedCondition `json:"conditions"`
}

// MergedCondition is one condition across the runs that judged it: the
// largest value, whether it held in any, and in how many.
type MergedCondition struct {
	Condition string  `json:"condition"`
	Value     float64 `json:"value"`
	Holds     bool    `json:"holds"`
	HeldRuns  int     `json:"held_runs"`
	Runs      int     `json:"runs"`
}

// Merge puts the reports of runs together. Hosts are matched by their
// URL as the events name them, in the order they first appear.
func Merge(docs []Document) Merged {
	m := Merged{Format: DocumentFormat, Runs: len(docs), Hosts: []HostReport{}}
	t := &m.Totals
	t.FailoversByClass, t.FaultsByRule = map[string]int{}, map[string]int{}
	t.Ends, t.ExitCodes = map[string]int{}, map[string]int{}
	var ttff, stalled, reconnecting, duration, gaps, maxGaps []float64
	hosts := newHostMerge()
	for _, d := range docs {
		if m.StartedAt == "" || d.StartedAt < m.StartedAt {
			m.StartedAt = d.StartedAt
		}
		m.EndedAt = max(m.EndedAt, d.EndedAt)
		for _, h := range d.Hosts {
			hosts.add(h)
		}
		dt := d.Totals
		t.Resolutions += dt.Resolutions
		t.Resolved += dt.Resolved
		t.Failed += dt.Failed
		t.Attempts += dt.Attempts
		t.Failovers += dt.Failovers
		addCounts(t.FailoversByClass, dt.FailoversByClass)
		t.Stalls += dt.Stalls
		t.StallsFromFaults += dt.StallsFromFaults
		t.StallsOther += dt.StallsOther
		t.FaultsInjected += dt.FaultsInjected
		addCounts(t.FaultsByRule, dt.FaultsByRule)
		if dt.TimeToFirstFrame != nil {
			ttff = append(ttff, *dt.TimeToFirstFrame)
		}
		stalled = append(stalled, dt.TimeStalled)
		reconnecting = append(reconnecting, dt.TimeReconnecting)
		duration = append(duration, dt.Duration)
		gaps = append(gaps, dt.FailoverGaps...)
		maxGaps = append(maxGaps, dt.MaxFailoverGap)
		if dt.End != "" {
			t.Ends[dt.End]++
		}
		t.ExitCodes[strconv.Itoa(dt.ExitCode)]++
		t.ExitCode = max(t.ExitCode, dt.ExitCode)
		t.DroppedEvents += dt.DroppedEvents
		if d.CMCD != nil {
			m.CMCD = append(m.CMCD, d.CMCD.SessionID)
		}
	}
	t.TimeToFirstFrame, t.TimeStalled, t.TimeReconnecting = spread(ttff), spread(stalled), spread(reconnecting)
	t.Duration, t.FailoverGaps, t.MaxFailoverGap = spread(duration), spread(gaps), spread(maxGaps)
	m.Hosts = hosts.reports()
	m.Verdict = mergeVerdicts(docs)
	return m
}

func addCounts(dst, src map[string]int) {
	for k, n := range src {
		dst[k] += n
	}
}

// spread takes p50 and p95 by nearest rank, as a host's latency does, so
// each is the value of one run.
func spread(ms []float64) Spread {
	if len(ms) == 0 {
		return Spread{}
	}
	sorted := slices.Clone(ms)
	slices.Sort(sorted)
	rank := func(p float64) float64 {
		i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
		return sorted[max(i, 0)]
	}
	return Spread{P50: rank(50), P95: rank(95), Max: sorted[len(sorted)-1], N: len(sorted)}
}

// hostMerge sums the hosts of many reports, matched by URL.
type hostMerge struct {
	order []string
	by    map[string]*HostReport
	// p50s and p95s are the runs' latency percentiles of each host.
	p50s, p95s map[string][]float64
}

func newHostMerge() *hostMerge {
	return &hostMerge{by: map[string]*HostReport{}, p50s: map[string][]float64{}, p95s: map[string][]float64{}}
}

func (hm *hostMerge) add(h HostReport) {
	m, ok := hm.by[h.Host]
	if !ok {
		m = &HostReport{Host: h.Host, Index: h.Index, FailuresByClass: map[string]int{}}
		hm.by[h.Host] = m
		hm.order = append(hm.order, h.Host)
	}
	m.Attempts += h.Attempts
	m.Successes += h.Successes
	m.Failures += h.Failures
	addCounts(m.FailuresByClass, h.FailuresByClass)
	m.Cancelled += h.Cancelled
	m.Skips += h.Skips
	m.FailoversFrom += h.FailoversFrom
	m.FailoversTo += h.FailoversTo
	m.RelayBytes += h.RelayBytes
	m.RelaySeconds = math.Round((m.RelaySeconds+h.RelaySeconds)*1000) / 1000
	if l := h.Latency; l != nil {
		hm.p50s[h.Host] = append(hm.p50s[h.Host], l.P50)
		hm.p95s[h.Host] = append(hm.p95s[h.Host], l.P95)
		if m.Latency == nil {
			m.Latency = &Latency{}
		}
		m.Latency.Max = max(m.Latency.Max, l.Max)
		m.Latency.N += l.N
	}
}

// reports are the merged hosts in the order they first appeared. A
// host's latency across runs: p50 and p95 are the median of the runs'
// p50s and the 95th percentile of their p95s, max the largest.
func (hm *hostMerge) reports() []HostReport {
	out := make([]HostReport, 0, len(hm.order))
	for _, host := range hm.order {
		h := *hm.by[host]
		if h.Latency != nil {
			h.Latency.P50 = spread(hm.p50s[host]).P50
			h.Latency.P95 = spread(hm.p95s[host]).P95
		}
		out = append(out, h)
	}
	return out
}

// mergeVerdicts counts the verdicts of the runs, each condition matched
// by its expression, in the order they first appear.
func mergeVerdicts(docs []Document) MergedVerdict {
	v := MergedVerdict{Runs: len(docs), Conditions: []MergedCondition{}}
	at := map[string]int{}
	for _, d := range docs {
		if d.Verdict.Failed {
			v.FailedRuns++
			v.Failed = true
		}
		for _, c := range d.Verdict.Conditions {
			i, ok := at[c.Condition]
			if !ok {
				i = len(v.Conditions)
				at[c.Condition] = i
				v.Conditions = append(v.Conditions, MergedCondition{Condition: c.Condition, Value: c.Value})
			}
			mc := &v.Conditions[i]
			mc.Runs++
			mc.Value = max(mc.Value, c.Value)
			if c.Holds {
				mc.HeldRuns++
				mc.Holds = true
			}
		}
	}
	return v
}
