package app

import (
	"clusterplay/events"
	"clusterplay/playback"
	"clusterplay/watch"
)

// The TUI's session stays open after a clip ends or no host answers, and
// returns Played when the user quits. A headless run would have ended
// there with 1 or 3; q in the TUI exits as that run would have, so a
// script or a tester reading $? learns the same in both modes. The
// outcome is read from the watch fold, the same reading of the events the
// TUI shows and get_status answers: after a playlist it is the worst of
// its clips (a failed playback over a clip no host answered over one that
// played), as a headless run judges it.

// lastPlayback folds the public events into the outcome of the clips
// played so far.
type lastPlayback struct {
	fold    *watch.Fold
	outcome playback.Outcome // set once done is closed
	done    chan struct{}    // closed once the events' channel is
}

// followPlaybacks folds ch until it is closed.
func followPlaybacks(ch <-chan events.Event) *lastPlayback {
	l := &lastPlayback{fold: watch.New(watch.Options{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		for ev := range ch {
			l.fold.Apply(ev)
		}
		l.outcome = sessionOutcome(l.fold.Outcome())
	}()
	return l
}

// sessionOutcome is the session's word for the fold's outcome.
func sessionOutcome(o watch.Outcome) playback.Outcome {
	switch o {
	case watch.AllFailed:
		return playback.AllFailed
	case watch.PlaybackFailed:
		return playback.PlaybackFailed
	}
	return playback.Played
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
