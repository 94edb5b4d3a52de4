package playback

import (
	"context"
	"fmt"
	"time"

	"clusterplay/cluster"
	"clusterplay/player"
)

// watchInterval is how often the stall watchdog looks; a stall is judged
// to within this much of the stall timeout.
const watchInterval = 200 * time.Millisecond

// run is the state of one Run: what plays, from where, since when.
type run struct {
	*Session
	clip     string
	host     *cluster.Host
	url      string
	duration time.Duration
	position time.Duration

	started     bool
	ended       bool
	userPaused  bool
	lastAdvance time.Time // position last moved, or a load began, or pause was lifted

	// failovers counts failovers since playback last made real progress;
	// a clip that no host can play for long must end, not go round forever.
	failovers     int
	progressSince time.Duration // where progress is counted from: the load's first frame, or the last reset
}

// Run resolves and plays until the clip ends, the user quits, or no host
// can serve it. Events are published on the engine's stream.
func (s *Session) Run(ctx context.Context) Outcome {
	r := &run{Session: s}
	defer r.player.Stop()
	clip := s.opts.Clip
	for clip == "" {
		select {
		case <-ctx.Done():
			return Interrupted
		case req := <-s.requests:
			switch req.kind {
			case reqPlay:
				clip = req.clip
			case reqQuit:
				return Played
			}
		}
	}
	if out, done := r.begin(ctx, clip, s.opts.Start, AllFailed); done {
		return out
	}
	watchdog := time.NewTicker(watchInterval)
	defer watchdog.Stop()
	for {
		var out Outcome
		var done bool
		select {
		case <-ctx.Done():
			r.quit()
			return Interrupted
		case ev, ok := <-r.player.Events():
			if !ok {
				// The core shut down under us: the user closed the window.
				r.end(player.ReasonQuit, "")
				return Played
			}
			out, done = r.handle(ctx, ev)
		case req := <-s.requests:
			out, done = r.request(ctx, req)
		case <-watchdog.C:
			if r.stalled() {
				out, done = r.failover(ctx, cluster.ClassStall,
					fmt.Sprintf("no progress for %s", r.opts.StallTimeout), true, false)
			}
		}
		if done {
			return out
		}
	}
}

// begin resolves clip and loads it at start. When no host serves it, the
// session ends with failed unless it stays open for the user.
func (r *run) begin(ctx context.Context, clip string, start time.Duration, failed Outcome) (Outcome, bool) {
	r.clip = clip
	r.failovers = 0
	r.update(func(st *Status) { *st = Status{State: StateConnecting, Clip: clip} })
	res, err := r.engine.Resolve(ctx, clip)
	if err != nil {
		return r.unresolved(ctx, failed)
	}
	return r.load(res, start)
}

// unresolved ends the session after a resolution failed, or leaves it
// waiting for the user when it stays open.
func (r *run) unresolved(ctx context.Context, failed Outcome) (Outcome, bool) {
	if ctx.Err() != nil {
		return Interrupted, true
	}
	r.host, r.url, r.ended = nil, "", true
	r.update(func(st *Status) { st.State, st.Host, st.URL = StateEnded, "", "" })
	if r.opts.StayOpen {
		return 0, false
	}
	return failed, true
}

func (r *run) load(res cluster.Result, start time.Duration) (Outcome, bool) {
	// Every load sets the stream options, so an RTMP host's application
	// never leaks into the load of an HTTP host after it (see stream.go).
	err := r.player.SetStreamOptions(streamOptions(res))
	if err == nil {
		err = r.player.Load(res.URL, start)
	}
	if err != nil {
		r.engine.Emit(cluster.Event{Kind: cluster.EventEnd, Host: res.Host.URL, Index: res.Host.Index, URL: res.URL,
			Reason: player.ReasonError, ErrClass: cluster.ClassPlayback, Err: err.Error()})
		return PlaybackFailed, true
	}
	r.host, r.url, r.position = res.Host, res.URL, start
	r.started, r.ended, r.userPaused = false, false, false
	r.lastAdvance = time.Now()
	r.update(func(st *Status) {
		st.State, st.Host, st.URL, st.Position, st.Cache = StateConnecting, res.Host.URL, res.URL, start, 0
	})
	return 0, false
}

