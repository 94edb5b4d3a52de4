// Package defaults holds the default values that clusterplay's settings
// offer (config's table, hence --help, the README and the config file) and
// that the parts fall back to when they are built without a setting (the
// unit tests, the benchmark). Written once here, the two cannot drift
// apart, and config need not import the parts only to read their
// defaults.
//
// It imports nothing of clusterplay: every package may import it.
package defaults

import "time"

// The playback session's (--stall-timeout).
const (
	// StallTimeout is how long playback may make no progress before the
	// next host takes over.
	StallTimeout = 5 * time.Second
)

// The relay's (--read-timeout, --slow-timeout).
const (
	// ReadTimeout: an upstream that delivers no byte for this long, while
	// the player is still reading, is left for another host.
	ReadTimeout = time.Second
	// SlowTimeout: a player starved for this long by a host slower than
	// the stream moves to another host.
	SlowTimeout = 2 * time.Second
)

// Hedged requests' (--hedge-budget).
const (
	// HedgeBudget: hedges at most this percent of the requests of the
	// last minute, plus a burst of 2.
	HedgeBudget = 5.0
)

// Fail-back's (--fail-back-probe, --fail-back-after).
const (
	// FailBackProbe: a recovered host is asked at most this often.
	FailBackProbe = 10 * time.Second
	// FailBackAfter: no fail-back sooner than this after the last move,
	// nor before the host has answered well for this long.
	FailBackAfter = 30 * time.Second
)

// The player's terminal pane (--pane-fps).
const (
	// PaneFPS caps how often the pane takes a new picture: about the frame
	// rate of most clips, and what a terminal redraws without falling
	// behind.
	PaneFPS = 24
)
