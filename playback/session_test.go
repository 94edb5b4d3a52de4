package playback

import (
	"context"
	"testing"
	"time"

	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
	"clusterplay/player"
)

// The session's logic on the unit tier (see fakeplayer_test.go): what
// TestPlaysThroughClusterWithDeadHosts, TestFailoverWhenHostDies and the
// others check against libmpv, checked here in milliseconds and to the
// exact position and time.

func TestSessionPlaysThroughClusterWithDeadHosts(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(clip))
	hang := hosttest.Keep(t)(loopback.Hang())
	h := startFake(t, []string{hosttest.Refused(t), hang.URL, good.URL}, Options{})
	wait := h.runAside(t, context.Background())
	// The refused host fails at once and hands its turn on; the hanging
	// one holds its head start (the watchdog, its connect timeout and the
	// head start wait on the clock) before the good one starts beside it.
	if _, ok := h.next(waitLong, kind(events.ConnectFailed)); !ok {
		t.Fatal("the refused host did not fail")
	}
	h.armed(t, 3)
	h.clk.Advance(cluster.DefaultRaceDelay)
	l := h.fake.nextLoad()
	h.begin(l)
	h.playToTheEnd()
	out, evs := wait()
	if out != Played {
		t.Fatalf("outcome %v; evs:\n%s", out, describe(evs))
	}
	starts := only(evs, events.Start)
	if len(starts) != 1 || starts[0].URL != good.URL+"/clip.mp4" || starts[0].Index != 2 {
		t.Errorf("start evs %+v", starts)
	}
	endsAtTheEnd(t, evs)
	if n := len(only(evs, events.Failover)); n != 0 {
		t.Errorf("%d failovers while playing from a healthy host", n)
	}
}

// TestSessionFailsOverWhenHostDies covers the ways a serving host fails
// as the player tells it: an error, an end of file well before the clip's
// end (a cut connection), no progress for the stall timeout. Each time the
// host is remembered as failed, the other host takes over at the very
// position, and the clip plays to its end.
func TestSessionFailsOverWhenHostDies(t *testing.T) {
	t.Parallel()
	const stallTimeout = 1500 * time.Millisecond
	tests := []struct {
		name  string
		fault func(h *harness)
		class events.Class
		err   string
	}{
		{"error", func(h *harness) { h.fail(player.ReasonError) }, events.ClassPlayback, "loading failed"},
		{"end of file mid-clip", func(h *harness) { h.fail(player.ReasonEOF) }, events.ClassEarlyEOF, "stream ended at 2s of 6s"},
		{"stall", func(h *harness) { h.stall(stallTimeout + 2*watchInterval) }, events.ClassStall, "no progress for 1.5s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			serving := hosttest.Keep(t)(loopback.Good(clip))
			backup := hosttest.Keep(t)(loopback.Good(clip))
			h := startFake(t, []string{serving.URL, backup.URL}, Options{StallTimeout: stallTimeout})
			wait := h.runAside(t, context.Background())
			first := h.fake.nextLoad()
			if first.url != serving.URL+"/clip.mp4" || first.start != 0 {
				t.Fatalf("first load %+v", first)
			}
			h.begin(first)
			h.play(2 * time.Second)
			lastProgress := h.clk.Now()
			tt.fault(h)
			second := h.fake.nextLoad()
			if second.url != backup.URL+"/clip.mp4" || second.start != 2*time.Second {
				t.Fatalf("load after the fault %+v, want the backup at 2s", second)
			}
			h.begin(second)
			h.playToTheEnd()
			out, evs := wait()
			if out != Played {
				t.Fatalf("outcome %v; evs:\n%s", out, describe(evs))
			}
			failovers := only(evs, events.Failover)
			if len(failovers) != 1 {
				t.Fatalf("%d failovers, want 1; evs:\n%s", len(failovers), describe(evs))
			}
			f := failovers[0]
			if f.Host != serving.URL || f.ToHost != backup.URL || f.Index != 0 || f.ToIndex != 1 {
				t.Errorf("failover %s -> %s, want %s -> %s", f.Host, f.ToHost, serving.URL, backup.URL)
			}
			if f.Class != tt.class || f.Err != tt.err {
				t.Errorf("failover class %q (%s), want %q (%s)", f.Class, f.Err, tt.class, tt.err)
			}
			if f.Position != 2*time.Second {
				t.Errorf("failover at %v, want where the host failed, 2s", f.Position)
			}
			starts := only(evs, events.Start)
			if len(starts) != 2 || starts[1].Position != f.Position {
				t.Fatalf("start evs %+v, want the second at the failover's %v", starts, f.Position)
			}
			failed := only(evs, events.HostFailed)
			if len(failed) != 1 || failed[0].Host != serving.URL || !failed[0].ExpiresAt.Equal(failed[0].Time.Add(30*time.Second)) {
				t.Errorf("host_failed %+v, want the serving host skipped for the 30s failure expiry", failed)
			}
			if tt.class == events.ClassStall {
				// The watchdog looks every interval: the stall is judged
				// at the first look past the timeout.
				want := (stallTimeout/watchInterval + 1) * watchInterval
				if at := failed[0].Time.Sub(lastProgress); at != want {
					t.Errorf("stall judged %v after the last progress, want %v", at, want)
				}
			}
			if r, _ := h.mem.Record(serving.URL); r.FailedAt.IsZero() {
				t.Error("the failed host is not remembered as failed")
			}
			endsAtTheEnd(t, evs)
		})
	}
}

