package cluster

import "time"

// Kind names an event. The names are part of the command line's contract
// (they appear verbatim in --json output), so they never change.
type Kind string

const (
	// Resolution events: Flowplayer's onConnect, onConnectFailed, onFailed.
	EventConnect          Kind = "connect"
	EventConnectFailed    Kind = "connect_failed"
	EventConnectCancelled Kind = "connect_cancelled"
	EventSkip             Kind = "skip"
	EventRedirect         Kind = "redirect"
	EventResolved         Kind = "resolved"
	EventFailed           Kind = "failed"

	// Playback events, published by the playback session on the same stream.
	EventStart    Kind = "start"
	EventFailover Kind = "failover"
	EventEnd      Kind = "end"
)

// Event is one step of a resolution or of playback. Fields that do not apply
// to a kind stay at their zero value and are left out of JSON.
type Event struct {
	Time  time.Time
	Kind  Kind
	Host  string // host base URL as configured
	Index int    // position of the host in the configured list, from 0; -1 when no host applies
	URL   string // clip URL on that host

	// ErrClass is a short stable word (refused, timeout, dns, tls, reset,
	// status, redirects, protocol, eof, ...); Err is the human message.
	ErrClass string
	Err      string

	// Elapsed is the attempt's duration on connect_failed and the time since
	// the resolution began on resolved and failed.
	Elapsed time.Duration
	// ExpiryLeft is how long a skipped host stays remembered as failed.
	ExpiryLeft time.Duration
	// Pass is the 1-based pass over the host list.
	Pass int

	// Failover and playback fields.
	ToHost   string
	ToIndex  int
	Position time.Duration
	Duration time.Duration
	Reason   string // end: eof, quit, error
}

// HasIndex reports whether the event refers to a configured host.
func (e Event) HasIndex() bool { return e.Index >= 0 }
