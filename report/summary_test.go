package report

import (
	"math"
	"reflect"
	"testing"
	"time"

	"clusterplay/events"
)

var began = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// msAt is the time stamp v milliseconds into the run.
func msAt(v float64) time.Time { return began.Add(dur(v)) }

// dur is v milliseconds, to the microsecond: a float's last bit must not
// turn 2 ms into 1.999.
func dur(v float64) time.Duration { return time.Duration(math.Round(v*1000)) * time.Microsecond }

const (
	hostA = "http://127.0.0.1:1/v"
	hostB = "http://127.0.0.1:2/v"
	hostC = "http://127.0.0.1:3/v"
)

// ev builds an event of host index i (-1: none) at a time in the run.
func ev(at float64, kind events.Kind, i int, mods ...func(*events.Event)) events.Event {
	e := events.Event{Time: msAt(at), Kind: kind, Index: i}
	if i >= 0 {
		e.Host = []string{hostA, hostB, hostC}[i]
	}
	for _, m := range mods {
		m(&e)
	}
	return e
}

func class(c events.Class) func(*events.Event) { return func(e *events.Event) { e.Class = c } }
func elapsed(v float64) func(*events.Event) {
	return func(e *events.Event) { e.Elapsed = dur(v) }
}
func state(s events.State) func(*events.Event) { return func(e *events.Event) { e.State = s } }
func to(i int) func(*events.Event) {
	return func(e *events.Event) { e.ToIndex, e.ToHost = i, []string{hostA, hostB, hostC}[i] }
}

func lat(p50, p95, maxMS float64, n int) *Latency {
	return &Latency{P50: p50, P95: p95, Max: maxMS, N: n}
}

func ptr(v float64) *float64 { return &v }

// host is an expected host row with the fields every row shares filled in.
func host(i int, r HostReport) HostReport {
	r.Host, r.Index = []string{hostA, hostB, hostC}[i], i
	if r.FailuresByClass == nil {
		r.FailuresByClass = map[string]int{}
	}
	return r
}

