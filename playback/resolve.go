package playback

import (
	"context"
	"fmt"
	"time"

	"clusterplay/cluster"
	"clusterplay/events"
)

// A resolution runs aside from the session loop, so that the loop keeps
// serving quit, Ctrl-C and the keys while the engine races hosts; its
// result comes back to the loop on run.results.

// purpose is what a resolution is for, and so what its result leads to.
type purpose int

const (
	forBegin    purpose = iota // the first load of a clip (or a re-resolve)
	forFailover                // playback moves to another host
	forNewClip                 // another clip, asked for while one plays
)

// resolution is one resolution under way, with what to do with its result.
type resolution struct {
	seq     int
	purpose purpose
	clip    string
	start   time.Duration // where the load that follows begins
	except  *cluster.Host // left out of this resolution (n)
	only    *cluster.Host // the one host of this resolution (a fail-back)
	// avoid is the host a failover blamed: not gone back to while another
	// host may answer (see cluster.ResolveOptions).
	avoid  *cluster.Host
	failed Outcome // the outcome when no host answers
	// next moves the resolution on to the next host (n while it runs).
	next chan struct{}

	// Failover only: the host left, why, and until when it is skipped.
	from      *cluster.Host
	class     events.Class
	msg       string
	expiresAt time.Time
	// keepPlaying: the stream still plays while this resolves (a switch
	// the user asked for, a re-resolve); it resumes where it has got to,
	// and plays on if no host answers.
	keepPlaying bool

	cancel context.CancelFunc
	done   chan struct{} // closed when the engine has returned

	res cluster.Result
	err error
}

// abandonWait bounds how long a quit waits for a cancelled resolution to
// return, so that its last events come before the session's end. The
// racer stops its attempts at once on cancel; this only guards against a
// prober that does not.
const abandonWait = 500 * time.Millisecond

// resolve starts op, abandoning any resolution still under way.
func (r *run) resolve(op *resolution) {
	r.abandon(false)
	r.seq++
	op.seq = r.seq
	octx, cancel := context.WithCancel(r.ctx)
	op.cancel, op.done = cancel, make(chan struct{})
	op.next = make(chan struct{}, 1)
	r.op = op
	o := cluster.ResolveOptions{Next: op.next, Avoid: op.avoid}
	if op.except != nil {
		o.Except = []*cluster.Host{op.except}
	}
	for _, h := range r.engine.Hosts() {
		if op.only != nil && h != op.only {
			o.Except = append(o.Except, h)
		}
	}
	go func() {
		op.res, op.err = r.engine.ResolveWith(octx, op.clip, o)
		close(op.done)
		select {
		case r.results <- op:
		case <-r.stopped:
		}
	}()
}

// abandon cancels the resolution under way, if any. With wait it also
// waits (a little) for the engine to return, so nothing it publishes
// follows what the caller publishes next.
func (r *run) abandon(wait bool) {
	op := r.op
	if op == nil {
		return
	}
	r.op = nil
	op.cancel()
	if wait {
		t := r.clock.NewTimer(abandonWait)
		defer t.Stop()
		select {
		case <-op.done:
		case <-t.C():
		}
	}
}

// resolved takes the result of the resolution under way.
func (r *run) resolved(op *resolution) (Outcome, bool) {
	r.op = nil
	op.cancel()
	if op.purpose == forNewClip {
		return r.newClipFound(op)
	}
	if op.err != nil {
		r.log.Debug("no host answered", "for_failover", op.purpose == forFailover, "err", op.err)
		if op.keepPlaying && r.started && !r.ended {
			r.notice("no other host answered: playing on from " + r.serving().URL)
			return 0, false
		}
		switch {
		case op.purpose == forFailover:
			return r.giveUp(op.class, op.msg)
		case r.shown: // a re-resolve of a clip that was playing
			return r.giveUp(events.ClassPlayback, "no host could resume the clip")
		}
		return r.unresolved(op.failed)
	}
	if op.purpose == forFailover {
		at := op.start
		if op.keepPlaying {
			at = r.position
		}
		r.publish(events.Event{Kind: events.Failover, Host: op.from.URL, Index: op.from.Index,
			ToHost: op.res.Host.URL, ToIndex: op.res.Host.Index, URL: op.res.URL, Position: at,
			Class: op.class, Err: op.msg, ExpiresAt: op.expiresAt})
	}
	start := op.start
	if op.keepPlaying {
		start = r.position // it played on meanwhile
	}
	if (op.purpose == forFailover || op.keepPlaying) && r.duration == 0 {
		start = 0 // live: rejoin at the live edge
	}
	if op.keepPlaying {
		r.setState(events.StateConnecting)
	}
	return r.load(op.res, start)
}

// newClipFound takes the resolution of a clip asked for while another
// played: the one playing ends (quit) and the new one loads, the playlist
// from now on; when no host answered, the one playing plays on.
func (r *run) newClipFound(op *resolution) (Outcome, bool) {
	if op.err != nil {
		r.log.Debug("no host answered the new clip: playing on", "clip", op.clip, "err", op.err)
		r.notice(fmt.Sprintf("no host answered %s: playing on", op.clip))
		return 0, false
	}
	r.end(events.ReasonQuit, "", "")
	r.list, r.item = []string{op.clip}, 0
	r.clip, r.failovers = op.clip, 0
	r.host, r.url, r.clipURL, r.duration, r.cache = nil, "", "", 0, 0
	r.playing, r.started, r.shown, r.ended = true, false, false, false
	r.setState(events.StateConnecting)
	return r.load(op.res, 0)
}