// TestSessionStallTimeoutIsNotShortened: no progress for less than the
// stall timeout is no stall, nor is the time the process was stopped (a
// jump of the clock with no watchdog look in between).
func TestSessionStallTimeoutIsNotShortened(t *testing.T) {
	t.Parallel()
	const stallTimeout = time.Second
	good := hosttest.Keep(t)(loopback.Good(clip))
	backup := hosttest.Keep(t)(loopback.Good(clip))
	h := startFake(t, []string{good.URL, backup.URL}, Options{StallTimeout: stallTimeout})
	wait := h.runAside(t, context.Background())
	h.begin(h.fake.nextLoad())
	h.play(time.Second)
	// The watchdog's look as play resumes falls on the timeout itself,
	// which is not past it.
	h.stall(stallTimeout - watchInterval)
	h.play(time.Second)
	h.clk.Advance(time.Minute) // stopped (ctrl+z) for a minute
	h.fake.sync()
	h.play(time.Second)
	h.settle(t)
	if f := only(h.recorded(), events.HostFailed); len(f) != 0 {
		t.Fatalf("a stall judged: %+v", f)
	}
	h.playToTheEnd()
	out, evs := wait()
	if out != Played || len(only(evs, events.Failover)) != 0 {
		t.Fatalf("outcome %v; evs:\n%s", out, describe(evs))
	}
	endsAtTheEnd(t, evs)
}

// TestSessionStallBeforeTheFirstFrame: a load that never shows a frame is
// a stall too, and the session says so in its log.
func TestSessionStallBeforeTheFirstFrame(t *testing.T) {
	t.Parallel()
	const stallTimeout = time.Second
	serving := hosttest.Keep(t)(loopback.Good(clip))
	backup := hosttest.Keep(t)(loopback.Good(clip))
	h := startFake(t, []string{serving.URL, backup.URL}, Options{StallTimeout: stallTimeout})
	wait := h.runAside(t, context.Background())
	h.fake.nextLoad()
	h.stall(stallTimeout + 2*watchInterval)
	l := h.fake.nextLoad()
	if l.url != backup.URL+"/clip.mp4" || l.start != 0 {
		t.Fatalf("load after the stall %+v, want the backup from the start", l)
	}
	h.begin(l)
	h.playToTheEnd()
	out, evs := wait()
	f := only(evs, events.Failover)
	if out != Played || len(f) != 1 || f[0].Class != events.ClassStall {
		t.Fatalf("outcome %v, failovers %+v; evs:\n%s", out, f, describe(evs))
	}
	if s := only(evs, events.Start); len(s) != 1 || s[0].Host != backup.URL {
		t.Errorf("start evs %+v, want one from the backup", s)
	}
}

