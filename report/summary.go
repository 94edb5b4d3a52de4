package report

import (
	"time"

	"clusterplay/events"
)

// Summary folds the public events of one run into the numbers of its
// report at exit. It reads the very events --json prints, from its own
// subscription to the bus, so the report and the event stream of a run
// cannot disagree: every number is defined in docs/report.md in terms of
// those events. A Summary is not safe for concurrent use: Collect owns it
// until its channel is closed.
type Summary struct {
	began time.Time // the run's start, which no event marks
	hosts []*hostTally

	resolved, failed int
	failovers        map[events.Class]int
	stalls           int
	firstFrame       time.Time // the first start event; zero when none
	state            events.State
	stateSince       time.Time
	stalled          time.Duration
	reconnecting     time.Duration
	last             time.Time // the latest event's time stamp
	end              events.Reason
	dropped          int
	// gaps are the failover gaps the relay measured, in order.
	gaps []time.Duration
	// stallSpans are the stalls, each from its buffering state to the
	// next state (zero end: still open); faultTimes and faultRules the
	// injected faults, to tell the stalls they caused from the others.
	stallSpans []span
	faultTimes []time.Time
	faultRules map[string]int
	// hedges are the relay's hedge events; hedgesWon those the second
	// host won.
	hedges, hedgesWon int
	quality           qualityTally // quality.go
}

// span is a stretch of the run's time; a zero end is still open.
type span struct{ from, to time.Time }

// hostTally is what the events say about one configured host.
type hostTally struct {
	host                       string
	attempts, successes        int
	cancelled, skips           int
	failures                   map[events.Class]int
	latencies                  []time.Duration
	lastConnect                time.Time // the attempt under way; zero when none
	failoversFrom, failoversTo int
	relayBytes                 int64
	relaySeconds               float64
	faults                     int // fault events naming the host
}

// NewSummary returns an empty summary of a run that began at began, with
// the configured hosts as the events name them (secrets hidden), so that a
// host no event mentions is still listed.
func NewSummary(began time.Time, hosts []string) *Summary {
	s := &Summary{began: began, failovers: map[events.Class]int{}, faultRules: map[string]int{}}
	for i, h := range hosts {
		s.host(i, h)
	}
	return s
}

// Collect folds every event of ch into s until ch is closed, then closes
// done; only then may Document be called.
func (s *Summary) Collect(ch <-chan events.Event, done chan<- struct{}) {
	defer close(done)
	for e := range ch {
		s.Add(e)
	}
}

// host returns the tally of the host at index, growing the list for an
// index the configuration did not announce.
func (s *Summary) host(index int, name string) *hostTally {
	for len(s.hosts) <= index {
		s.hosts = append(s.hosts, &hostTally{failures: map[events.Class]int{}})
	}
	h := s.hosts[index]
	if h.host == "" {
		h.host = name
	}
	return h
}

// addFault counts a fault event: for its host (h, nil when it names
// none), by its rule, and when, for the stalls it may have caused.
func (s *Summary) addFault(h *hostTally, e events.Event) {
	if h != nil {
		h.faults++
	}
	s.faultTimes = append(s.faultTimes, e.Time)
	s.faultRules[faultRule(e)]++
}

// Add folds one event in.
func (s *Summary) Add(e events.Event) {
	if e.Time.After(s.last) {
		s.last = e.Time
	}
	var h *hostTally
	if e.HasIndex() && e.Host != "" {
		h = s.host(e.Index, e.Host)
	} else if e.Kind != events.Failover && e.Kind != faultKind {
		// Engine events always name their host; one that does not is
		// counted in the totals alone rather than crash the report.
		h = &hostTally{failures: map[events.Class]int{}}
	}
	switch e.Kind {
	case events.Connect:
		h.attempts++
		h.lastConnect = e.Time
	case events.ConnectFailed:
		h.failures[e.Class]++
		if e.Elapsed > 0 {
			// The relay's own failures (a request, not an attempt) and
			// mismatches carry no attempt time.
			h.latencies = append(h.latencies, e.Elapsed)
		}
		h.lastConnect = time.Time{}
	case events.Quality:
		if e.Track == "" { // time per variant and the mean bitrate are the video's
			s.quality.add(e, s.firstFrame)
		}
	case events.Fetch:
		h.relayBytes += e.Bytes
		h.relaySeconds += e.Elapsed.Seconds()
	case events.ConnectCancelled:
		// Cut short by another host's answer (or tried again after a
		// local shortage): how long it ran says nothing of the host.
		h.cancelled++
		h.lastConnect = time.Time{}
	case events.Skip:
		h.skips++
	case events.Resolved:
		s.resolved++
		h.successes++
		// resolved's elapsed_ms counts from the resolution's start, which
		// includes the head starts of the hosts tried before this one: the
		// attempt's own latency runs from its connect event.
		if !h.lastConnect.IsZero() {
			h.latencies = append(h.latencies, e.Time.Sub(h.lastConnect))
		}
		h.lastConnect = time.Time{}
	case events.Failed:
		s.failed++
	case events.Failover:
		s.addFailover(h, e)
	case faultKind:
		s.addFault(h, e)
	case events.Start:
		if s.firstFrame.IsZero() {
			s.firstFrame = e.Time
		}
	case events.StateChanged:
		s.changeState(e)
	case events.End:
		s.end = e.Reason
	case events.Dropped:
		s.dropped += e.Count
	case events.Hedge:
		s.hedges++
		if e.Winner != "" && e.Winner == e.ToHost {
			s.hedgesWon++
		}
	}
}

// addFailover counts a failover: from h (nil when it names none), to
// its new host, and its gap.
func (s *Summary) addFailover(h *hostTally, e events.Event) {
	s.failovers[e.Class]++
	if h != nil {
		h.failoversFrom++
	}
	if e.ToHost != "" && e.ToIndex >= 0 {
		s.host(e.ToIndex, e.ToHost).failoversTo++
	}
	if e.Gap > 0 {
		s.gaps = append(s.gaps, e.Gap)
	}
}

// changeState ends the state and the stall being left, and counts a
// stall when the player buffers after its first frame.
func (s *Summary) changeState(e events.Event) {
	s.leaveState(e.Time)
	if n := len(s.stallSpans); n > 0 && s.stallSpans[n-1].to.IsZero() {
		s.stallSpans[n-1].to = e.Time
	}
	if e.State == events.StateBuffering && !s.firstFrame.IsZero() {
		s.stalls++
		s.stallSpans = append(s.stallSpans, span{from: e.Time})
	}
	s.state, s.stateSince = e.State, e.Time
}

// leaveState adds the time spent in the state being left at t, when it
// counts: buffering or connecting once a frame has been shown.
func (s *Summary) leaveState(t time.Time) {
	if s.firstFrame.IsZero() || s.stateSince.Before(s.firstFrame) {
		return
	}
	switch s.state {
	case events.StateBuffering:
		s.stalled += t.Sub(s.stateSince)
	case events.StateConnecting:
		s.reconnecting += t.Sub(s.stateSince)
	}
}
