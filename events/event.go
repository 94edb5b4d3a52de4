package events

import "time"

// Event is one step of a resolution or of playback. Fields that do not apply
// to a kind stay at their zero value and are left out of JSON.
type Event struct {
	Time  time.Time
	Kind  Kind
	Host  string // host base URL as configured
	Index int    // position of the host in the configured list, from 0; -1 when no host applies
	URL   string // clip URL on that host

	// Class is a short stable word (refused, timeout, ...); Err is the
	// human message.
	Class Class
	Err   string

	// Elapsed is the attempt's duration on connect_failed and the time since
	// the resolution began on resolved and failed.
	Elapsed time.Duration
	// ExpiryLeft is how long a skipped host stays remembered as failed.
	ExpiryLeft time.Duration
	// ExpiresAt is until when the failure memory skips the host, on
	// connect_failed, skip and a failover that blames the host; zero when
	// failure memory is off. Readers show it as it is: they never
	// recompute the engine's rules.
	ExpiresAt time.Time
	// Pass is the 1-based pass over the host list.
	Pass int
	// Phases time the steps of the attempt, on connect_failed,
	// connect_cancelled and resolved.
	Phases Phases

	// Failover and playback fields.
	ToHost   string
	ToIndex  int
	Position time.Duration
	Duration time.Duration
	Cache    time.Duration
	Reason   Reason
	State    State
	Count    int // dropped: how many events were lost

	// Internal fields (Tick, LoadBalancing, Notice).
	Volume  float64
	Muted   bool
	Window  bool // the player shows a video window
	On      bool
	Message string
}

// HasIndex reports whether the event refers to a configured host.
func (e Event) HasIndex() bool { return e.Index >= 0 }
