package playback

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/clock"
	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/player"
)

// The unit tier of the session's tests: the engine resolves over real
// loopback hosts, but the player is fakePlayer and the time a fake
// clock, so the session's logic (failover, the stall watchdog, early
// ends, replay, playlists, quit) runs in milliseconds without libmpv.
// The test plays the part of mpv: it waits for the session's loads and
// answers with the events mpv would send.

// waitLong bounds a wait that only a bug makes long.
const waitLong = 20 * time.Second

// fakePlayer stands in for libmpv behind the session's Player interface.
// It plays nothing: the test says what it reports (a first frame,
// progress, an end) and reads what the session asked of it.
type fakePlayer struct {
	t      testing.TB
	mu     sync.Mutex
	opts   [][2]string // the stream options in force
	probe  player.DemuxerProbe
	loads  []loaded
	url    string        // the latest load's
	pos    time.Duration // the position last reported for it
	dur    time.Duration // its duration as last reported: 0 when live
	live   bool
	stops  int
	queue  []delivery // for the session, in order
	closed bool       // Close was called: out closes once the queue is empty

	wake      chan struct{} // capacity 1: the queue changed
	out       chan player.Event
	loaded    chan loaded   // each load, for the test to wait on
	sessionUp chan struct{} // closed when Run has returned
	gone      chan struct{} // closed when the test ends
}

// delivery is one event for the session; taken is closed once the
// session has received it.
type delivery struct {
	ev    player.Event
	taken chan struct{}
}

// syncURL belongs to no load: the session ignores an event of it, so it
// marks a point in the stream of events.
const syncURL = "fake:sync"

func newFakePlayer(t testing.TB) *fakePlayer {
	p := &fakePlayer{t: t, wake: make(chan struct{}, 1), out: make(chan player.Event),
		loaded: make(chan loaded, 64), sessionUp: make(chan struct{}), gone: make(chan struct{})}
	t.Cleanup(func() { close(p.gone) })
	go p.pump()
	return p
}

// pump hands the queue to the session one event at a time: the channel is
// unbuffered, so a delivery is taken when the session has received it.
func (p *fakePlayer) pump() {
	for {
		p.mu.Lock()
		if len(p.queue) == 0 {
			closed := p.closed
			p.mu.Unlock()
			if closed {
				close(p.out)
				return
			}
			select {
			case <-p.wake:
				continue
			case <-p.gone:
				return
			}
		}
		d := p.queue[0]
		p.queue = p.queue[1:]
		p.mu.Unlock()
		select {
		case p.out <- d.ev:
			if d.taken != nil {
				close(d.taken)
			}
		case <-p.gone:
			return
		}
	}
}

func (p *fakePlayer) push(d delivery) {
	p.mu.Lock()
	p.queue = append(p.queue, d)
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Load, SetStreamOptions, SetDemuxerProbe, Events, Position and Stop are
// the Player interface.

func (p *fakePlayer) Load(url string, start time.Duration) error {
	p.mu.Lock()
	l := loaded{url, start, p.opts, p.probe}
	p.loads = append(p.loads, l)
	p.url, p.pos = url, start
	p.mu.Unlock()
	p.loaded <- l
	return nil
}

func (p *fakePlayer) SetStreamOptions(pairs [][2]string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.opts = pairs
	return nil
}

func (p *fakePlayer) SetDemuxerProbe(pr player.DemuxerProbe) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.probe = pr
	return nil
}

func (p *fakePlayer) Events() <-chan player.Event { return p.out }

func (p *fakePlayer) Position() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pos
}

// Stop ends the file as mpv does: with an end of reason stop, later.
func (p *fakePlayer) Stop() error {
	p.mu.Lock()
	p.stops++
	url := p.url
	p.mu.Unlock()
	if url != "" {
		p.push(delivery{ev: player.Event{Kind: player.EventEnd, URL: url, Reason: player.ReasonStop, Position: p.Position()}})
	}
	return nil
}

func (p *fakePlayer) Loads() []loaded {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]loaded(nil), p.loads...)
}

// close shuts the player down as a closed video window does: its events
// end.
func (p *fakePlayer) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.push(delivery{ev: player.Event{URL: syncURL}})
}

// nextLoad waits for the session's next load.
func (p *fakePlayer) nextLoad() loaded {
	p.t.Helper()
	select {
	case l := <-p.loaded:
		return l
	case <-p.sessionUp:
		p.t.Fatal("the session ended without another load")
	case <-time.After(waitLong):
		p.t.Fatalf("no load within %v", waitLong)
	}
	return loaded{}
}

// emit reports ev for the latest load (its URL filled in) and returns once
// the session has handled it, or has ended.
func (p *fakePlayer) emit(ev player.Event) {
	p.t.Helper()
	p.mu.Lock()
	if ev.URL == "" {
		ev.URL = p.url
	}
	if ev.URL == p.url && (ev.Kind == player.EventProgress || ev.Kind == player.EventStart || ev.Position > 0) {
		p.pos = ev.Position
	}
	if ev.URL == p.url && (ev.Kind == player.EventLoaded || ev.Kind == player.EventStart) {
		p.dur, p.live = ev.Duration, ev.Live
	}
	p.mu.Unlock()
	if ev.Speed == 0 {
		ev.Speed, ev.Volume = 1, 100
	}
	p.push(delivery{ev: ev})
	p.sync()
}

