package clock

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"
)

// Fake is a Clock whose time moves only when Advance moves it. Timers,
// tickers, sleeps and timeouts made on it fire as their time is passed, in
// time order, each seeing Now at its own instant. BlockUntil waits until
// the code under test has armed the timers it is about to wait on, so a
// test advances the clock at the moment it means to, without sleeping.
type Fake struct {
	advancing sync.Mutex // one Advance at a time

	mu      sync.Mutex
	now     time.Time
	armed   []*fakeTimer  // in the order they were armed: ties fire in it
	changed chan struct{} // closed (and replaced) whenever armed changes
}

// NewFake returns a fake clock that reads start until it is advanced.
func NewFake(start time.Time) *Fake {
	return &Fake{now: start, changed: make(chan struct{})}
}

// takeLimit bounds how long Advance waits for what it fired to be taken:
// past it, the test is stuck on a tick nobody reads, a bug worth a loud
// stop rather than a hang until the test binary's timeout.
const takeLimit = 10 * time.Second

// Now is the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Since is Now().Sub(t).
func (f *Fake) Since(t time.Time) time.Duration { return f.Now().Sub(t) }

// Armed is how many timers, tickers, sleeps and timeouts wait on the clock.
func (f *Fake) Armed() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.armed)
}

// BlockUntil waits until exactly n timers, tickers, sleeps and timeouts
// are armed on the clock, or ctx is done.
func (f *Fake) BlockUntil(ctx context.Context, n int) error {
	for {
		f.mu.Lock()
		armed, changed := len(f.armed), f.changed
		f.mu.Unlock()
		if armed == n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("fake clock: %d timers armed, waited for %d: %w", armed, n, ctx.Err())
		}
	}
}

// Advance moves the time on by d, firing every timer due on the way in
// time order. It returns once every tick it sent has been received (or
// its timer stopped or reset), so what the test does next comes after the
// code under test took its tick.
func (f *Fake) Advance(d time.Duration) {
	f.advancing.Lock()
	defer f.advancing.Unlock()
	f.mu.Lock()
	end := f.now.Add(d)
	var sent []*fakeTimer
	var calls []func()
	for {
		t := f.nextDue(end)
		if t == nil {
			break
		}
		if t.at.After(f.now) {
			f.now = t.at
		}
		if t.period > 0 {
			t.at = t.at.Add(t.period)
		} else {
			f.disarm(t)
		}
		if t.call != nil {
			calls = append(calls, t.call)
			continue
		}
		select {
		case t.c <- f.now:
			sent = append(sent, t)
		default: // a ticker whose reader lags: the tick is dropped, as time's are
		}
	}
	if end.After(f.now) {
		f.now = end
	}
	f.mu.Unlock()
	for _, call := range calls {
		call()
	}
	awaitTaken(sent)
}

// nextDue is the armed timer that fires first, at or before end; f.mu is
// held.
func (f *Fake) nextDue(end time.Time) *fakeTimer {
	var next *fakeTimer
	for _, t := range f.armed {
		if !t.at.After(end) && (next == nil || t.at.Before(next.at)) {
			next = t
		}
	}
	return next
}

func awaitTaken(sent []*fakeTimer) {
	deadline := time.Now().Add(takeLimit)
	for spins := 0; ; spins++ {
		waiting := 0
		for _, t := range sent {
			if len(t.c) > 0 {
				waiting++
			}
		}
		if waiting == 0 {
			return
		}
		if time.Now().After(deadline) {
			panic(fmt.Sprintf("fake clock: %d ticks not taken after %v: a timer's channel nobody reads or stops", waiting, takeLimit))
		}
		if spins < 100 {
			runtime.Gosched()
		} else {
			time.Sleep(50 * time.Microsecond)
		}
	}
}

