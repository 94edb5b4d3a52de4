package app

import (
	"clusterplay/events"
	"clusterplay/playback"
)

// The TUI's session stays open after a clip ends or no host answers, and
// returns Played when the user quits. A headless run would have ended
// there with 1 or 3; q in the TUI exits as that run would have, so a
// script or a tester reading $? learns the same in both modes.

// lastPlayback folds the public events into the outcome of the latest
// playback: its end's reason, or a failed resolution that never showed a
// frame.
type lastPlayback struct {
	outcome playback.Outcome
	shown   bool          // a frame was shown since the last end
	done    chan struct{} // closed once the events' channel is
}

// followPlaybacks folds ch until it is closed.
func followPlaybacks(ch <-chan events.Event) *lastPlayback {
	l := &lastPlayback{done: make(chan struct{})}
	go func() {
		defer close(l.done)
		for ev := range ch {
			l.fold(ev)
		}
	}()
	return l
}

func (l *lastPlayback) fold(ev events.Event) {
	switch ev.Kind {
	case events.Start:
		l.shown = true
	case events.Failed:
		// A failed failover is followed by its end, which judges; with
		// no frame shown no end follows: no host answered.
		if !l.shown {
			l.outcome = playback.AllFailed
		}
	case events.End:
		l.shown = false
		l.outcome = playback.Played
		if ev.Reason == events.ReasonError {
			l.outcome = playback.PlaybackFailed
		}
	}
}

// tuiOutcome is the outcome the TUI mode exits with: the session's, unless
// the user quit after a playback that failed. A script's quit CODE (the
// control socket's; -1 none) says it all itself.
func tuiOutcome(session, last playback.Outcome, quitCode int32) playback.Outcome {
	if session == playback.Played && quitCode < 0 {
		return last
	}
	return session
}
