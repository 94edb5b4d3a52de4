package cluster

import (
	"context"
	"slices"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

func racing(delay time.Duration, inflight int, timeout time.Duration) Options {
	o := DefaultOptions()
	o.RaceDelay, o.MaxInflight, o.ConnectTimeout = delay, inflight, timeout
	o.ConnectCount = 1
	return o
}

// maxConcurrent replays the evs and returns the most attempts that
// were connecting at once.
func maxConcurrent(evs []events.Event) int {
	cur, peak := 0, 0
	for _, ev := range evs {
		switch ev.Kind {
		case events.Connect:
			cur++
			peak = max(peak, cur)
		case events.ConnectFailed, events.ConnectCancelled, events.Resolved:
			cur--
		}
	}
	return peak
}

// TestRaceSilentHostThenGood: the good second host starts after the race
// delay while the silent first one goes on, wins, and the silent attempt is
// cancelled, its socket closed, and not remembered as a failure.
func TestRaceSilentHostThenGood(t *testing.T) {
	t.Parallel()
	silent := hosttest.Keep(t)(loopback.Silent())
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	clk := fakeClock()
	opts := racing(100*time.Millisecond, 3, 10*time.Second)
	opts.Clock = clk
	e, err := New([]HostSpec{{URL: silent.URL}, {URL: good.URL}}, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := record(e)
	wait := resolveAside(t, e, "clip.mp4")
	// The silent host's connect timeout and its head start.
	drive(t, clk, rec, []clockStep{{armed: 2, advance: 100 * time.Millisecond}})
	res, err := wait()
	evs := rec.stop(e)
	if err != nil {
		t.Fatal(err)
	}
	if res.Host.Index != 1 {
		t.Fatalf("resolved to host %d", res.Host.Index)
	}
	if got, want := kinds(evs), "connect connect connect_cancelled resolved"; got != want {
		t.Errorf("events %q, want %q", got, want)
	}
	if gap := evs[1].Time.Sub(evs[0].Time); gap != 100*time.Millisecond {
		t.Errorf("second host started %v after the first, want the 100ms race delay", gap)
	}
	if res.Elapsed != 100*time.Millisecond {
		t.Errorf("resolved after %v, want at the race delay: the silent host's 10s timeout must not be waited for", res.Elapsed)
	}
	if r, ok := e.mem.Record(silent.URL); ok && !r.FailedAt.IsZero() {
		t.Error("the cancelled attempt was remembered as a failure")
	}
	waitNoConns(t, silent, "the cancelled attempt's socket on the silent host")
}

// TestRaceFastFailureStartsNextAtOnce: a refused host does not hold the next
// one back for the race delay.
func TestRaceFastFailureStartsNextAtOnce(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	res, err, evs := resolveHosts(t, racing(2*time.Second, 3, 5*time.Second), "clip.mp4", hosttest.Refused(t), hosttest.Refused(t), good.URL)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := kinds(evs), "connect connect_failed connect connect_failed connect resolved"; got != want {
		t.Errorf("events %q, want %q", got, want)
	}
	if res.Elapsed > time.Second {
		t.Errorf("resolved after %v; fast failures must not wait for the 2s race delay", res.Elapsed)
	}
}

// TestRaceInflightCap: with five hanging hosts ahead of a good one and a
// cap of 2, never more than 2 attempts connect at once, and the good host
// is reached once timeouts free the slots.
func TestRaceInflightCap(t *testing.T) {
	t.Parallel()
	var specs []HostSpec
	for range 5 {
		specs = append(specs, HostSpec{URL: hosttest.Keep(t)(loopback.Hang()).URL})
	}
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	specs = append(specs, HostSpec{URL: good.URL})
	clk := fakeClock()
	opts := racing(20*time.Millisecond, 2, 400*time.Millisecond)
	opts.Clock = clk
	e, err := New(specs, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := record(e)
	wait := resolveAside(t, e, "clip.mp4")
	const d, timeout = 20 * time.Millisecond, 400 * time.Millisecond
	drive(t, clk, rec, []clockStep{
		{2, d},             // host 0 and its head start: host 1 starts at 20ms
		{3, d},             // both slots taken: the head start at 40ms starts nobody
		{2, timeout - 2*d}, // host 0 times out at 400ms: host 2 takes its slot
		{3, d},             // host 1 at 420ms: host 3
		{3, d},             // a head start at 440ms, slots full
		{2, timeout - 2*d}, // host 2 at 800ms: host 4
		{3, d},             // host 3 at 820ms: the good host 5 wins
	})
	res, err := wait()
	evs := rec.stop(e)
	if err != nil {
		t.Fatalf("Resolve: %v; evs %s", err, kinds(evs))
	}
	if res.Host.Index != 5 {
		t.Errorf("resolved to host %d, want 5", res.Host.Index)
	}
	if peak := maxConcurrent(evs); peak != 2 {
		t.Errorf("peak attempts in flight %d, want the cap of 2", peak)
	}
	var order []int
	for _, ev := range ofKind(evs, events.Connect) {
		order = append(order, ev.Index)
	}
	if want := []int{0, 1, 2, 3, 4, 5}; !equalInts(order, want) {
		t.Errorf("hosts started in order %v, want %v", order, want)
	}
	if n := len(ofKind(evs, events.ConnectFailed)); n < 4 {
		t.Errorf("%d timeouts before the good host, want at least 4 (the cap held the good host back)", n)
	}
	ms := time.Millisecond
	if got, want := since(evs, events.Connect), []time.Duration{0, 20 * ms, 400 * ms, 420 * ms, 800 * ms, 820 * ms}; !slices.Equal(got, want) {
		t.Errorf("hosts started at %v, want %v", got, want)
	}
	for _, f := range ofKind(evs, events.ConnectFailed) {
		if f.Class != events.ClassTimeout || f.Elapsed != timeout {
			t.Errorf("host %d failed %s after %v, want a timeout after %v", f.Index, f.Class, f.Elapsed, timeout)
		}
	}
}

// TestRaceOffIsOneAtATime: --race-delay off waits for each attempt.
func TestRaceOffIsOneAtATime(t *testing.T) {
	t.Parallel()
	silent := hosttest.Keep(t)(loopback.Silent())
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	clk := fakeClock()
	opts := racing(0, 3, 500*time.Millisecond)
	opts.Clock = clk
	e, err := New([]HostSpec{{URL: silent.URL}, {URL: good.URL}}, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := record(e)
	wait := resolveAside(t, e, "clip.mp4")
	// The silent host's connect timeout alone: no head start to race it.
	drive(t, clk, rec, []clockStep{{armed: 1, advance: 500 * time.Millisecond}})
	res, err := wait()
	evs := rec.stop(e)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := kinds(evs), "connect connect_failed connect resolved"; got != want {
		t.Errorf("events %q, want %q", got, want)
	}
	if maxConcurrent(evs) != 1 {
		t.Error("more than one attempt at a time with racing off")
	}
	if res.Elapsed != 500*time.Millisecond {
		t.Errorf("resolved after %v, want at the silent host's 500ms timeout", res.Elapsed)
	}
}

// TestRaceRemembersAHostThatLetItsHeadStartPass: a host that lost a race
// unanswered is not a failure, but the next resolution does not wait the
// race delay for it again.
func TestRaceRemembersAHostThatLetItsHeadStartPass(t *testing.T) {
	t.Parallel()
	const raceDelay = 1500 * time.Millisecond
	silent := hosttest.Keep(t)(loopback.Silent())
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	clk := fakeClock()
	opts := racing(raceDelay, 3, 10*time.Second)
	opts.FailureExpiry = time.Minute
	opts.Clock = clk
	e, err := New([]HostSpec{{URL: silent.URL}, {URL: good.URL}}, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := record(e)
	wait := resolveAside(t, e, "clip.mp4")
	drive(t, clk, rec, []clockStep{{armed: 2, advance: raceDelay}})
	if _, err := wait(); err != nil {
		t.Fatal(err)
	}
	if r, _ := e.mem.Record(silent.URL); !r.FailedAt.IsZero() || r.SlowAt.IsZero() {
		t.Fatalf("after losing unanswered the silent host's record is %+v; want slow, not failed", r)
	}
	rec.waitFor(t, events.Resolved, 1) // the first resolution's last word
	first := len(rec.snapshot())
	res, err := e.Resolve(context.Background(), "clip.mp4") // no advance: nothing waits on the clock
	evs := rec.stop(e)[first:]
	if err != nil {
		t.Fatal(err)
	}
	connects := ofKind(evs, events.Connect)
	if len(connects) != 2 || connects[0].Index != 0 {
		t.Fatalf("events %s: the silent host must still be tried first", kinds(evs))
	}
	if gap := connects[1].Time.Sub(connects[0].Time); gap != 0 {
		t.Errorf("second host started %v after the slow one; its %v head start should be gone", gap, raceDelay)
	}
	if res.Host.Index != 1 {
		t.Errorf("resolved to host %d", res.Host.Index)
	}
}

// waitNoConns waits for h to have no connection open. The loopback host
// counts its connections but announces no change, and its side closes a
// moment after the client's, so this polls the count to a deadline.
func waitNoConns(t *testing.T, h *loopback.Host, what string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); h.OpenConns() != 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d connections still open", what, h.OpenConns())
		}
	}
}