// TestSessionEveryHostDiesMidClip: hosts that fail again each time they
// take over exhaust the failovers without progress; the session gives up
// with a failed event and ends with an error.
func TestSessionEveryHostDiesMidClip(t *testing.T) {
	t.Parallel()
	a := hosttest.Keep(t)(loopback.Good(clip))
	b := hosttest.Keep(t)(loopback.Good(clip))
	h := startFake(t, []string{a.URL, b.URL}, Options{})
	wait := h.runAside(t, context.Background())
	loads := 0
	for {
		l, ok := h.fake.nextLoadOrEnd()
		if !ok {
			break
		}
		loads++
		h.begin(l)
		h.play(watchInterval) // far from the end, and from progress that counts
		h.fail(player.ReasonEOF)
	}
	out, evs := wait()
	if out != PlaybackFailed {
		t.Fatalf("outcome %v, want PlaybackFailed; evs:\n%s", out, describe(evs))
	}
	last := evs[len(evs)-1]
	if last.Kind != events.End || last.Reason != "error" {
		t.Errorf("last event %s %s, want end error", last.Kind, last.Reason)
	}
	if len(only(evs, events.Failed)) == 0 {
		t.Errorf("no failed event when no host could take over; evs:\n%s", describe(evs))
	}
	// Each of the 2 hosts is tried maxFailoversPerHost times after the
	// first load: the failover past that gives up.
	if n := len(only(evs, events.Failover)); n != 2*maxFailoversPerHost || loads != n+1 {
		t.Errorf("%d failovers over %d loads, want %d over %d", n, loads, 2*maxFailoversPerHost, 2*maxFailoversPerHost+1)
	}
}

// TestSessionAllHostsFailAtStart: no host answers any pass: the session
// ends AllFailed without loading anything.
func TestSessionAllHostsFailAtStart(t *testing.T) {
	t.Parallel()
	// One attempt at a time, so that between passes only the watchdog and
	// the wait before the next pass wait on the clock.
	h := startFake(t, []string{hosttest.Refused(t), hosttest.Refused(t)}, Options{},
		func(o *cluster.Options) { o.RaceDelay = 0 })
	wait := h.runAside(t, context.Background())
	// The failures are remembered for longer than the connect timeout,
	// which caps the wait before the next pass.
	for range 2 {
		for range 2 {
			if _, ok := h.next(waitLong, kind(events.ConnectFailed)); !ok {
				t.Fatal("a pass ended without its two failures")
			}
		}
		h.armed(t, 2)
		h.clk.Advance(time.Second)
	}
	out, evs := wait()
	if out != AllFailed {
		t.Fatalf("outcome %v, want AllFailed; evs:\n%s", out, describe(evs))
	}
	if len(only(evs, events.Start)) != 0 || len(h.fake.Loads()) != 0 {
		t.Errorf("a start or a load without a host: loads %+v", h.fake.Loads())
	}
	if n := len(only(evs, events.Connect)); n != 6 {
		t.Errorf("%d attempts, want 3 passes over 2 hosts", n)
	}
}

func TestSessionStartPosition(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(clip))
	h := startFake(t, []string{good.URL}, Options{Start: 3 * time.Second})
	wait := h.runAside(t, context.Background())
	l := h.fake.nextLoad()
	if l.start != 3*time.Second {
		t.Fatalf("loaded at %v, want 3s", l.start)
	}
	h.begin(l)
	h.playToTheEnd()
	out, evs := wait()
	if out != Played {
		t.Fatalf("outcome %v", out)
	}
	s := only(evs, events.Start)
	if len(s) != 1 || s[0].Position != 3*time.Second {
		t.Errorf("start evs %+v, want one at 3s", s)
	}
	endsAtTheEnd(t, evs)
}

