// Package clock is the time and chance the rest of clusterplay reads: the
// engine's connect timeouts, race delays, failure expiry and passes, the
// session's stall watchdog, and the policies' shuffles. Everything takes a
// Clock and a *Rand; the real clock and the process's random source are
// the defaults, so the program never has to name them. Tests hand in a
// Fake clock, whose time moves only when the test advances it, and a
// seeded Rand, so that timing and selection logic runs in milliseconds
// and gives the same answer on every run.
//
// The package sits at the bottom of the import graph: it imports nothing
// of clusterplay, and anyone may import it.
package clock

import (
	"context"
	"time"
)

// Clock tells the time and makes timers. A Clock is safe for concurrent
// use.
type Clock interface {
	Now() time.Time
	Since(t time.Time) time.Duration
	// NewTimer and NewTicker are time.NewTimer and time.NewTicker; their
	// Stop and Reset leave no stale tick in the channel, as Go's own do
	// since Go 1.23.
	NewTimer(d time.Duration) Timer
	NewTicker(d time.Duration) Ticker
	// Sleep waits for d, or until ctx is done (its error is returned).
	Sleep(ctx context.Context, d time.Duration) error
	// WithTimeout is context.WithTimeout on this clock: the context's Err
	// is context.DeadlineExceeded once d has passed.
	WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc)
}

// Timer is a *time.Timer behind an interface.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
	Reset(d time.Duration) bool
}

// Ticker is a *time.Ticker behind an interface.
type Ticker interface {
	C() <-chan time.Time
	Stop()
	Reset(d time.Duration)
}

// Real is the system clock.
func Real() Clock { return realClock{} }

// Or returns c, or the real clock when c is nil: options structs leave
// their Clock nil for the real one.
func Or(c Clock) Clock {
	if c == nil {
		return Real()
	}
	return c
}

type realClock struct{}

func (realClock) Now() time.Time                  { return time.Now() }
func (realClock) Since(t time.Time) time.Duration { return time.Since(t) }
func (realClock) NewTimer(d time.Duration) Timer  { return realTimer{time.NewTimer(d)} }
func (realClock) NewTicker(d time.Duration) Ticker {
	return realTicker{time.NewTicker(d)}
}

func (realClock) WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time        { return r.t.C }
func (r realTimer) Stop() bool                 { return r.t.Stop() }
func (r realTimer) Reset(d time.Duration) bool { return r.t.Reset(d) }

type realTicker struct{ t *time.Ticker }

func (r realTicker) C() <-chan time.Time   { return r.t.C }
func (r realTicker) Stop()                 { r.t.Stop() }
func (r realTicker) Reset(d time.Duration) { r.t.Reset(d) }
