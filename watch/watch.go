// Package watch folds the event stream into what is happening now: each
// configured host's row (its state, failures, the countdown of its failure
// memory, the phases of its last attempt, what the relay fetched from it),
// the playback (state, position, cache, the clip and its place in a
// playlist, how it ended) and the outcome the run exits with.
//
// It is the one reading of the events: the TUI renders it, the control
// socket's get_status serialises it, and the exit code after the TUI is
// read from it, so that the three can never tell different stories. A Fold
// reads no clock (countdowns are taken at a time the reader gives) and is
// not safe for concurrent use: each reader folds its own subscription.
package watch

import (
	"time"

	"clusterplay/events"
)

// Options are what is known before the first event.
type Options struct {
	// Hosts are the configured hosts' base URLs in list order, as the
	// events name them (secrets hidden).
	Hosts         []string
	Clip          string  // the clip given at start; "" none yet
	LoadBalancing bool    // at start; load_balancing events follow it
	Volume        float64 // at start; ticks follow it
}

// Fold is what the events said so far.
type Fold struct {
	hosts []Host
	// byURL finds a row by its URL (the first, for a URL listed twice)
	// when an event's index does not agree with it.
	byURL map[string]int
	// serving is the row in state serving, -1 none; fetched says whether
	// the relay fetched from any host. Kept as the events come, so that
	// no reader scans every row per event: a cluster may have thousands.
	serving int
	fetched bool
	// inFlight are the rows that went into connecting since the last
	// failed resolution, in order (some may have left it since): what a
	// failed resolution looks at, rather than every row.
	inFlight []int
	play     Playback
	// shown: a frame was shown since the last end. A failed resolution
	// with none shown is a clip that no host answered.
	shown bool
	worst Outcome
	alts  pathwayFold // the stream's own alternatives (pathways.go)
}

// New starts a fold with every host untried and nothing playing.
func New(o Options) *Fold {
	f := &Fold{play: Playback{State: events.StateIdle, Clip: o.Clip, Index: -1, Volume: o.Volume, LoadBalancing: o.LoadBalancing},
		serving: -1, byURL: make(map[string]int, len(o.Hosts))}
	f.hosts = make([]Host, len(o.Hosts))
	for i, h := range o.Hosts {
		f.hosts[i] = Host{URL: h, Index: i, State: Untried, Took: -1}
		if _, ok := f.byURL[h]; !ok {
			f.byURL[h] = i
		}
	}
	return f
}

// Hosts is a copy of the rows, in list order. It costs a copy of every
// row: a reader that follows the events reads Len and Host instead.
func (f *Fold) Hosts() []Host { return append([]Host(nil), f.hosts...) }

// Len is how many hosts are configured.
func (f *Fold) Len() int { return len(f.hosts) }

// Host is row i, 0 <= i < Len.
func (f *Fold) Host(i int) Host { return f.hosts[i] }

// Fetched says whether the relay fetched anything from any host.
func (f *Fold) Fetched() bool { return f.fetched }

// Playback is what plays now.
func (f *Fold) Playback() Playback { return f.play }

// Apply folds one event in. It returns the row the event moved (for a
// failover, the host taking over), or -1 when it concerns no configured
// host, so that a reader can keep the latest row in sight.
func (f *Fold) Apply(ev events.Event) int {
	i := f.Row(ev.Index, ev.Host)
	touched := f.applyHost(i, ev)
	f.applyPlayback(ev)
	f.applyOutcome(ev)
	f.applyPathway(ev)
	return touched
}

// Row finds the row an event refers to: by index when it is in range and
// agrees with the URL, else by URL; -1 when the host is not configured.
func (f *Fold) Row(index int, host string) int {
	if index >= 0 && index < len(f.hosts) && (host == "" || f.hosts[index].URL == host) {
		return index
	}
	if i, ok := f.byURL[host]; ok && host != "" {
		return i
	}
	return -1
}

// Serving is the row in state serving, or -1.
func (f *Fold) Serving() int {
	if f.serving >= 0 && f.hosts[f.serving].State == Serving {
		return f.serving
	}
	return -1
}

// Outcome is how the clips tried so far went, worst first: a playback
// that failed over a clip no host answered, over one that played.
type Outcome int

const (
	Played         Outcome = iota // every clip played to its end, or was quit
	AllFailed                     // no host answered a clip
	PlaybackFailed                // a playback failed and no host could take over
)

// ExitCode is the code a headless run exits with for the outcome (see the
// README's exit codes): 0, 1 when no host answered, 3 when a playback
// failed.
func (o Outcome) ExitCode() int {
	switch o {
	case AllFailed:
		return 1
	case PlaybackFailed:
		return 3
	}
	return 0
}

func (o Outcome) String() string {
	switch o {
	case AllFailed:
		return "all hosts failed"
	case PlaybackFailed:
		return "playback failed"
	}
	return "played"
}

// Outcome is the worst outcome of the clips tried so far, as a headless
// run of a playlist judges it.
func (f *Fold) Outcome() Outcome { return f.worst }

// ExitCode is the exit code of Outcome.
func (f *Fold) ExitCode() int { return f.worst.ExitCode() }

// applyOutcome judges each clip as it ends: an end in error failed, any
// other end played; a failed resolution with no frame shown since the
// last end is a clip no host answered. A resolution that fails while a
// stream plays (a switch that found nobody, a failover whose end then
// judges) says nothing by itself.
func (f *Fold) applyOutcome(ev events.Event) {
	switch ev.Kind {
	case events.Start:
		f.shown = true
	case events.Failed:
		if !f.shown {
			f.worst = worse(f.worst, AllFailed)
		}
	case events.End:
		f.shown = false
		if ev.Reason == events.ReasonError {
			f.worst = worse(f.worst, PlaybackFailed)
		}
	}
}

func worse(a, b Outcome) Outcome { return max(a, b) }

// Until is how long is left of a time at now; 0 when it is zero or past.
func Until(t, now time.Time) time.Duration {
	if t.IsZero() || !t.After(now) {
		return 0
	}
	return t.Sub(now)
}
