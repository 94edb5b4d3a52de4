package playback

import (
	"fmt"
	"time"

	"clusterplay/events"
)

// maxFailoversPerHost bounds failovers without progress: each host may be
// tried this many times before the session gives up on the clip.
const maxFailoversPerHost = 3

// failover moves playback to another host at the same position. With
// blame, the serving host is recorded as failed first, so the resolution
// skips it like any failed host; with except, it is left out of this
// resolution without being blamed (a manual switch). The resolution runs
// aside; its result loads the new host (resolved).
func (r *run) failover(class events.Class, msg string, blame, except bool) (Outcome, bool) {
	from := r.serving()
	if from == nil || r.ended {
		return 0, false // nothing plays: nothing to fail over from
	}
	op := &resolution{purpose: forFailover, clip: r.clip, start: r.position, from: from, class: class, msg: msg}
	blame = blame && !r.relayCrowded() // the relay's fault, not the host's (crowded.go)
	if blame {
		op.avoid = from
		op.expiresAt = r.engine.MarkFailed(from)
		// Said now, before the resolution's "skipping" line that it
		// explains; the failover follows once a host is found.
		r.publish(events.Event{Kind: events.HostFailed, Host: from.URL, Index: from.Index, Class: class, Err: msg,
			ExpiresAt: op.expiresAt})
	}
	if except {
		op.except = from
	}
	// A switch the user asked for (n, x) is no failover without progress:
	// only the session's own failovers count toward giving up, or a few
	// presses of n in a row would end the clip in error.
	byUser := class == events.ClassSwitch || class == events.ClassManual
	if !byUser {
		r.failovers++
	}
	limit := maxFailoversPerHost * len(r.engine.Hosts())
	r.log.Info("failover started", "from", from.URL, "index", from.Index, "class", string(class), "err", msg,
		"position_s", r.position.Seconds(), "blame", blame, "expires_at", op.expiresAt, "except", except,
		"failovers_without_progress", r.failovers, "limit", limit)
	if !byUser && r.failovers > limit {
		r.log.Info("too many failovers without progress: giving up", "failovers", r.failovers, "limit", limit,
			"progress_since_s", r.progressSince.Seconds(), "position_s", r.position.Seconds())
		r.publish(events.Event{Kind: events.Failed, Index: -1, Err: "too many failovers without progress"})
		return r.giveUp(class, msg)
	}
	// Make before break: what plays goes on playing while the engine finds
	// the next host (a dead stream has stopped anyway: ffmpeg's reconnects
	// are off), and the load of the new host replaces it. A switch the user
	// asked for (n, x) leaves a stream that still plays, so that no host
	// answering is no reason to stop it.
	op.keepPlaying = byUser
	if !op.keepPlaying {
		r.setState(events.StateConnecting)
	}
	r.resolve(op)
	return 0, false
}

// giveUp ends playback after a failure no host could take over.
func (r *run) giveUp(class events.Class, msg string) (Outcome, bool) {
	_ = r.player.Stop()
	r.end(events.ReasonError, class, msg)
	return r.finished(PlaybackFailed)
}

// request carries out what the user asked for. Each is served at once,
// even while a resolution is under way.
func (r *run) request(req request) (Outcome, bool) {
	switch req.kind {
	case reqFailover:
		switch {
		case r.op != nil && len(r.engine.Hosts()) > 1:
			// A resolution is under way: n moves it on to the next host
			// now rather than waiting on the one it is trying.
			select {
			case r.op.next <- struct{}{}:
			default: // already asked: the resolution has not taken it yet
			}
			r.log.Debug("the resolution under way moved on to the next host by the user")
		case len(r.engine.Hosts()) < 2:
			r.notice("no other host to switch to: playing on")
		default:
			return r.failover(events.ClassSwitch, "switched by the user", false, true)
		}
	case reqFail:
		hosts := r.engine.Hosts()
		if req.index >= len(hosts) {
			r.notice(fmt.Sprintf("no host %d: the cluster has %d", req.index, len(hosts)))
			return 0, false
		}
		if req.index >= 0 && (r.serving() == nil || hosts[req.index] != r.serving() || r.ended) {
			// Not the serving host: remembered as failed, playback goes on.
			h := hosts[req.index]
			r.publish(events.Event{Kind: events.HostFailed, Host: h.URL, Index: h.Index, Class: events.ClassManual,
				Err: "marked failed by the user", ExpiresAt: r.engine.MarkFailed(h)})
			return 0, false
		}
		if r.op != nil {
			r.notice("already switching hosts")
			return 0, false
		}
		return r.failover(events.ClassManual, "marked failed by the user", true, false)
	case reqReresolve:
		if r.clip == "" {
			return 0, false
		}
		at := r.resumeAt()
		r.engine.Forget()
		if r.playing {
			// The same playback goes on from another resolution, and
			// keeps playing until it is found (make before break).
			r.abandon(false)
			r.failovers = 0
			r.resolve(&resolution{purpose: forBegin, clip: r.clip, start: at, failed: PlaybackFailed, keepPlaying: r.started})
			return 0, false
		}
		r.begin(r.clip, at, PlaybackFailed)
	case reqFailBack:
		return r.failBackTo(req.index)
	case reqReplay:
		if r.clip != "" && !r.playing {
			r.begin(r.clip, 0, AllFailed)
		}
	case reqPlay:
		r.playNew(req.clip)
	case reqNextClip, reqPrevClip:
		to := r.item + 1
		if req.kind == reqPrevClip {
			to = r.item - 1
		}
		if r.opts.Loop && len(r.list) > 0 {
			to = (to + len(r.list)) % len(r.list)
		}
		if to < 0 || to >= len(r.list) {
			r.notice(fmt.Sprintf("no clip %d: the list has %d", to+1, len(r.list)))
			return 0, false
		}
		r.item = to
		r.skipTo(to)
	}
	return 0, false
}

// resumeAt is where r (resolve again) takes the clip up: where it got
// to, also after an error ended it, so that no host answering for a while
// never costs the place; from the start after the clip's end; at the
// live edge of a live stream.
func (r *run) resumeAt() time.Duration {
	switch {
	case r.ended && r.endReason == events.ReasonEOF:
		return 0
	case r.shown && r.duration == 0: // live
		return 0
	}
	return r.position
}

// playNew plays another clip: it closes the playback of this one, and is
// the playlist from now on. Make before break: a clip that plays goes on
// playing while a host of the new one is found, and when none answers it
// plays on (newClipFound).
func (r *run) playNew(clip string) {
	if r.playing && r.started && !r.ended {
		r.resolve(&resolution{purpose: forNewClip, clip: clip, failed: AllFailed, keepPlaying: true})
		return
	}
	r.list, r.item = []string{clip}, 0
	r.skipTo(0)
}

// skipTo closes the playback under way (a quit of that clip) and begins
// the list's clip i.
func (r *run) skipTo(i int) {
	r.abandon(true)
	_ = r.player.Stop()
	r.end(events.ReasonQuit, "", "")
	r.begin(r.list[i], 0, AllFailed)
}

// notice tells the person at the screen why a request did nothing.
func (r *run) notice(msg string) {
	r.publish(events.Event{Kind: events.Notice, Index: -1, Message: msg})
}
