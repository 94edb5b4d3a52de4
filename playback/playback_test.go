package playback

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/events"

	"clusterplay/assets"
	"clusterplay/clock"
	"clusterplay/cluster"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
	"clusterplay/player"
)

var clip = map[string][]byte{assets.ClipName: assets.Clip}

// clipRate serves the clip at about 1.3x its bitrate, so a download takes
// most of the clip's duration and a host that dies mid-clip really leaves
// the player short of data.
var clipRate = int64(float64(len(assets.Clip)) / assets.ClipDuration.Seconds() * 1.3)

// harness runs a session: the engine over real loopback hosts, and a
// player that is real headless libmpv (start: the end-to-end tier) or the
// fake, with a fake clock (startFake: the unit tier).
type harness struct {
	engine *cluster.Engine
	mem    *cluster.Memory // the engine's failure memory
	player loadRecorder
	fake   *fakePlayer // the unit tier's player; nil with libmpv
	clk    *clock.Fake // the unit tier's clock; nil with libmpv
	sess   *Session
	mu     sync.Mutex
	evs    []events.Event // the public events, as --json would print them
	seen   chan events.Event
	done   chan struct{}
}

// loadRecorder is a player that tells what the session loaded.
type loadRecorder interface {
	Player
	Loads() []loaded
}

// seenBuffer holds the events no script has read yet. A script reads them
// as they come; only events nobody waits for pile up here.
const seenBuffer = 4096

func start(t *testing.T, hosts []string, opts Options) *harness {
	t.Helper()
	return startWith(t, hosts, opts, NoReconnect)
}

// startWith is start with the player's base stream-lavf-o given, and the
// engine's options tuned.
func startWith(t *testing.T, hosts []string, opts Options, streamLavfO string, tune ...func(*cluster.Options)) *harness {
	t.Helper()
	hosttest.EndToEnd(t, "libmpv")
	p, err := player.New(player.Options{NoVideo: true, StreamLavfO: streamLavfO, NetworkTimeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("libmpv: %v (is libmpv-dev installed? scripts/setup.sh installs it)", err)
	}
	t.Cleanup(func() { p.Close() })
	return newHarness(t, hosts, opts, &recorder{Player: p}, nil, tune...)
}

// newHarness builds the engine over hosts on clk (nil: the real clock),
// its options changed by tune, and a session playing through p.
func newHarness(t *testing.T, hosts []string, opts Options, p loadRecorder, clk clock.Clock, tune ...func(*cluster.Options)) *harness {
	t.Helper()
	copts := cluster.DefaultOptions()
	copts.ConnectTimeout = time.Second
	copts.FailureExpiry = 30 * time.Second
	copts.Clock = clk
	for _, change := range tune {
		change(&copts)
	}
	specs := make([]cluster.HostSpec, len(hosts))
	for i, u := range hosts {
		specs[i] = cluster.HostSpec{URL: u}
	}
	mem := cluster.NewMemory()
	engine, err := cluster.New(specs, copts, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Clip == "" {
		opts.Clip = assets.ClipName
	}
	h := &harness{engine: engine, mem: mem, player: p, seen: make(chan events.Event, seenBuffer), done: make(chan struct{})}
	h.sess = New(engine, h.player, opts)
	// Internal ticks too: they carry the position, which scripts wait on.
	ch := engine.Events().SubscribeAll()
	go func() {
		defer close(h.done)
		for ev := range ch {
			if !ev.Kind.Internal() {
				h.mu.Lock()
				h.evs = append(h.evs, ev)
				h.mu.Unlock()
			}
			// Never block the stream on a script that stopped reading:
			// run must be able to drain it to the end.
			select {
			case h.seen <- ev:
			default:
			}
		}
	}()
	return h
}

// recorder is the real player, noting what the session asks of it.
type recorder struct {
	*player.Player
	mu    sync.Mutex
	opts  [][2]string // the stream options in force
	probe player.DemuxerProbe
	loads []loaded
}

type loaded struct {
	url   string
	start time.Duration
	opts  [][2]string
	probe player.DemuxerProbe
}

func (r *recorder) SetDemuxerProbe(p player.DemuxerProbe) error {
	r.mu.Lock()
	r.probe = p
	r.mu.Unlock()
	return r.Player.SetDemuxerProbe(p)
}

func (r *recorder) SetStreamOptions(pairs [][2]string) error {
	r.mu.Lock()
	r.opts = pairs
	r.mu.Unlock()
	return r.Player.SetStreamOptions(pairs)
}

func (r *recorder) Load(url string, start time.Duration) error {
	r.mu.Lock()
	r.loads = append(r.loads, loaded{url, start, r.opts, r.probe})
	r.mu.Unlock()
	return r.Player.Load(url, start)
}

func (r *recorder) Loads() []loaded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]loaded(nil), r.loads...)
}