// TestSessionManualFailoverAndQuit: n switches to the other host without
// blaming the one left, which plays on until the switch is made, and q
// ends with one end of reason quit.
func TestSessionManualFailoverAndQuit(t *testing.T) {
	t.Parallel()
	a := hosttest.Keep(t)(loopback.Good(clip))
	b := hosttest.Keep(t)(loopback.Good(clip))
	h := startFake(t, []string{a.URL, b.URL}, Options{})
	wait := h.runAside(t, context.Background())
	h.begin(h.fake.nextLoad())
	h.play(time.Second)
	h.sess.FailoverNow(false)
	l := h.fake.nextLoad()
	if l.url != b.URL+"/clip.mp4" || l.start != time.Second {
		t.Fatalf("load after the switch %+v, want b at 1s", l)
	}
	h.begin(l)
	h.play(600 * time.Millisecond)
	h.sess.Quit()
	out, evs := wait()
	if out != Played {
		t.Fatalf("outcome %v; evs:\n%s", out, describe(evs))
	}
	f := only(evs, events.Failover)
	if len(f) != 1 || f[0].ToHost != b.URL || f[0].Class != events.ClassSwitch || f[0].Position != time.Second {
		t.Fatalf("failovers %+v; evs:\n%s", f, describe(evs))
	}
	if r, _ := h.mem.Record(a.URL); !r.FailedAt.IsZero() {
		t.Error("a manual switch blamed the host it left")
	}
	ends := only(evs, events.End)
	if last := evs[len(evs)-1]; len(ends) != 1 || last.Kind != events.End || last.Reason != "quit" || last.Position != 1600*time.Millisecond {
		t.Errorf("ends %+v, last event %s %s at %v; want one end quit, last, at 1.6s", ends, last.Kind, last.Reason, last.Position)
	}
}

// TestSessionInterruptEndsWithQuit: Ctrl-C (the context cancelled) while
// playing ends the session as interrupted, and the event stream still
// closes with an end of reason quit, at the position.
func TestSessionInterruptEndsWithQuit(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(clip))
	h := startFake(t, []string{good.URL}, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wait := h.runAside(t, ctx)
	h.begin(h.fake.nextLoad())
	h.play(time.Second)
	cancel()
	out, evs := wait()
	if out != Interrupted {
		t.Fatalf("outcome %v, want Interrupted", out)
	}
	last := evs[len(evs)-1]
	if last.Kind != events.End || last.Reason != "quit" || last.Position != time.Second || len(only(evs, events.End)) != 1 {
		t.Errorf("last event %s %s at %v, want the one end, quit at 1s", last.Kind, last.Reason, last.Position)
	}
}

// TestSessionQuitWhileResolving: q while the engine still waits on a host
// cancels the resolution; the playback begun closes with one end, after
// the resolution's last events.
func TestSessionQuitWhileResolving(t *testing.T) {
	t.Parallel()
	hang := hosttest.Keep(t)(loopback.Hang())
	h := startFake(t, []string{hang.URL}, Options{})
	wait := h.runAside(t, context.Background())
	if _, ok := h.next(waitLong, kind(events.Connect)); !ok {
		t.Fatal("no attempt began")
	}
	h.sess.Quit()
	out, evs := wait()
	ends := only(evs, events.End)
	if out != Played || len(ends) != 1 || ends[0].Reason != "quit" || evs[len(evs)-1].Kind != events.End {
		t.Fatalf("outcome %v, ends %+v; evs:\n%s", out, ends, describe(evs))
	}
	if len(h.fake.Loads()) != 0 {
		t.Errorf("loads %+v after a quit before any host answered", h.fake.Loads())
	}
}

// TestSessionPlayerClosed: the player's core shut down under the session
// (the user closed the video window): the playback ends as a quit.
func TestSessionPlayerClosed(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(clip))
	h := startFake(t, []string{good.URL}, Options{})
	wait := h.runAside(t, context.Background())
	h.begin(h.fake.nextLoad())
	h.play(time.Second)
	h.fake.close()
	out, evs := wait()
	ends := only(evs, events.End)
	if out != Played || len(ends) != 1 || ends[0].Reason != "quit" || ends[0].Position != time.Second {
		t.Fatalf("outcome %v, ends %+v; evs:\n%s", out, ends, describe(evs))
	}
}

