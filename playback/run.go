package playback

import (
	"context"
	"fmt"
	"time"

	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/player"
	"clusterplay/relay"
)

// watchInterval is how often the stall watchdog looks; a stall is judged
// to within this much of the stall timeout.
const watchInterval = 200 * time.Millisecond

// run is the state of one Run: what plays, from where, since when. Only
// the Run goroutine touches it.
type run struct {
	*Session
	ctx      context.Context // Run's: cancelling it cancels every resolution
	clip     string
	host     *cluster.Host
	url      string // what the player loaded: the relay's URL, or the host's
	clipURL  string // the clip on the host, as events name it
	relayed  bool   // the load goes through the relay
	duration time.Duration
	position time.Duration
	cache    time.Duration

	playing     bool // a playback is under way: it will close with one end
	started     bool // the current load showed its first frame
	shown       bool // some load of this playback showed a frame
	ended       bool
	endReason   events.Reason // how the playback ended, once ended
	userPaused  bool
	lastAdvance time.Time // position last moved, or a load began, or pause was lifted
	lastWatch   time.Time // the watchdog's last look

	// failovers counts failovers since playback last made real progress;
	// a clip that no host can play for long must end, not go round forever.
	failovers     int
	progressSince time.Duration // where progress is counted from: the load's first frame, or the last reset

	back    directFailBack   // fail-back without the relay (failback.go)
	op      *resolution      // the resolution under way, nil when none
	seq     int              // sequence of the latest resolution; older results are stale
	results chan *resolution // finished resolutions
	stopped chan struct{}    // closed when Run returns

	list   []string // the playlist
	item   int      // the clip of list playing, from 0
	worst  Outcome  // the worst outcome of the list's clips so far
	played bool     // a clip of the list played to its end in this round

	state    events.State // last published state
	lastTick tick
	bitrate  bitrateAverage // the stream's, for the relay (bitrate.go)
}

// Run resolves and plays until the clip ends, the user quits, or no host
// can serve it. It never blocks on a resolution: quit, the context and the
// user's requests are served at any moment. Every playback it begins
// closes with exactly one end event.
func (s *Session) Run(ctx context.Context) Outcome {
	r := &run{Session: s, ctx: ctx, results: make(chan *resolution), stopped: make(chan struct{})}
	defer close(r.stopped)
	defer r.player.Stop()
	defer r.abandon(false)
	r.list = append([]string(nil), s.opts.Clips...)
	if len(r.list) > 0 {
		r.begin(r.list[0], s.opts.Start, AllFailed)
	}
	watchdog := s.clock.NewTicker(watchInterval)
	defer watchdog.Stop()
	for {
		var out Outcome
		var done bool
		select {
		case <-ctx.Done():
			r.quitPlayback()
			return Interrupted
		case <-s.quit:
			r.quitPlayback()
			return Played
		case op := <-r.results:
			if op.seq == r.seq && r.op == op {
				out, done = r.resolved(op)
			}
		case ev, ok := <-r.player.Events():
			if !ok {
				// The core shut down under us: the user closed the window.
				r.quitPlayback()
				return Played
			}
			out, done = r.handle(ev)
		case req := <-s.requests:
			out, done = r.request(req)
		case <-watchdog.C():
			now := r.clock.Now()
			r.sinceStopped(now)
			if r.stalled(now) {
				r.log.Debug("stall judged", "no_progress_s", now.Sub(r.lastAdvance).Seconds(),
					"stall_timeout", r.opts.StallTimeout, "position_s", r.position.Seconds(),
					"first_frame_shown", r.started, "cache_s", r.cache.Seconds())
				out, done = r.failover(events.ClassStall,
					fmt.Sprintf("no progress for %s", r.opts.StallTimeout), true, false)
			}
			r.failBackTick(now)
		}
		if done {
			return out
		}
	}
}

// begin starts a playback of clip at start: the resolution runs aside and
// its result loads the clip. failed is the outcome when no host serves it.
func (r *run) begin(clip string, start time.Duration, failed Outcome) {
	r.log.Debug("playback begins", "clip", clip, "start", start)
	r.clip, r.failovers = clip, 0
	r.host, r.url, r.clipURL, r.duration, r.position, r.cache = nil, "", "", 0, start, 0
	r.playing, r.started, r.shown, r.ended = true, false, false, false
	r.setState(events.StateConnecting)
	r.resolve(&resolution{purpose: forBegin, clip: clip, start: start, failed: failed})
}

// unresolved ends the session after no host could serve the clip to begin
// with (the engine has published failed), or leaves it waiting for the
// user when it stays open. No frame was shown, so no end follows.
func (r *run) unresolved(failed Outcome) (Outcome, bool) {
	r.host, r.url, r.clipURL, r.ended, r.playing = nil, "", "", true, false
	return r.finished(failed)
}

