package cluster

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"clusterplay/clock"
	"clusterplay/cmcd"
	"clusterplay/faults"
)

// Options are the engine's knobs, named after Flowplayer's Cluster plugin
// where it had one.
type Options struct {
	ConnectTimeout time.Duration // per attempt: response headers (or RTMP play start) within this
	ConnectCount   int           // passes over the host list per resolution
	FailureExpiry  time.Duration // how long a failed host is skipped
	LoadBalance    bool          // shuffle the hosts on every pass (policy "random")
	Insecure       bool          // skip TLS certificate verification

	// Select names the selection policy: ordered, random, weighted, fastest.
	// Empty means ordered, or random when LoadBalance is set.
	Select string
	// RaceDelay is the head start of one attempt before the next one is
	// started alongside it (Happy Eyeballs). Zero or negative means one
	// attempt at a time, as the original plugin did.
	RaceDelay time.Duration
	// MaxInflight caps the attempts connecting at the same time.
	MaxInflight int
	// Probe is how much an attempt checks: ProbeFull ("" too),
	// ProbeConnect or ProbeNone.
	Probe string
	// Header is sent with every HTTP request to the hosts (a CDN's token
	// header, User-Agent, Referer); nil sends only clusterplay's own
	// User-Agent.
	Header http.Header
	// CMCD adds Common Media Client Data to every HTTP probe; nil adds
	// none.
	CMCD *cmcd.Client
	// Faults, when set, injects a fault plan's faults of kind probe into
	// attempts (probe_faults.go).
	Faults *faults.Injector

	// Clock is the time the engine reads: connect timeouts, race delays,
	// failure expiry, the waits between passes. nil is the real clock;
	// tests hand in a clock.Fake.
	Clock clock.Clock
	// Rand is the chance the policies draw on (random, weighted, fastest's
	// ties). nil is the process's own source; tests seed one.
	Rand *clock.Rand

	// Log is the engine's logger, named for the cluster component; the
	// engine names its parts from it (cluster.http, cluster.rtmp,
	// cluster.memory). nil discards.
	Log *slog.Logger
}

// Defaults as in Flowplayer's Cluster plugin 3.2, plus the racing defaults.
const (
	DefaultConnectTimeout = 2 * time.Second
	DefaultConnectCount   = 3
	DefaultFailureExpiry  = 2 * time.Second
	DefaultRaceDelay      = 250 * time.Millisecond
	DefaultMaxInflight    = 3
	MinRaceDelay          = 10 * time.Millisecond
)

// DefaultOptions returns the defaults.
func DefaultOptions() Options {
	return Options{
		ConnectTimeout: DefaultConnectTimeout,
		ConnectCount:   DefaultConnectCount,
		FailureExpiry:  DefaultFailureExpiry,
		RaceDelay:      DefaultRaceDelay,
		MaxInflight:    DefaultMaxInflight,
		Probe:          ProbeFull,
	}
}

// Validate reports the first option out of range.
func (o Options) Validate() error {
	switch {
	case o.ConnectTimeout <= 0:
		return fmt.Errorf("connect timeout must be positive, got %v", o.ConnectTimeout)
	case o.ConnectCount <= 0:
		return fmt.Errorf("connect count must be positive, got %d", o.ConnectCount)
	case o.FailureExpiry < 0:
		return fmt.Errorf("failure expiry must not be negative, got %v", o.FailureExpiry)
	case o.MaxInflight < 0:
		return fmt.Errorf("max inflight must be positive, got %d", o.MaxInflight)
	}
	return nil
}