// run plays to the end and returns the outcome and every event.
func (h *harness) run(t *testing.T, limit time.Duration) (Outcome, []events.Event) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	out := h.sess.Run(ctx)
	h.engine.Events().Close()
	<-h.done
	if ctx.Err() != nil {
		t.Fatalf("session still running after %v; evs:\n%s", limit, describe(h.evs))
	}
	return out, h.evs
}

// next returns the first event that match accepts, or false when none
// comes within the time given or the stream has ended without one. Scripts
// call it from their own goroutine, so it reports rather than fails.
func (h *harness) next(within time.Duration, match func(events.Event) bool) (events.Event, bool) {
	deadline := time.After(within)
	for {
		select {
		case ev := <-h.seen:
			if match(ev) {
				return ev, true
			}
		case <-h.done:
			// Everything the stream carried is in seen by now.
			for {
				select {
				case ev := <-h.seen:
					if match(ev) {
						return ev, true
					}
				default:
					return events.Event{}, false
				}
			}
		case <-deadline:
			return events.Event{}, false
		}
	}
}

func kind(k events.Kind) func(events.Event) bool {
	return func(ev events.Event) bool { return ev.Kind == k }
}

// playedFrom matches the first tick that shows host playing at least d
// past from: "let it play for a while", measured in media time, so a
// slow machine does not make the wait too short.
func playedFrom(host string, from, d time.Duration) func(events.Event) bool {
	return func(ev events.Event) bool {
		return ev.Kind == events.Tick && ev.Host == host && ev.Position >= from+d
	}
}

// beside runs script on its own goroutine while the test goroutine runs
// the session. A script that fails quits the session, so the test does not
// wait for its limit; the test calls the returned function once the
// session has ended and fails with the script's error there.
func (h *harness) beside(script func() error) (wait func() error) {
	errc := make(chan error, 1)
	go func() {
		err := script()
		if err != nil {
			h.sess.Quit()
		}
		errc <- err
	}()
	return func() error { return <-errc }
}

func describe(evs []events.Event) string {
	var b strings.Builder
	for _, ev := range evs {
		b.WriteString("  " + string(ev.Kind) + " " + ev.Host + " " + string(ev.Class) + " " + ev.Err + " pos=" + ev.Position.String() + "\n")
	}
	return b.String()
}

func only(evs []events.Event, k events.Kind) []events.Event {
	var out []events.Event
	for _, ev := range evs {
		if ev.Kind == k {
			out = append(out, ev)
		}
	}
	return out
}

// endsAtTheEnd checks the clip played to its end: the last event is end
// with reason eof within 1 s of the duration.
func endsAtTheEnd(t *testing.T, evs []events.Event) {
	t.Helper()
	last := evs[len(evs)-1]
	if last.Kind != events.End || last.Reason != "eof" {
		t.Fatalf("last event %s %s, want end eof; evs:\n%s", last.Kind, last.Reason, describe(evs))
	}
	if d := assets.ClipDuration - last.Position; d < -time.Second || d > time.Second {
		t.Errorf("ended at %v of %v: not within 1s of the end", last.Position, assets.ClipDuration)
	}
}

