package cluster

import (
	"context"
	"testing"
	"time"

	"clusterplay/clock"
	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
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

// TestWaitBeforeNextPass: before pass 2 the engine waits until the
// earliest failure expires, but never longer than the connect timeout; with
// nothing remembered, it still waits the first back-off.
func TestWaitBeforeNextPass(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		expiry, timeout time.Duration
		gap             time.Duration
	}{
		{"expiry shorter than timeout", 400 * time.Millisecond, 3 * time.Second, 400 * time.Millisecond},
		{"timeout caps a long expiry", time.Hour, 500 * time.Millisecond, 500 * time.Millisecond},
		{"no memory: the back-off", 0, 3 * time.Second, minPassBackoff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := fakeClock()
			opts := sequential(tt.timeout)
			opts.ConnectCount = 2
			opts.FailureExpiry = tt.expiry
			opts.Clock = clk
			e, err := New([]HostSpec{{URL: hosttest.Refused(t)}}, opts, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			rec := record(e)
			wait := resolveAside(t, e, "clip.mp4")
			rec.waitFor(t, events.ConnectFailed, 1)
			// The engine sleeps (one timer) until the test moves the clock
			// by the gap; a wait any longer would leave it asleep.
			drive(t, clk, rec, []clockStep{{armed: 1, advance: tt.gap}})
			_, _ = wait()
			evs := ofKind(rec.stop(e), events.Connect)
			if len(evs) != 2 {
				t.Fatalf("%d attempts, want 2 (the lone host must be retried, not skipped)", len(evs))
			}
			if gap := evs[1].Time.Sub(evs[0].Time); gap != tt.gap {
				t.Errorf("gap between passes %v, want %v", gap, tt.gap)
			}
		})
	}
}

// TestFailureExpiryCountsDown: a failed host's expires_at stands while
// the time passes, its skips count the time it has left, and once the
// expiry has run out it is tried again.
func TestFailureExpiryCountsDown(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	clk := fakeClock()
	failedAt := clk.Now()
	opts := sequential(time.Second)
	opts.FailureExpiry = time.Minute
	opts.Clock = clk
	e, err := New([]HostSpec{{URL: hosttest.Refused(t)}, {URL: good.URL}}, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := record(e)
	resolve := func() {
		t.Helper()
		if _, err := e.Resolve(context.Background(), "clip.mp4"); err != nil {
			t.Fatal(err)
		}
	}
	resolve()
	clk.Advance(20 * time.Second)
	resolve()
	clk.Advance(40 * time.Second) // the minute is over
	resolve()
	evs := rec.stop(e)
	if got, want := kinds(evs), "connect connect_failed connect resolved skip connect resolved connect connect_failed connect resolved"; got != want {
		t.Fatalf("events %q, want %q", got, want)
	}
	if f := evs[1]; !f.ExpiresAt.Equal(failedAt.Add(time.Minute)) {
		t.Errorf("connect_failed expires at +%v, want +1m", f.ExpiresAt.Sub(failedAt))
	}
	if s := evs[4]; s.ExpiryLeft != 40*time.Second || !s.ExpiresAt.Equal(failedAt.Add(time.Minute)) {
		t.Errorf("skip 20s on: %v left, expires at +%v; want 40s left, at +1m", s.ExpiryLeft, s.ExpiresAt.Sub(failedAt))
	}
	if f := evs[8]; !f.ExpiresAt.Equal(failedAt.Add(2 * time.Minute)) {
		t.Errorf("the second failure expires at +%v, want +2m", f.ExpiresAt.Sub(failedAt))
	}
}