func TestSummaryFoldsTheEventsOfARun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		events []events.Event
		code   int
		hosts  []HostReport
		totals Totals
	}{{
		name: "refused, then a host cut mid-clip, then a good one",
		events: []events.Event{
			ev(10, events.StateChanged, -1, state(events.StateConnecting)),
			ev(11, events.Connect, 0),
			ev(11.2, events.ConnectFailed, 0, class(events.ClassRefused), elapsed(0.2)),
			ev(11.3, events.Connect, 1),
			ev(13.3, events.Resolved, 1, elapsed(2.3)),
			ev(50, events.Start, 1),
			ev(51, events.StateChanged, 1, state(events.StatePlaying)),
			ev(1000, events.StateChanged, 1, state(events.StateBuffering)),
			ev(1300, events.StateChanged, 1, state(events.StatePlaying)),
			ev(2000, events.StateChanged, 1, state(events.StateConnecting)),
			ev(2000.5, events.Skip, 0),
			ev(2001, events.Connect, 2),
			ev(2005, events.Resolved, 2, elapsed(5)),
			ev(2005, events.Failover, 1, to(2), class(events.ClassEarlyEOF)),
			ev(2020, events.Start, 2),
			ev(2021, events.StateChanged, 2, state(events.StatePlaying)),
			ev(6000, events.StateChanged, 2, state(events.StateEnded)),
			ev(6000, events.End, 2, func(e *events.Event) { e.Reason = events.ReasonEOF }),
		},
		hosts: []HostReport{
			host(0, HostReport{Attempts: 1, Failures: 1, FailuresByClass: map[string]int{"refused": 1}, Skips: 1, Latency: lat(0.2, 0.2, 0.2, 1)}),
			host(1, HostReport{Attempts: 1, Successes: 1, Latency: lat(2, 2, 2, 1), FailoversFrom: 1}),
			host(2, HostReport{Attempts: 1, Successes: 1, Latency: lat(4, 4, 4, 1), FailoversTo: 1}),
		},
		totals: Totals{Resolutions: 2, Resolved: 2, Attempts: 3, Failovers: 1, FailoversByClass: map[string]int{"early_eof": 1},
			Stalls: 1, TimeToFirstFrame: ptr(50), TimeStalled: 300, TimeReconnecting: 21, End: "eof"},
	}, {
		name: "every host failed, two passes",
		code: 1,
		events: []events.Event{
			ev(1, events.Connect, 0),
			ev(1.5, events.ConnectFailed, 0, class(events.ClassRefused), elapsed(0.5)),
			ev(1.6, events.Connect, 1),
			ev(3.6, events.ConnectFailed, 1, class(events.ClassStatus), elapsed(2)),
			ev(4, events.Connect, 0),
			ev(4.3, events.ConnectFailed, 0, class(events.ClassRefused), elapsed(0.3)),
			ev(4.4, events.Connect, 1),
			ev(2004.4, events.ConnectFailed, 1, class(events.ClassTimeout), elapsed(2000)),
			ev(2004.5, events.Failed, -1),
		},
		hosts: []HostReport{
			host(0, HostReport{Attempts: 2, Failures: 2, FailuresByClass: map[string]int{"refused": 2}, Latency: lat(0.3, 0.5, 0.5, 2)}),
			host(1, HostReport{Attempts: 2, Failures: 2, FailuresByClass: map[string]int{"status": 1, "timeout": 1}, Latency: lat(2, 2000, 2000, 2)}),
			host(2, HostReport{}),
		},
		totals: Totals{Resolutions: 1, Failed: 1, Attempts: 4, FailoversByClass: map[string]int{}, ExitCode: 1},
	}, {
		name: "a race: the cancelled attempt has no latency, the winner its own",
		events: []events.Event{
			ev(0, events.Connect, 0),
			ev(250, events.Connect, 1),
			ev(260, events.ConnectCancelled, 0, class(events.ClassCancelled), elapsed(260)),
			ev(260.5, events.Resolved, 1, elapsed(260.5)),
		},
		hosts: []HostReport{
			host(0, HostReport{Attempts: 1, Cancelled: 1}),
			host(1, HostReport{Attempts: 1, Successes: 1, Latency: lat(10.5, 10.5, 10.5, 1)}),
			host(2, HostReport{}),
		},
		totals: Totals{Resolutions: 1, Resolved: 1, Attempts: 2, FailoversByClass: map[string]int{}},
	}, {
		name: "buffering still open when the events stop, and a reader that lost events",
		code: 130,
		events: []events.Event{
			ev(0, events.Connect, 0),
			ev(1, events.Resolved, 0, elapsed(1)),
			ev(20, events.StateChanged, 0, state(events.StateBuffering)), // before any frame: not a stall
			ev(30, events.Start, 0),
			ev(31, events.StateChanged, 0, state(events.StatePlaying)),
			ev(100, events.StateChanged, 0, state(events.StateBuffering)),
			ev(150, events.StateChanged, 0, state(events.StatePaused)),
			ev(200, events.StateChanged, 0, state(events.StateBuffering)),
			ev(450, events.Dropped, -1, func(e *events.Event) { e.Count = 7 }),
		},
		hosts: []HostReport{
			host(0, HostReport{Attempts: 1, Successes: 1, Latency: lat(1, 1, 1, 1)}),
			host(1, HostReport{}),
			host(2, HostReport{}),
		},
		totals: Totals{Resolutions: 1, Resolved: 1, Attempts: 1, FailoversByClass: map[string]int{}, Stalls: 2,
			TimeToFirstFrame: ptr(30), TimeStalled: 300, ExitCode: 130, DroppedEvents: 7},
	}, {
		name: "a manual failover and a switch; a failover to nowhere is never published",
		events: []events.Event{
			ev(0, events.Connect, 0),
			ev(1, events.Resolved, 0, elapsed(1)),
			ev(5, events.Start, 0),
			ev(10, events.StateChanged, 0, state(events.StateConnecting)),
			ev(11, events.Connect, 1),
			ev(12, events.Resolved, 1, elapsed(1)),
			ev(12, events.Failover, 0, to(1), class(events.ClassManual)),
			ev(20, events.Start, 1),
			ev(20, events.StateChanged, 1, state(events.StatePlaying)),
			ev(30, events.StateChanged, 1, state(events.StateConnecting)),
			ev(31, events.Connect, 0),
			ev(32, events.Resolved, 0, elapsed(1)),
			ev(32, events.Failover, 1, to(0), class(events.ClassSwitch)),
			ev(40, events.Start, 0),
			ev(40, events.StateChanged, 0, state(events.StatePlaying)),
			ev(50, events.StateChanged, 0, state(events.StateEnded)),
			ev(50, events.End, 0, func(e *events.Event) { e.Reason = events.ReasonQuit }),
		},
		hosts: []HostReport{
			host(0, HostReport{Attempts: 2, Successes: 2, Latency: lat(1, 1, 1, 2), FailoversFrom: 1, FailoversTo: 1}),
			host(1, HostReport{Attempts: 1, Successes: 1, Latency: lat(1, 1, 1, 1), FailoversFrom: 1, FailoversTo: 1}),
			host(2, HostReport{}),
		},
		totals: Totals{Resolutions: 3, Resolved: 3, Attempts: 3, Failovers: 2, FailoversByClass: map[string]int{"manual": 1, "switch": 1},
			TimeToFirstFrame: ptr(5), TimeReconnecting: 20, End: "quit"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewSummary(began, []string{hostA, hostB, hostC})
			for _, e := range tt.events {
				s.Add(e)
			}
			doc := s.Document(tt.code, msAt(7000))
			tt.totals.ExitCode, tt.totals.Duration = tt.code, 7000
			fillNewTotals(&tt.totals)
			if !reflect.DeepEqual(doc.Hosts, tt.hosts) {
				t.Errorf("hosts\n got %+v\nwant %+v", doc.Hosts, tt.hosts)
				for i := range doc.Hosts {
					if i < len(tt.hosts) && doc.Hosts[i].Latency != nil && tt.hosts[i].Latency != nil {
						t.Logf("host %d latency got %+v want %+v", i, *doc.Hosts[i].Latency, *tt.hosts[i].Latency)
					}
				}
			}
			if !reflect.DeepEqual(doc.Totals, tt.totals) {
				t.Errorf("totals\n got %+v\nwant %+v", doc.Totals, tt.totals)
			}
			if doc.Format != DocumentFormat || doc.StartedAt != "2026-11-25T12:00:00Z" || doc.EndedAt != "2026-11-25T12:00:07Z" {
				t.Errorf("format %q, from %q to %q", doc.Format, doc.StartedAt, doc.EndedAt)
			}
		})
	}
}