// arm puts t on the clock to fire d from now; f.mu is held. A timer due
// already fires at once, as time's do: its moment needs no advance.
func (f *Fake) arm(t *fakeTimer, d time.Duration) {
	if d <= 0 && t.c != nil && t.period == 0 {
		select {
		case t.c <- f.now:
		default:
		}
		return
	}
	t.at = f.now.Add(max(d, 0))
	f.armed = append(f.armed, t)
	f.notify()
}

// disarm takes t off the clock; it reports whether t was on it. f.mu is
// held.
func (f *Fake) disarm(t *fakeTimer) bool {
	i := slices.Index(f.armed, t)
	if i < 0 {
		return false
	}
	f.armed = slices.Delete(f.armed, i, i+1)
	f.notify()
	return true
}

func (f *Fake) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// fakeTimer is a timer, a ticker (period > 0) or a timeout (call set,
// no channel).
type fakeTimer struct {
	f      *Fake
	c      chan time.Time
	at     time.Time
	period time.Duration
	call   func()
}

// NewTimer fires once, d from now.
func (f *Fake) NewTimer(d time.Duration) Timer {
	t := &fakeTimer{f: f, c: make(chan time.Time, 1)}
	f.mu.Lock()
	f.arm(t, d)
	f.mu.Unlock()
	return t
}

// NewTicker fires every d from now; d must be positive, as time's.
func (f *Fake) NewTicker(d time.Duration) Ticker {
	if d <= 0 {
		panic("clock: non-positive interval for NewTicker")
	}
	t := &fakeTimer{f: f, c: make(chan time.Time, 1), period: d}
	f.mu.Lock()
	f.arm(t, d)
	f.mu.Unlock()
	return fakeTicker{t}
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

// Stop takes the timer off the clock and drops a tick not yet received.
func (t *fakeTimer) Stop() bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	t.drain()
	return t.f.disarm(t)
}

// Reset arms the timer afresh, d from now, dropping a tick not yet
// received.
func (t *fakeTimer) Reset(d time.Duration) bool {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	t.drain()
	was := t.f.disarm(t)
	t.f.arm(t, d)
	return was
}

func (t *fakeTimer) drain() {
	if t.c == nil {
		return
	}
	select {
	case <-t.c:
	default:
	}
}

type fakeTicker struct{ t *fakeTimer }

func (k fakeTicker) C() <-chan time.Time { return k.t.c }
func (k fakeTicker) Stop()               { k.t.Stop() }

func (k fakeTicker) Reset(d time.Duration) {
	if d <= 0 {
		panic("clock: non-positive interval for Ticker.Reset")
	}
	k.t.f.mu.Lock()
	k.t.period = d
	k.t.f.mu.Unlock()
	k.t.Reset(d)
}

// Sleep waits until the clock has been advanced by d, or ctx is done.
func (f *Fake) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := f.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// WithTimeout returns a context that is done once the clock has been
// advanced by d. It carries no deadline of its own (a deadline is read
// against the real time by sockets), only the parent's; its Err is
// context.DeadlineExceeded when the fake time ran out first.
func (f *Fake) WithTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	if d <= 0 {
		cancel(context.DeadlineExceeded)
		return timeoutCtx{ctx}, func() { cancel(context.Canceled) }
	}
	t := &fakeTimer{f: f, call: func() { cancel(context.DeadlineExceeded) }}
	f.mu.Lock()
	f.arm(t, d)
	f.mu.Unlock()
	// A context done early (the parent cancelled) waits on the clock no
	// more: BlockUntil counts only what still waits.
	stop := context.AfterFunc(ctx, func() { t.Stop() })
	return timeoutCtx{ctx}, func() {
		stop()
		t.Stop()
		cancel(context.Canceled)
	}
}

// timeoutCtx tells a fake timeout (cancelled with DeadlineExceeded as its
// cause) from a cancellation, as a context.WithTimeout's Err does.
type timeoutCtx struct{ context.Context }

func (c timeoutCtx) Err() error {
	err := c.Context.Err()
	if err != nil && context.Cause(c.Context) == context.DeadlineExceeded {
		return context.DeadlineExceeded
	}
	return err
}
