package clock

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// within bounds a wait that only a bug makes long.
func within(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// collect reads every channel on its own goroutine, so Advance finds its
// ticks taken; stop ends the reading and returns what each one read.
func collect(chans ...<-chan time.Time) (stop func() [][]time.Time) {
	got := make([][]time.Time, len(chans))
	quit := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range chans {
		wg.Go(func() {
			for {
				select {
				case v := <-c:
					got[i] = append(got[i], v)
				case <-quit:
					return
				}
			}
		})
	}
	return func() [][]time.Time {
		close(quit)
		wg.Wait()
		return got
	}
}

func TestFakeTimersFireAtTheirTimeInOrder(t *testing.T) {
	t.Parallel()
	f := NewFake(epoch)
	a, b, c := f.NewTimer(30*time.Millisecond), f.NewTimer(10*time.Millisecond), f.NewTimer(20*time.Millisecond)
	f.Advance(9 * time.Millisecond)
	if n := len(a.C()) + len(b.C()) + len(c.C()); n != 0 || f.Armed() != 3 {
		t.Fatalf("%d fired early", n)
	}
	stop := collect(a.C(), b.C(), c.C())
	f.Advance(time.Second) // passes all three: each still sees its own instant
	got := stop()
	for i, want := range []time.Duration{30, 10, 20} {
		if len(got[i]) != 1 || got[i][0] != epoch.Add(want*time.Millisecond) {
			t.Errorf("timer %d read %v, want once at +%dms", i, got[i], want)
		}
	}
	if now := f.Now(); now != epoch.Add(time.Second+9*time.Millisecond) {
		t.Errorf("Now %v after advancing 1.009s", now)
	}
	if f.Armed() != 0 {
		t.Errorf("%d timers armed after all fired", f.Armed())
	}
}

// TestFakeTimerDueNowFiresAtOnce: a timer of zero or less needs no
// advance, as a head start of nothing starts the next attempt at once.
func TestFakeTimerDueNowFiresAtOnce(t *testing.T) {
	t.Parallel()
	f := NewFake(epoch)
	for _, d := range []time.Duration{0, -time.Second} {
		if got := <-f.NewTimer(d).C(); got != epoch {
			t.Errorf("NewTimer(%v) fired at %v", d, got)
		}
	}
	tm := f.NewTimer(time.Hour)
	tm.Reset(0)
	if got := <-tm.C(); got != epoch || f.Armed() != 0 {
		t.Errorf("Reset(0) fired at %v, %d armed", got, f.Armed())
	}
}

func TestFakeTickerTicksEveryPeriod(t *testing.T) {
	t.Parallel()
	f := NewFake(epoch)
	tk := f.NewTicker(200 * time.Millisecond)
	stop := collect(tk.C())
	for range 3 {
		f.Advance(200 * time.Millisecond)
	}
	tk.Reset(time.Second)
	f.Advance(time.Second)
	tk.Stop()
	f.Advance(time.Hour)
	want := []time.Duration{200, 400, 600, 1600}
	got := stop()[0]
	if len(got) != len(want) {
		t.Fatalf("ticks %v, want at %v ms", got, want)
	}
	for i, w := range want {
		if got[i] != epoch.Add(w*time.Millisecond) {
			t.Errorf("tick %d at %v, want +%dms", i, got[i].Sub(epoch), w)
		}
	}
}

// TestFakeStopAndResetDropATickNotTaken: as with Go's timers, a tick sent
// but not yet received is gone after Stop or Reset, and Advance, which
// waits for its ticks to be taken, is released by that.
func TestFakeStopAndResetDropATickNotTaken(t *testing.T) {
	t.Parallel()
	for _, reset := range []bool{false, true} {
		f := NewFake(epoch)
		tm := f.NewTimer(time.Second)
		advanced := make(chan struct{})
		go func() {
			f.Advance(time.Second)
			close(advanced)
		}()
		for len(tm.C()) == 0 {
			time.Sleep(time.Millisecond) // until Advance has sent
		}
		var was bool
		if reset {
			was = tm.Reset(time.Minute)
		} else {
			was = tm.Stop()
		}
		<-advanced
		if was || len(tm.C()) != 0 {
			t.Errorf("reset %v: returned %v with %d ticks left, want false and none", reset, was, len(tm.C()))
		}
		if want := map[bool]int{false: 0, true: 1}[reset]; f.Armed() != want {
			t.Errorf("reset %v: %d armed, want %d", reset, f.Armed(), want)
		}
	}
}

func TestFakeSleepAndBlockUntil(t *testing.T) {
	t.Parallel()
	f := NewFake(epoch)
	ctx, cancel := context.WithCancel(context.Background())
	slept := make(chan error, 2)
	go func() { slept <- f.Sleep(context.Background(), time.Second) }()
	go func() { slept <- f.Sleep(ctx, time.Hour) }()
	if err := f.BlockUntil(within(t), 2); err != nil {
		t.Fatal(err)
	}
	f.Advance(time.Second)
	if err := <-slept; err != nil {
		t.Errorf("the 1s sleep returned %v", err)
	}
	cancel()
	if err := <-slept; !errors.Is(err, context.Canceled) {
		t.Errorf("the cancelled sleep returned %v", err)
	}
	if err := f.BlockUntil(within(t), 0); err != nil {
		t.Error(err)
	}
	short, stop := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer stop()
	if err := f.BlockUntil(short, 5); err == nil {
		t.Error("BlockUntil(5) returned with nothing armed")
	}
}

// TestFakeWithTimeout: the context ends when the fake time runs out, with
// DeadlineExceeded, and carries no deadline a socket would read against
// the real time; cancelled, it says Canceled and leaves the clock.
func TestFakeWithTimeout(t *testing.T) {
	t.Parallel()
	f := NewFake(epoch)
	ctx, cancel := f.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, ok := ctx.Deadline(); ok {
		t.Error("a fake timeout has a real deadline")
	}
	f.Advance(999 * time.Millisecond)
	if ctx.Err() != nil {
		t.Fatalf("done %v before its time", ctx.Err())
	}
	f.Advance(time.Millisecond)
	<-ctx.Done()
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Errorf("Err %v, want DeadlineExceeded", ctx.Err())
	}

	ctx2, cancel2 := f.WithTimeout(context.Background(), time.Second)
	cancel2()
	if !errors.Is(ctx2.Err(), context.Canceled) || f.Armed() != 0 {
		t.Errorf("cancelled: Err %v, %d armed", ctx2.Err(), f.Armed())
	}

	parent, cancelParent := context.WithCancel(context.Background())
	ctx3, cancel3 := f.WithTimeout(parent, time.Second)
	defer cancel3()
	cancelParent()
	if err := f.BlockUntil(within(t), 0); err != nil || !errors.Is(ctx3.Err(), context.Canceled) {
		t.Errorf("parent cancelled: Err %v; %v", ctx3.Err(), err)
	}

	ctx4, cancel4 := f.WithTimeout(context.Background(), 0)
	defer cancel4()
	if !errors.Is(ctx4.Err(), context.DeadlineExceeded) {
		t.Errorf("zero timeout: Err %v", ctx4.Err())
	}
}

func TestRealClock(t *testing.T) {
	t.Parallel()
	c := Or(nil)
	ctx, cancel := c.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	if d, ok := ctx.Deadline(); !ok || time.Until(d) < 59*time.Minute {
		t.Errorf("deadline %v, %v", d, ok)
	}
	if err := c.Sleep(context.Background(), time.Millisecond); err != nil {
		t.Error(err)
	}
	done, stop := context.WithCancel(context.Background())
	stop()
	if err := c.Sleep(done, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a done context: %v", err)
	}
	tm := c.NewTimer(time.Millisecond)
	<-tm.C()
	tk := c.NewTicker(time.Millisecond)
	<-tk.C()
	tk.Stop()
	if c.Since(c.Now()) > time.Minute {
		t.Error("Since")
	}
}