// handle follows the player. Events of an earlier load are ignored.
func (r *run) handle(ctx context.Context, ev player.Event) (Outcome, bool) {
	if ev.URL != r.url || r.url == "" {
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
		r.started = true
		r.position = ev.Position
		// Progress counts from this load's first frame: a live rejoin
		// starts again near 0, below any position of the load before.
		r.progressSince = ev.Position
		r.lastAdvance = time.Now()
		r.engine.Emit(cluster.Event{Kind: cluster.EventStart, Host: r.host.URL, Index: r.host.Index, URL: r.url,
			Position: ev.Position, Duration: r.duration})
		r.update(func(st *Status) { st.State, st.Position, st.Duration = StatePlaying, ev.Position, r.duration })
	case player.EventProgress, player.EventLoaded:
		r.progress(ev)
	case player.EventEnd:
		return r.fileEnded(ctx, ev)
	}
	return 0, false
}

func (r *run) progress(ev player.Event) {
	if ev.Paused != r.userPaused {
		r.userPaused = ev.Paused
		r.lastAdvance = time.Now() // a pause is not a stall, nor is the moment after it
	}
	if r.started && ev.Position != r.position {
		r.position = ev.Position
		r.lastAdvance = time.Now()
		if r.position-r.progressSince > 10*time.Second {
			r.failovers, r.progressSince = 0, r.position
		}
	}
	state := StateConnecting
	switch {
	case !r.started:
	case ev.Paused:
		state = StatePaused
	case ev.Buffering:
		state = StateBuffering
	default:
		state = StatePlaying
	}
	r.update(func(st *Status) {
		st.State, st.Position, st.Duration, st.Cache = state, r.position, r.duration, ev.Cache
	})
}

// fileEnded judges an end of file: the real end of the clip, or a host
// that failed (an error, or a stream cut short, which mpv reports as EOF).
func (r *run) fileEnded(ctx context.Context, ev player.Event) (Outcome, bool) {
	if ev.Position > 0 {
		r.position = ev.Position
	}
	switch ev.Reason {
	case player.ReasonStop:
		return 0, false // our own Stop, before a failover or a new clip
	case player.ReasonQuit:
		r.end(player.ReasonQuit, "")
		return Played, true
	case player.ReasonError:
		msg := "playback error"
		if ev.Err != nil {
			msg = ev.Err.Error()
		}
		return r.failover(ctx, cluster.ClassPlayback, msg, true, false)
	}
	switch {
	case r.duration > 0 && r.position < r.duration-r.opts.EarlyEOF:
		return r.failover(ctx, cluster.ClassEarlyEOF,
			fmt.Sprintf("stream ended at %s of %s", r.position.Round(100*time.Millisecond), r.duration.Round(100*time.Millisecond)), true, false)
	case r.duration == 0:
		// A live stream has no end of its own: its end is the host's. So
		// is an end before the first frame of a stream of no known length.
		msg := "live stream ended"
		if !r.started {
			msg = "stream ended before its first frame"
		}
		return r.failover(ctx, cluster.ClassEarlyEOF, msg, true, false)
	}
	r.end(player.ReasonEOF, "")
	r.ended = true
	// The last frame's time is a frame or two short of the duration; the
	// bar of a clip that played to its end shows the end.
	r.update(func(st *Status) { st.State, st.Position = StateEnded, max(st.Position, r.duration) })
	if r.opts.StayOpen {
		return 0, false
	}
	return Played, true
}

// end publishes the end of playback.
func (r *run) end(reason, msg string) {
	ev := cluster.Event{Kind: cluster.EventEnd, Index: -1, URL: r.url, Reason: reason, Position: r.position, Duration: r.duration, Err: msg}
	if r.host != nil {
		ev.Host, ev.Index = r.host.URL, r.host.Index
	}
	r.engine.Emit(ev)
}

// stalled: no progress for the stall timeout while playing or loading.
func (r *run) stalled() bool {
	return r.url != "" && !r.ended && !r.userPaused && time.Since(r.lastAdvance) > r.opts.StallTimeout
}