// finished takes the outcome of one clip: the next clip of the playlist
// begins (from the first again with Loop, unless a whole round played
// nothing), else the session waits for the user when it stays open, or
// ends with the worst outcome of the list.
func (r *run) finished(out Outcome) (Outcome, bool) {
	r.worst = worse(r.worst, out)
	if out == Played {
		r.played = true
	}
	next := r.item + 1
	if next >= len(r.list) && r.opts.Loop && r.played {
		next, r.played = 0, false
	}
	if next < len(r.list) {
		r.item = next
		r.begin(r.list[next], 0, AllFailed)
		return 0, false
	}
	if r.opts.StayOpen {
		return 0, false
	}
	return r.worst, true
}

// worse is the outcome a script should hear of two: a playback that
// failed over a host that never answered, over a clip that played.
func worse(a, b Outcome) Outcome {
	rank := map[Outcome]int{Played: 0, AllFailed: 1, PlaybackFailed: 2, Interrupted: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

func (r *run) load(res cluster.Result, start time.Duration) (Outcome, bool) {
	// Every load sets the stream options, so an RTMP host's application
	// never leaks into the load of an HTTP host after it (see stream.go).
	r.host, r.url, r.clipURL, r.position = res.Host, res.URL, res.URL, start
	r.relayed = r.opts.Relay != nil && res.Host.IsHTTP() && res.RTMP == nil
	if r.relayed {
		r.opts.Relay.SetCurrent(res.Host)
		r.url = r.opts.Relay.URL(r.clip)
	} else if res.Host.IsHTTP() && res.RTMP == nil && r.opts.DirectURL != nil {
		r.url = r.opts.DirectURL(r.url)
	}
	r.log.Debug("loading", "host", res.Host.URL, "index", res.Host.Index, "url", res.URL, "relayed", r.relayed, "start", start)
	err := r.player.SetStreamOptions(streamOptions(res))
	if err == nil {
		err = r.player.SetDemuxerProbe(demuxerProbe(res))
	}
	if err == nil {
		err = r.player.Load(r.url, start)
	}
	if err != nil {
		return r.giveUp(events.ClassPlayback, err.Error())
	}
	r.started, r.ended, r.userPaused = false, false, false
	r.back.movedAt = r.clock.Now()
	r.lastAdvance = r.clock.Now()
	return 0, false
}

// handle follows the player. Events of an earlier load, and events that
// arrive while a resolution is under way (the stopped stream's last
// words), are ignored.
func (r *run) handle(ev player.Event) (Outcome, bool) {
	if ev.URL != r.url || r.url == "" {
		return 0, false
	}
	if r.op != nil {
		// The stream plays on while the next host is found: follow its
		// position (the resume point), judge nothing of it.
		if ev.Kind == player.EventProgress && r.started && !ev.Buffering && ev.Position > r.position {
			r.position = ev.Position
			r.tick(ev)
		}
		return 0, false
	}
	switch {
	case ev.Live:
		// mpv's duration of a live stream is made up from its cache; the
		// player reports 0 once it knows, and so must the session, or the
		// death of the host would pass for the end of a clip.
		r.duration = 0
	case ev.Duration > 0:
		r.duration = ev.Duration
	}
	switch ev.Kind {
	case player.EventStart:
		r.started, r.shown = true, true
		r.position = ev.Position
		// Progress counts from this load's first frame: a live rejoin
		// starts again near 0, below any position of the load before.
		r.progressSince = ev.Position
		r.lastAdvance = r.clock.Now()
		h := r.serving()
		r.publish(events.Event{Kind: events.Start, Host: h.URL, Index: h.Index, URL: r.servingURL(),
			Position: ev.Position, Duration: r.duration})
		r.progress(ev)
	case player.EventProgress, player.EventLoaded:
		r.progress(ev)
	case player.EventEnd:
		return r.fileEnded(ev)
	}
	return 0, false
}

func (r *run) progress(ev player.Event) {
	if ev.Paused != r.userPaused {
		r.userPaused = ev.Paused
		r.lastAdvance = r.clock.Now() // a pause is not a stall, nor is the moment after it
	}
	if r.started && ev.Position != r.position {
		r.position = ev.Position
		r.lastAdvance = r.clock.Now()
		if r.position-r.progressSince > 10*time.Second {
			r.failovers, r.progressSince = 0, r.position
		}
	}
	r.cache = ev.Cache
	if r.relayed {
		// The relay judges a slow host only while the player starves.
		r.opts.Relay.SetStarved(r.started && !ev.Paused && (ev.Buffering || ev.Cache < time.Second))
		r.opts.Relay.SetPlayerBuffer(relay.PlayerBuffer{Cached: ev.Cache, Playing: r.started && !ev.Paused, At: r.clock.Now(),
			Bitrate: r.bitrate.add(ev.Bitrate, r.clock.Now()), Duration: r.duration})
	}
	switch {
	case !r.started:
		r.setState(events.StateConnecting)
	case ev.Paused:
		r.setState(events.StatePaused)
	case ev.Buffering:
		r.setState(events.StateBuffering)
	default:
		r.setState(events.StatePlaying)
	}
	r.tick(ev)
}

// fileEnded judges an end of file: the real end of the clip, or a host
// that failed (an error, or a stream cut short, which mpv reports as EOF).
func (r *run) fileEnded(ev player.Event) (Outcome, bool) {
	if ev.Position > 0 {
		r.position = ev.Position
	}
	switch ev.Reason {
	case player.ReasonStop:
		return 0, false // our own Stop, before a failover or a new clip
	case player.ReasonQuit:
		r.quitPlayback()
		return Played, true
	case player.ReasonError:
		msg := "playback error"
		if ev.Err != nil {
			msg = ev.Err.Error()
		}
		r.log.Debug("the player ended the file with an error", "err", msg, "position_s", r.position.Seconds())
		return r.failover(events.ClassPlayback, msg, true, false)
	}
	judged := func(verdict string) {
		r.log.Debug("end of file judged: "+verdict, "position_s", r.position.Seconds(), "duration_s", r.duration.Seconds(),
			"margin_s", r.opts.EarlyEOF.Seconds(), "short_by_s", (r.duration - r.position).Seconds(), "first_frame_shown", r.started)
	}
	switch {
	case r.duration > 0 && r.position < r.duration-r.opts.EarlyEOF:
		judged("early, a cut connection")
		return r.failover(events.ClassEarlyEOF,
			fmt.Sprintf("stream ended at %s of %s", r.position.Round(100*time.Millisecond), r.duration.Round(100*time.Millisecond)), true, false)
	case r.duration == 0:
		// A live stream has no end of its own: its end is the host's. So
		// is an end before the first frame of a stream of no known length.
		msg := "live stream ended"
		if !r.started {
			msg = "stream ended before its first frame"
		}
		judged("no duration: " + msg)
		return r.failover(events.ClassEarlyEOF, msg, true, false)
	}
	judged("the clip's end")
	// The last frame's time is a frame or two short of the duration; a
	// clip that played to its end ends at its end.
	r.position = max(r.position, r.duration)
	r.end(events.ReasonEOF, "", "")
	return r.finished(Played)
}

// end closes the playback under way with its one end event, after the
// state it leaves.
func (r *run) end(reason events.Reason, class events.Class, msg string) {
	if !r.playing {
		return
	}
	r.playing, r.ended, r.endReason = false, true, reason
	r.log.Info("playback ended", "reason", string(reason), "class", string(class), "err", msg,
		"position_s", r.position.Seconds(), "duration_s", r.duration.Seconds())
	r.setState(events.StateEnded)
	ev := events.Event{Kind: events.End, Index: -1, URL: r.servingURL(), Reason: reason, Position: r.position,
		Duration: r.duration, Class: class, Err: msg}
	if h := r.serving(); h != nil {
		ev.Host, ev.Index = h.URL, h.Index
	}
	r.publish(ev)
}

// quitPlayback ends what plays, as the user asked (q, Ctrl-C, SIGTERM):
// a resolution under way is cancelled first and its last events come
// before the end, so that scripts reading the events see end last.
func (r *run) quitPlayback() {
	r.abandon(true)
	if r.url != "" && !r.ended {
		r.position = max(r.position, r.player.Position())
	}
	r.end(events.ReasonQuit, "", "")
}

// stoppedGap is a silence of the watchdog that only a stopped process
// explains (ctrl+z in the TUI, a laptop asleep).
const stoppedGap = 10 * watchInterval

// sinceStopped starts the stall timeout afresh after the process was
// stopped: playback made no progress meanwhile, through no fault of the
// host's. now is when the watchdog looks.
func (r *run) sinceStopped(now time.Time) {
	if !r.lastWatch.IsZero() && now.Sub(r.lastWatch) > stoppedGap {
		r.log.Debug("the process was stopped: the stall timeout starts again", "stopped_s", now.Sub(r.lastWatch).Seconds())
		r.lastAdvance = now
	}
	r.lastWatch = now
}

// stalled: no progress for the stall timeout while playing or loading.
func (r *run) stalled(now time.Time) bool {
	return r.op == nil && r.url != "" && !r.ended && !r.userPaused && now.Sub(r.lastAdvance) > r.opts.StallTimeout
}

// publish stamps ev with the session's clock, so that its events and the
// engine's tell one time.
func (r *run) publish(ev events.Event) {
	if ev.Time.IsZero() {
		ev.Time = r.clock.Now()
	}
	r.bus.Publish(ev)
}

// servingURL is the clip's URL on the serving host.
func (r *run) servingURL() string {
	if h := r.serving(); h != nil && h != r.host {
		if u, err := h.ClipURL(r.clip); err == nil {
			return u
		}
	}
	return r.clipURL
}

// serving is the host the clip comes from: the relay's, when it moved the
// stream since the load, else the one loaded.
func (r *run) serving() *cluster.Host {
	if r.relayed {
		if h := r.opts.Relay.Current(); h != nil {
			return h
		}
	}
	return r.host
}