// TestSessionReplayAfterTheEnd: a session that stays open plays the clip
// again from its start when asked after the end (space in the TUI), and
// its ticks say the speed and that the clip is not live.
func TestSessionReplayAfterTheEnd(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(clip))
	h := startFake(t, []string{good.URL}, Options{StayOpen: true})
	wait := h.runAside(t, context.Background())
	h.begin(h.fake.nextLoad())
	tick, ok := h.next(waitLong, kind(events.Tick))
	if !ok || tick.Speed != 1 || tick.Live || tick.Behind != 0 {
		t.Fatalf("tick %+v: a tick of a clip at normal speed says otherwise", tick)
	}
	h.playToTheEnd()
	if _, ok := h.next(waitLong, kind(events.End)); !ok {
		t.Fatal("no end")
	}
	h.sess.Replay()
	again := h.fake.nextLoad()
	if again.start != 0 {
		t.Fatalf("the replay loaded at %v", again.start)
	}
	h.begin(again)
	h.play(time.Second)
	h.sess.Quit()
	out, evs := wait()
	ends := only(evs, events.End)
	if out != Played || len(ends) != 2 || ends[0].Reason != events.ReasonEOF || ends[1].Reason != events.ReasonQuit {
		t.Fatalf("outcome %v, ends %+v; evs:\n%s", out, ends, describe(evs))
	}
	if s := only(evs, events.Start); len(s) != 2 || s[1].Position != 0 {
		t.Errorf("start evs %+v, want the replay's from 0", s)
	}
}

// TestSessionLiveEndFailsOverToTheLiveEdge: a live stream's end is its
// host's death; the next host is joined at the live edge, not at the
// position, and no start carries a duration.
func TestSessionLiveEndFailsOverToTheLiveEdge(t *testing.T) {
	t.Parallel()
	a := hosttest.Keep(t)(loopback.Good(clip))
	b := hosttest.Keep(t)(loopback.Good(clip))
	h := startFake(t, []string{a.URL, b.URL}, Options{})
	wait := h.runAside(t, context.Background())
	live := func(l loaded) {
		h.fake.emit(player.Event{Kind: player.EventLoaded, URL: l.url, Live: true})
		h.fake.emit(player.Event{Kind: player.EventStart, URL: l.url, Position: 10 * time.Second, Live: true})
	}
	live(h.fake.nextLoad())
	h.play(2 * time.Second)
	h.fake.emit(player.Event{Kind: player.EventEnd, Reason: player.ReasonEOF, Position: 12 * time.Second, Live: true})
	l := h.fake.nextLoad()
	if l.url != b.URL+"/clip.mp4" || l.start != 0 {
		t.Fatalf("load after the live end %+v, want b at the live edge (start 0)", l)
	}
	live(l)
	h.play(time.Second)
	h.sess.Quit()
	out, evs := wait()
	f := only(evs, events.Failover)
	if out != Played || len(f) != 1 || f[0].Class != events.ClassEarlyEOF || f[0].Err != "live stream ended" {
		t.Fatalf("outcome %v, failovers %+v; evs:\n%s", out, f, describe(evs))
	}
	for _, s := range only(evs, events.Start) {
		if s.Duration != 0 {
			t.Errorf("start from %s has duration %v; a live stream has none", s.Host, s.Duration)
		}
	}
}

// TestSessionUserSwitchesAreNoFailoversWithoutProgress: n pressed many
// times in a row, each taken up before the clip plays far, is the user's
// choice, not a clip that no host can play: the session never gives up
// over it, and the clip plays to its end.
func TestSessionUserSwitchesAreNoFailoversWithoutProgress(t *testing.T) {
	t.Parallel()
	a := hosttest.Keep(t)(loopback.Good(clip))
	b := hosttest.Keep(t)(loopback.Good(clip))
	h := startFake(t, []string{a.URL, b.URL}, Options{})
	wait := h.runAside(t, context.Background())
	h.begin(h.fake.nextLoad())
	// Well past the limit of failovers without progress (3 per host).
	switches := 4*maxFailoversPerHost*2 + 1
	for i := range switches {
		h.play(watchInterval)
		if i%2 == 0 {
			h.sess.FailoverNow(false) // n
		} else {
			h.sess.FailHost(-1) // x on the serving host
		}
		l, ok := h.fake.nextLoadOrEnd()
		if !ok {
			_, evs := wait()
			t.Fatalf("the session ended after %d switches by the user; evs:\n%s", i+1, describe(evs))
		}
		h.begin(l)
	}
	h.playToTheEnd()
	out, evs := wait()
	if out != Played {
		t.Fatalf("outcome %v, want Played; evs:\n%s", out, describe(evs))
	}
	if f := only(evs, events.Failed); len(f) != 0 {
		t.Errorf("failed events %+v after switches by the user", f)
	}
	if n := len(only(evs, events.Failover)); n != switches {
		t.Errorf("%d failovers, want %d", n, switches)
	}
	endsAtTheEnd(t, evs)
}