// fillNewTotals fills in what a case that does not speak of faults or
// gaps expects of them: none, and every stall another's.
func fillNewTotals(t *Totals) {
	if t.FailoverGaps == nil {
		t.FailoverGaps = []float64{}
	}
	if t.FaultsByRule == nil {
		t.FaultsByRule = map[string]int{}
	}
	if t.TimePerVariant == nil {
		t.TimePerVariant = map[string]float64{}
	}
	if t.StallsFromFaults == 0 && t.StallsOther == 0 {
		t.StallsOther = t.Stalls
	}
}

func fault(rule string) func(*events.Event) {
	return func(e *events.Event) { e.Message = rule }
}

func gap(v float64) func(*events.Event) { return func(e *events.Event) { e.Gap = dur(v) } }

// TestSummaryCountsFaultsAndGaps: a stall within the fault window of an
// injected fault is the fault's, one long after is another's; the
// relay's failovers' gaps are listed in order with their largest.
func TestSummaryCountsFaultsAndGaps(t *testing.T) {
	s := NewSummary(began, []string{hostA, hostB})
	for _, e := range []events.Event{
		ev(0, events.Connect, 0),
		ev(1, events.Resolved, 0, elapsed(1)),
		ev(10, events.Start, 0),
		ev(11, events.StateChanged, 0, state(events.StatePlaying)),
		ev(1000, faultKind, 0, fault("rule 1")),
		ev(1001, events.Failover, 0, to(1), class(events.ClassStatus), gap(40.5)),
		ev(3000, events.StateChanged, 1, state(events.StateBuffering)), // 2 s after a fault: its
		ev(3500, events.StateChanged, 1, state(events.StatePlaying)),
		ev(4000, faultKind, 1, fault("rule 2")),
		ev(4001, faultKind, 1, fault("rule 2")),
		ev(4002, events.Failover, 1, to(0), class(events.ClassTimeout), gap(1200)),
		ev(4003, events.Failover, 0, to(1), class(events.ClassManual)),  // not the relay's: no gap
		ev(30000, events.StateChanged, 1, state(events.StateBuffering)), // 26 s after: another's
		ev(30100, events.StateChanged, 1, state(events.StatePlaying)),
		ev(40000, events.StateChanged, 1, state(events.StateBuffering)), // still open at the end, a fault within it
		ev(40500, faultKind, 1, fault("rule 1")),
	} {
		s.Add(e)
	}
	tt := s.Document(0, msAt(50000)).Totals
	if !reflect.DeepEqual(tt.FailoverGaps, []float64{40.5, 1200}) || tt.MaxFailoverGap != 1200 {
		t.Errorf("gaps %v, largest %v", tt.FailoverGaps, tt.MaxFailoverGap)
	}
	if tt.Stalls != 3 || tt.StallsFromFaults != 2 || tt.StallsOther != 1 {
		t.Errorf("stalls %d: %d from faults, %d other", tt.Stalls, tt.StallsFromFaults, tt.StallsOther)
	}
	if tt.FaultsInjected != 4 || !reflect.DeepEqual(tt.FaultsByRule, map[string]int{"rule 1": 2, "rule 2": 2}) {
		t.Errorf("faults %d by rule %v", tt.FaultsInjected, tt.FaultsByRule)
	}
	if tt.Failovers != 3 {
		t.Errorf("failovers %d", tt.Failovers)
	}
}