func TestPlaysThroughClusterWithDeadHosts(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(clip))
	hang := hosttest.Keep(t)(loopback.Hang())
	h := start(t, []string{hosttest.Refused(t), hang.URL, good.URL}, Options{})
	out, evs := h.run(t, 60*time.Second)
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

// TestFailoverWhenHostDies covers the three ways a serving host fails mid-
// clip: the connection is cut, the host is killed, the host stalls with the
// connection open. Each time another host takes over at the same position
// and the clip plays to its end.
func TestFailoverWhenHostDies(t *testing.T) {
	tests := []struct {
		name      string
		serving   func(t *testing.T) *loopback.Host
		fault     func(h *loopback.Host)
		wantClass []events.Class
	}{
		{"connection cut mid-clip",
			func(t *testing.T) *loopback.Host {
				return hosttest.Keep(t)(loopback.CutAfter(clip, int64(len(assets.Clip)/3)))
			},
			nil, []events.Class{events.ClassEarlyEOF, events.ClassPlayback}},
		{"host killed mid-clip",
			func(t *testing.T) *loopback.Host { return hosttest.Keep(t)(loopback.Throttled(clip, clipRate)) },
			(*loopback.Host).Kill, []events.Class{events.ClassEarlyEOF, events.ClassPlayback}},
		{"host stalls mid-clip",
			func(t *testing.T) *loopback.Host { return hosttest.Keep(t)(loopback.Throttled(clip, clipRate)) },
			(*loopback.Host).Stall, []events.Class{events.ClassStall}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			serving := tt.serving(t)
			backup := hosttest.Keep(t)(loopback.Good(clip))
			h := start(t, []string{serving.URL, backup.URL}, Options{StallTimeout: 1500 * time.Millisecond})
			wait := func() error { return nil }
			if tt.fault != nil {
				wait = h.beside(func() error {
					first, ok := h.next(20*time.Second, kind(events.Start))
					if !ok {
						return errors.New("no start from the serving host")
					}
					if _, ok := h.next(20*time.Second, playedFrom(serving.URL, first.Position, 1500*time.Millisecond)); !ok {
						return errors.New("the serving host never played 1.5 s")
					}
					tt.fault(serving)
					return nil
				})
			}
			out, evs := h.run(t, 60*time.Second)
			if err := wait(); err != nil {
				t.Fatalf("%v; evs:\n%s", err, describe(evs))
			}
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
			if !contains(tt.wantClass, f.Class) {
				t.Errorf("failover class %q (%s), want one of %v", f.Class, f.Err, tt.wantClass)
			}
			if f.Position < time.Second || f.Position > assets.ClipDuration-time.Second {
				t.Errorf("failover at %v: not mid-clip", f.Position)
			}
			starts := only(evs, events.Start)
			if len(starts) != 2 {
				t.Fatalf("%d start evs, want 2", len(starts))
			}
			if d := starts[1].Position - f.Position; d < -time.Second || d > time.Second {
				t.Errorf("resumed at %v after failing over at %v", starts[1].Position, f.Position)
			}
			endsAtTheEnd(t, evs)
		})
	}
}

func TestEveryHostDiesMidClip(t *testing.T) {
	a := hosttest.Keep(t)(loopback.CutAfter(clip, int64(len(assets.Clip)/3)))
	b := hosttest.Keep(t)(loopback.CutAfter(clip, int64(len(assets.Clip)/3)))
	h := start(t, []string{a.URL, b.URL}, Options{StallTimeout: 1500 * time.Millisecond})
	out, evs := h.run(t, 90*time.Second)
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
}

