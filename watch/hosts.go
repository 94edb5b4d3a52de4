package watch

import (
	"time"

	"clusterplay/events"
)

// HostState is a host's state in words that get_status prints as they are.
type HostState string

const (
	Untried    HostState = "untried"    // never tried this session
	Connecting HostState = "connecting" // an attempt is in flight
	Serving    HostState = "serving"    // the clip plays from this host
	Failed     HostState = "failed"     // its last attempt failed, or it was blamed
	Skipped    HostState = "skipped"    // skipped as failed recently, until ExpiresAt
	Cancelled  HostState = "cancelled"  // its attempt was cut short: another host answered first
	Idle       HostState = "idle"       // served, or was left, and is neither failed nor serving
)

// Host is one configured host as the events left it.
type Host struct {
	URL   string
	Index int
	State HostState
	// Left: idle because the user moved to another host (n) without
	// blaming this one.
	Left      bool
	ConnectAt time.Time     // time of its last connect event
	Took      time.Duration // how long its last finished attempt took; <0 none
	Failures  int           // its failures this session
	// ExpiresAt is until when the failure memory skips it, as the engine
	// said; zero none. Readers count down to it; nobody recomputes it.
	ExpiresAt time.Time
	Phases    events.Phases // of its last attempt that reported any

	// What the relay fetched from it: bytes, and the time spent fetching
	// them, over Fetches responses (or parts of spliced ones).
	Bytes    int64
	Fetching time.Duration
	Fetches  int

	// The last fault a fault plan injected into a request of the host:
	// its action, as the fault event said it, and when.
	Fault   string
	FaultAt time.Time

	// blamed: marked failed while it served; the failover or the end
	// that follows judges it.
	blamed bool
	// before is the state the last attempt began from, which a
	// resolution that ends without a verdict on it leaves it in.
	before HostState
}

// StateAt is the state at now: a skipped host whose memory has run out
// is merely failed.
func (h Host) StateAt(now time.Time) HostState {
	if h.State == Skipped && Until(h.ExpiresAt, now) == 0 {
		return Failed
	}
	return h.State
}

// Throughput is the bytes a second the relay got from the host while it
// fetched; 0 when it fetched nothing yet.
func (h Host) Throughput() float64 {
	if h.Fetching <= 0 {
		return 0
	}
	return float64(h.Bytes) / h.Fetching.Seconds()
}

// applyHost folds an event into row i (-1 none); it returns the row moved.
func (f *Fold) applyHost(i int, ev events.Event) int {
	var h *Host
	if i >= 0 {
		h = &f.hosts[i]
	}
	switch ev.Kind {
	case events.Failover:
		return f.failover(h, i, ev)
	case events.Failed:
		f.resolutionOver()
		return -1
	case events.End:
		f.serve(-1)
		return i
	}
	if h == nil {
		return -1
	}
	switch ev.Kind {
	case events.Connect:
		if h.State != Connecting {
			h.before = h.State
			f.connecting(i)
		}
		h.State, h.ConnectAt = Connecting, ev.Time
	case events.ConnectFailed:
		// The host did not answer: failed, even while it serves.
		h.keepPhases(ev)
		h.fail(ev.ExpiresAt)
		h.Took = ev.Elapsed
	case events.ConnectCancelled:
		h.keepPhases(ev)
		h.State = Cancelled
		if !h.ConnectAt.IsZero() && ev.Time.After(h.ConnectAt) {
			h.Took = ev.Time.Sub(h.ConnectAt)
		}
	case events.Skip:
		h.State, h.ExpiresAt = Skipped, ev.ExpiresAt
		if h.ExpiresAt.IsZero() {
			h.ExpiresAt = ev.Time.Add(ev.ExpiryLeft)
		}
	case events.HostFailed:
		if h.State == Serving {
			// Said just before the failover that moves away from it.
			h.blamed, h.ExpiresAt = true, ev.ExpiresAt
		} else {
			h.fail(ev.ExpiresAt)
		}
	case events.Resolved:
		h.keepPhases(ev)
		switch {
		case ev.Took > 0:
			h.Took = ev.Took
		case !h.ConnectAt.IsZero() && !ev.Time.Before(h.ConnectAt):
			h.Took = ev.Time.Sub(h.ConnectAt)
		default:
			h.Took = ev.Elapsed
		}
		f.serve(i)
	case events.Start:
		if h.State != Serving {
			f.serve(i)
		}
	case events.Fault:
		h.Fault, h.FaultAt = ev.Action, ev.Time
	case events.Fetch:
		h.Bytes += ev.Bytes
		h.Fetching += ev.Elapsed
		h.Fetches++
		f.fetched = true
	}
	return i
}

// failover leaves h (row i) for the host taking over, which it returns.
func (f *Fold) failover(h *Host, i int, ev events.Event) int {
	switch {
	case h != nil && (ev.Class == events.ClassSwitch || ev.Class == events.ClassFailBack):
		// Left, not failed: the user's switch, or a fail-back to a
		// recovered host ranked above it.
		h.State, h.Left, h.blamed = Idle, true, false
	case h != nil:
		h.blamed = false
		h.fail(ev.ExpiresAt)
	}
	to := -1
	if ev.ToHost != "" {
		to = f.Row(ev.ToIndex, ev.ToHost)
	}
	switch {
	case to >= 0:
		f.serve(to)
		return to
	case h != nil:
		f.serve(-1)
	}
	return i
}

// resolutionOver: a resolution failed. A host still in flight is no
// longer tried and got no verdict: it is what the events said of it
// before that attempt. Nobody is blamed unless an event names them.
func (f *Fold) resolutionOver() {
	for _, j := range f.inFlight {
		if r := &f.hosts[j]; r.State == Connecting {
			r.State = r.before
			if r.State == Serving && f.Serving() < 0 {
				f.serving = j // it plays on, as it did before the attempt
			}
		}
	}
	f.inFlight = f.inFlight[:0]
}

// connecting notes that row i went into connecting. A resolution that
// ends well leaves its rows behind in inFlight; once they outnumber the
// hosts, those no longer connecting are dropped, so the list stays within
// twice the hosts and each event costs O(1) on average.
func (f *Fold) connecting(i int) {
	if len(f.inFlight) >= 2*len(f.hosts) {
		kept := f.inFlight[:0]
		for _, j := range f.inFlight {
			if f.hosts[j].State == Connecting {
				kept = append(kept, j)
			}
		}
		f.inFlight = kept
	}
	f.inFlight = append(f.inFlight, i)
}

// serve makes row i the one serving (-1: none); another that served stops.
func (f *Fold) serve(i int) {
	if j := f.Serving(); j >= 0 && j != i {
		f.hosts[j].stopServing()
	}
	f.serving = i
	if i >= 0 {
		h := &f.hosts[i]
		h.State, h.Left, h.blamed, h.ExpiresAt = Serving, false, false, time.Time{}
	}
}

// stopServing: the host served and now does not. Blamed meanwhile, it
// failed; else it is idle.
func (h *Host) stopServing() {
	if h.blamed {
		h.blamed = false
		h.fail(h.ExpiresAt)
		return
	}
	h.State, h.Left = Idle, false
}

func (h *Host) fail(expires time.Time) {
	h.State, h.Left, h.blamed = Failed, false, false
	h.Failures++
	h.ExpiresAt = expires
}

// keepPhases notes the phases of an attempt that finished; an event
// without any (a skip) leaves the last.
func (h *Host) keepPhases(ev events.Event) {
	if !ev.Phases.IsZero() {
		h.Phases = ev.Phases
	}
}