// sync returns once the session has handled everything the player sent
// so far (and whatever it received before: a watchdog tick), or has ended.
func (p *fakePlayer) sync() {
	p.t.Helper()
	taken := make(chan struct{})
	p.push(delivery{ev: player.Event{URL: syncURL}, taken: taken})
	select {
	case <-taken:
	case <-p.sessionUp:
	case <-time.After(waitLong):
		p.t.Fatalf("the session took no event for %v", waitLong)
	}
}

// clipEnd is the test clip's length, as mpv reports it.
const clipEnd = assets.ClipDuration

// startFake starts a session of the unit tier over hosts: a fake player
// and a fake clock shared by the session and the engine. tune, when
// given, changes the engine's options.
func startFake(t *testing.T, hosts []string, opts Options, tune ...func(*cluster.Options)) *harness {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	p := newFakePlayer(t)
	h := newHarness(t, hosts, opts, p, clk, tune...)
	h.fake, h.clk = p, clk
	return h
}

// runAside runs the session on its own goroutine while the test plays
// mpv's part; wait returns the outcome and every public event once the
// session has ended.
func (h *harness) runAside(t *testing.T, ctx context.Context) (wait func() (Outcome, []events.Event)) {
	t.Helper()
	outc := make(chan Outcome, 1)
	go func() {
		out := h.sess.Run(ctx)
		close(h.fake.sessionUp)
		outc <- out
	}()
	return func() (Outcome, []events.Event) {
		t.Helper()
		select {
		case out := <-outc:
			h.engine.Events().Close()
			<-h.done
			return out, h.evs
		case <-time.After(waitLong):
			h.sess.Quit()
			t.Fatalf("the session still runs after %v", waitLong)
			return 0, nil
		}
	}
}

// begin answers a load as mpv does once the clip shows its first frame:
// loaded, then start, at the load's position.
func (h *harness) begin(l loaded) {
	h.fake.emit(player.Event{Kind: player.EventLoaded, URL: l.url, Position: l.start, Duration: clipEnd})
	h.fake.emit(player.Event{Kind: player.EventStart, URL: l.url, Position: l.start, Duration: clipEnd})
}

// reported is a progress event of the latest load, as mpv would send it.
func (p *fakePlayer) reported(pos time.Duration) player.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	return player.Event{Kind: player.EventProgress, Position: pos, Duration: p.dur, Live: p.live, Cache: 2 * time.Second}
}

// play moves the clock and the position on together by d, a watchdog
// interval at a time: the clip plays. d is a whole number of intervals.
func (h *harness) play(d time.Duration) {
	for range d / watchInterval {
		h.clk.Advance(watchInterval)
		h.fake.emit(h.fake.reported(h.fake.Position() + watchInterval))
	}
}

// stall moves the clock on by d, a whole number of watchdog intervals,
// with the position where it is: mpv waits for data (paused-for-cache)
// that does not come.
func (h *harness) stall(d time.Duration) {
	ev := h.fake.reported(h.fake.Position())
	ev.Buffering, ev.Cache = true, 0
	h.fake.emit(ev)
	for range d / watchInterval {
		h.clk.Advance(watchInterval)
		h.fake.sync()
	}
}

// playToTheEnd plays to the clip's end and reports the end of file.
func (h *harness) playToTheEnd() {
	h.play(clipEnd - h.fake.Position())
	h.fake.emit(player.Event{Kind: player.EventEnd, Reason: player.ReasonEOF, Position: clipEnd - 40*time.Millisecond, Duration: clipEnd})
}

// fail ends the file as mpv does when the host fails: an error, or (a cut
// connection with ffmpeg's reconnects off) an end of file where the data
// ran out.
func (h *harness) fail(reason string) {
	ev := h.fake.reported(h.fake.Position())
	ev.Kind, ev.Reason, ev.Cache = player.EventEnd, reason, 0
	if reason == player.ReasonError {
		ev.Err = errors.New("loading failed")
	}
	h.fake.emit(ev)
}

// nextLoadOrEnd is nextLoad for a test that does not know whether the
// session loads again: false when it ended instead.
func (p *fakePlayer) nextLoadOrEnd() (loaded, bool) {
	p.t.Helper()
	select {
	case l := <-p.loaded:
		return l, true
	case <-p.sessionUp:
		select {
		case l := <-p.loaded:
			return l, true
		default:
			return loaded{}, false
		}
	case <-time.After(waitLong):
		p.t.Fatalf("no load within %v", waitLong)
	}
	return loaded{}, false
}

// armed waits until exactly n timers wait on the fake clock: the
// session's watchdog, and the engine's attempts, head start or wait
// before a pass.
func (h *harness) armed(t *testing.T, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	if err := h.clk.BlockUntil(ctx, n); err != nil {
		t.Fatal(err)
	}
}

// settle returns once every event published so far has been recorded,
// so that a test can tell that one did not come.
func (h *harness) settle(t *testing.T) {
	t.Helper()
	const mark = "test: settled"
	h.engine.Events().Publish(events.Event{Kind: events.Notice, Index: -1, Message: mark})
	if _, ok := h.next(waitLong, func(ev events.Event) bool { return ev.Kind == events.Notice && ev.Message == mark }); !ok {
		t.Fatal("the event stream did not settle")
	}
}

// recorded is a copy of the public events so far.
func (h *harness) recorded() []events.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]events.Event(nil), h.evs...)
}
