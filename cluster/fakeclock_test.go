package cluster

import (
	"context"
	"testing"
	"time"

	"clusterplay/clock"
	"clusterplay/events"
)

// Tests of the engine's timing (connect timeouts, head starts, the waits
// between passes, failure expiry) run on a fake clock: real hosts on
// loopback, real sockets, but time that moves only when the test moves
// it. They take milliseconds, and the times on their events are exact.

// fakeClock is a fake clock at an arbitrary fixed date.
func fakeClock() *clock.Fake { return clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) }

// waitLong bounds a wait that only a bug makes long: a resolution stuck
// on a fake clock nobody advances, an event that never comes.
const waitLong = 20 * time.Second

// clockStep is one step of a test that drives a fake clock: wait until
// exactly armed timers wait on the clock (the connect timeout of each
// attempt in flight, the head-start timer, the wait before a pass), then
// advance the clock by advance.
type clockStep struct {
	armed   int
	advance time.Duration
}

// drive takes the steps in order, failing the test with the events so far
// when the engine does not arm what a step waits for.
func drive(t *testing.T, clk *clock.Fake, rec *recorder, steps []clockStep) {
	t.Helper()
	for i, s := range steps {
		ctx, cancel := context.WithTimeout(context.Background(), waitLong)
		err := clk.BlockUntil(ctx, s.armed)
		cancel()
		if err != nil {
			t.Fatalf("step %d (at +%v): %v; events %s", i, clk.Since(fakeClock().Now()), err, kinds(rec.snapshot()))
		}
		clk.Advance(s.advance)
	}
}

// resolveAside resolves clip on its own goroutine, while the test drives
// the clock; wait returns the result.
func resolveAside(t *testing.T, e *Engine, clip string) (wait func() (Result, error)) {
	type result struct {
		res Result
		err error
	}
	c := make(chan result, 1)
	go func() {
		res, err := e.Resolve(context.Background(), clip)
		c <- result{res, err}
	}()
	return func() (Result, error) {
		t.Helper()
		select {
		case r := <-c:
			return r.res, r.err
		case <-time.After(waitLong):
			t.Fatalf("the resolution did not end in %v", waitLong)
			return Result{}, nil
		}
	}
}

// waitFor waits until n events of kind k have come.
func (r *recorder) waitFor(t *testing.T, k events.Kind, n int) {
	t.Helper()
	deadline := time.After(waitLong)
	for {
		r.mu.Lock()
		got, more := len(ofKind(r.evs, k)), r.more
		r.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-more:
		case <-deadline:
			t.Fatalf("%d %s events, waited for %d; events %s", got, k, n, kinds(r.snapshot()))
		}
	}
}

// snapshot is what the recorder holds so far.
func (r *recorder) snapshot() []events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]events.Event(nil), r.evs...)
}

// since is how long after the first event each event of kind k came, on
// the engine's clock.
func since(evs []events.Event, k events.Kind) []time.Duration {
	var out []time.Duration
	for _, ev := range ofKind(evs, k) {
		out = append(out, ev.Time.Sub(evs[0].Time))
	}
	return out
}
