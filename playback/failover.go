package playback

import (
	"context"

	"clusterplay/cluster"
	"clusterplay/player"
)

// maxFailoversPerHost bounds failovers without progress: each host may be
// tried this many times before the session gives up on the clip.
const maxFailoversPerHost = 3

// failover moves playback to another host at the same position. With
// blame, the serving host is recorded as failed first, so the resolution
// skips it like any failed host; with except, it is left out of this
// resolution without being blamed (a manual switch).
func (r *run) failover(ctx context.Context, class, msg string, blame, except bool) (Outcome, bool) {
	from := r.host
	if from == nil {
		return 0, false // nothing plays: nothing to fail over from
	}
	pos := r.position
	if blame {
		r.engine.MarkFailed(from)
	}
	r.failovers++
	if r.failovers > maxFailoversPerHost*len(r.engine.Hosts()) {
		r.engine.Emit(cluster.Event{Kind: cluster.EventFailed, Index: -1, Err: "too many failovers without progress"})
		return r.giveUp(class, msg)
	}
	// Stop the dead stream now: mpv would otherwise keep retrying it while
	// the engine resolves.
	_ = r.player.Stop()
	r.update(func(st *Status) { st.State = StateConnecting })

	var res cluster.Result
	var err error
	if except {
		res, err = r.engine.ResolveExcept(ctx, r.clip, from)
	} else {
		res, err = r.engine.Resolve(ctx, r.clip)
	}
	if err != nil {
		if ctx.Err() != nil {
			return Interrupted, true
		}
		return r.giveUp(class, msg)
	}
	r.engine.Emit(cluster.Event{Kind: cluster.EventFailover, Host: from.URL, Index: from.Index,
		ToHost: res.Host.URL, ToIndex: res.Host.Index, URL: res.URL, Position: pos, ErrClass: class, Err: msg})
	start := pos
	if r.duration == 0 {
		start = 0 // live: rejoin at the live edge
	}
	return r.load(res, start)
}

// giveUp ends playback after a failure no host could take over.
func (r *run) giveUp(class, msg string) (Outcome, bool) {
	ev := cluster.Event{Kind: cluster.EventEnd, Host: r.host.URL, Index: r.host.Index, URL: r.url,
		Reason: player.ReasonError, Position: r.position, Duration: r.duration, ErrClass: class, Err: msg}
	r.engine.Emit(ev)
	_ = r.player.Stop()
	r.ended = true
	r.update(func(st *Status) { st.State = StateEnded })
	if r.opts.StayOpen {
		return 0, false
	}
	return PlaybackFailed, true
}

// request carries out what the user asked for.
func (r *run) request(ctx context.Context, req request) (Outcome, bool) {
	switch req.kind {
	case reqQuit:
		r.quit()
		return Played, true
	case reqFailover:
		return r.failover(ctx, cluster.ClassSwitch, "switched by the user", false, true)
	case reqFail:
		return r.failover(ctx, cluster.ClassManual, "marked failed by the user", true, false)
	case reqReresolve:
		at := r.position
		if r.ended || r.duration == 0 {
			at = 0
		}
		_ = r.player.Stop()
		r.engine.Forget()
		return r.begin(ctx, r.clip, at, PlaybackFailed)
	case reqPlay:
		_ = r.player.Stop()
		r.duration = 0
		return r.begin(ctx, req.clip, 0, PlaybackFailed)
	}
	return 0, false
}

// quit ends what plays, as the user asked (q, Ctrl-C): scripts reading the
// events see an end with reason quit either way.
func (r *run) quit() {
	if r.url != "" && !r.ended {
		r.position = max(r.position, r.player.Position())
		r.end(player.ReasonQuit, "")
		r.ended = true
	}
}