// TestSummaryLearnsHostsFromEvents: a host the configuration did not list
// (a demo's, or one added later) still gets its row.
func TestSummaryLearnsHostsFromEvents(t *testing.T) {
	t.Parallel()
	s := NewSummary(began, nil)
	s.Add(ev(1, events.Connect, 2))
	s.Add(ev(2, events.ConnectFailed, 2, class(events.ClassDNS), elapsed(1)))
	doc := s.Document(1, msAt(3))
	if len(doc.Hosts) != 3 || doc.Hosts[2].Host != hostC || doc.Hosts[2].FailuresByClass["dns"] != 1 || doc.Hosts[0].Attempts != 0 {
		t.Errorf("hosts %+v", doc.Hosts)
	}
}

func TestCollectFoldsUntilTheBusCloses(t *testing.T) {
	t.Parallel()
	bus := events.NewBus()
	s := NewSummary(time.Now(), []string{hostA})
	done := make(chan struct{})
	go s.Collect(bus.Subscribe(), done)
	bus.Publish(events.Event{Kind: events.Connect, Host: hostA, Index: 0})
	bus.Publish(events.Event{Kind: events.Tick, Index: -1}) // internal: never seen
	bus.Publish(events.Event{Kind: events.ConnectFailed, Host: hostA, Index: 0, Class: events.ClassRefused})
	bus.Close()
	<-done
	doc := s.Document(1, time.Now())
	if h := doc.Hosts[0]; h.Attempts != 1 || h.Failures != 1 {
		t.Errorf("host %+v", h)
	}
}

func TestLatencyPercentilesByNearestRank(t *testing.T) {
	t.Parallel()
	series := func(n int) []time.Duration {
		out := make([]time.Duration, n)
		for i := range out {
			out[i] = time.Duration(n-i) * time.Millisecond // unsorted on purpose
		}
		return out
	}
	tests := []struct {
		name string
		in   []time.Duration
		want *Latency
	}{
		{"none", nil, nil},
		{"one", []time.Duration{5 * time.Millisecond}, lat(5, 5, 5, 1)},
		{"three", []time.Duration{3 * time.Millisecond, time.Millisecond, 2 * time.Millisecond}, lat(2, 3, 3, 3)},
		{"twenty", series(20), lat(10, 19, 20, 20)},
		{"hundred", series(100), lat(50, 95, 100, 100)},
		{"to the microsecond, as elapsed_ms", []time.Duration{1500, 222_999}, lat(0.001, 0.222, 0.222, 2)},
	}
	for _, tt := range tests {
		if got := latency(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