func TestAllHostsFailAtStart(t *testing.T) {
	h := start(t, []string{hosttest.Refused(t), hosttest.Refused(t)}, Options{})
	out, evs := h.run(t, 30*time.Second)
	if out != AllFailed {
		t.Fatalf("outcome %v, want AllFailed; evs:\n%s", out, describe(evs))
	}
	if len(only(evs, events.Start)) != 0 {
		t.Error("start event without a host")
	}
}

func TestStartPosition(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(clip))
	h := start(t, []string{good.URL}, Options{Start: 3 * time.Second})
	out, evs := h.run(t, 30*time.Second)
	if out != Played {
		t.Fatalf("outcome %v", out)
	}
	s := only(evs, events.Start)
	if len(s) != 1 || s[0].Position < 2500*time.Millisecond || s[0].Position > 3500*time.Millisecond {
		t.Errorf("start evs %+v, want one at about 3s", s)
	}
	endsAtTheEnd(t, evs)
}

func TestManualFailoverAndQuit(t *testing.T) {
	a := hosttest.Keep(t)(loopback.Throttled(clip, clipRate))
	b := hosttest.Keep(t)(loopback.Throttled(clip, clipRate))
	h := start(t, []string{a.URL, b.URL}, Options{})
	wait := h.beside(func() error {
		first, ok := h.next(20*time.Second, kind(events.Start))
		if !ok {
			return errors.New("no start")
		}
		if _, ok := h.next(20*time.Second, playedFrom(a.URL, first.Position, time.Second)); !ok {
			return errors.New("the first host never played 1 s")
		}
		h.sess.FailoverNow(false)
		resumed, ok := h.next(20*time.Second, kind(events.Start))
		if !ok {
			return errors.New("no start after the switch")
		}
		if _, ok := h.next(20*time.Second, playedFrom(b.URL, resumed.Position, 500*time.Millisecond)); !ok {
			return errors.New("the second host never played 0.5 s")
		}
		h.sess.Quit()
		return nil
	})
	out, evs := h.run(t, 60*time.Second)
	if err := wait(); err != nil {
		t.Fatalf("%v; evs:\n%s", err, describe(evs))
	}
	if out != Played {
		t.Fatalf("outcome %v; evs:\n%s", out, describe(evs))
	}
	f := only(evs, events.Failover)
	if len(f) != 1 || f[0].ToHost != b.URL || f[0].Class != events.ClassSwitch {
		t.Fatalf("failovers %+v; evs:\n%s", f, describe(evs))
	}
	if r, _ := h.mem.Record(a.URL); !r.FailedAt.IsZero() {
		t.Error("a manual switch blamed the host it left")
	}
	last := evs[len(evs)-1]
	if last.Kind != events.End || last.Reason != "quit" {
		t.Errorf("last event %s %s, want end quit", last.Kind, last.Reason)
	}
}

func contains[T comparable](list []T, s T) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestInterruptEndsWithQuit: Ctrl-C (the context cancelled) while playing
// ends the session as interrupted, and the event stream still closes with
// an end of reason quit for scripts that read it.
func TestInterruptEndsWithQuit(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(clip))
	h := start(t, []string{good.URL}, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wait := h.beside(func() error {
		first, ok := h.next(20*time.Second, kind(events.Start))
		if !ok {
			return errors.New("no start")
		}
		if _, ok := h.next(20*time.Second, playedFrom(good.URL, first.Position, 500*time.Millisecond)); !ok {
			return errors.New("the clip never played 0.5 s")
		}
		cancel()
		return nil
	})
	out := h.sess.Run(ctx)
	h.engine.Events().Close()
	<-h.done
	if err := wait(); err != nil {
		t.Fatalf("%v; evs:\n%s", err, describe(h.evs))
	}
	if out != Interrupted {
		t.Fatalf("outcome %v, want Interrupted", out)
	}
	last := h.evs[len(h.evs)-1]
	if last.Kind != events.End || last.Reason != "quit" || last.Position <= 0 {
		t.Errorf("last event %s %s at %v, want end quit mid-clip", last.Kind, last.Reason, last.Position)
	}
}
