package app

import (
	"testing"

	"clusterplay/events"
	"clusterplay/playback"
	"clusterplay/watch"
)

func TestTUIOutcomeOfTheLastPlayback(t *testing.T) {
	start := events.Event{Kind: events.Start, Index: 0}
	failed := events.Event{Kind: events.Failed, Index: -1}
	end := func(r events.Reason) events.Event { return events.Event{Kind: events.End, Index: 0, Reason: r} }
	for _, c := range []struct {
		name string
		evs  []events.Event
		want playback.Outcome
	}{
		{"nothing happened", nil, playback.Played},
		{"no host answered", []events.Event{failed}, playback.AllFailed},
		{"played to the end", []events.Event{start, end(events.ReasonEOF)}, playback.Played},
		{"quit while playing", []events.Event{start, end(events.ReasonQuit)}, playback.Played},
		// The failover's resolution fails, then the playback ends with
		// the error: 3, not 1.
		{"no host took over", []events.Event{start, failed, end(events.ReasonError)}, playback.PlaybackFailed},
		// n or r that found no other host: the stream plays on.
		{"a switch found nobody", []events.Event{start, failed}, playback.Played},
		{"another clip no host has", []events.Event{start, end(events.ReasonEOF), failed}, playback.AllFailed},
		// After a playlist the TUI exits as a headless run does: with
		// the worst of its clips, not the last one's.
		{"a playlist: failed, then played", []events.Event{start, end(events.ReasonError), start, end(events.ReasonEOF)}, playback.PlaybackFailed},
		{"a playlist: no host, then played", []events.Event{failed, start, end(events.ReasonEOF)}, playback.AllFailed},
		{"a playlist: no host, failed, played", []events.Event{failed, start, failed, end(events.ReasonError), start, end(events.ReasonEOF)}, playback.PlaybackFailed},
	} {
		t.Run(c.name, func(t *testing.T) {
			ch := make(chan events.Event, len(c.evs))
			for _, ev := range c.evs {
				ch <- ev
			}
			close(ch)
			l := followPlaybacks(ch)
			<-l.done
			if l.outcome != c.want {
				t.Errorf("outcome %v, want %v", l.outcome, c.want)
			}
		})
	}
}

// The fold's exit code is the one the app exits with for the same
// outcome: the TUI's q and a headless run cannot disagree.
func TestFoldExitCodesAreTheApps(t *testing.T) {
	a := &app{stop: newStopper()}
	defer a.stop.close()
	a.quitCode.Store(-1)
	for _, o := range []watch.Outcome{watch.Played, watch.AllFailed, watch.PlaybackFailed} {
		if got, want := a.exitCode(sessionOutcome(o)), o.ExitCode(); got != want {
			t.Errorf("%v: the app exits %d, the fold says %d", o, got, want)
		}
	}
}

func TestTUIOutcomeMapsToExitCodes(t *testing.T) {
	a := &app{stop: newStopper()}
	defer a.stop.close()
	for _, c := range []struct {
		session, last playback.Outcome
		quitCode      int32
		want          int
	}{
		{playback.Played, playback.Played, -1, exitOK},
		{playback.Played, playback.AllFailed, -1, exitAllFailed},
		{playback.Played, playback.PlaybackFailed, -1, exitPlayback},
		{playback.Played, playback.PlaybackFailed, 4, 4}, // quit 4 from the control socket
		{playback.Interrupted, playback.AllFailed, -1, exitInterrupted},
	} {
		a.quitCode.Store(c.quitCode)
		if got := a.exitCode(tuiOutcome(c.session, c.last, c.quitCode)); got != c.want {
			t.Errorf("session %v, last playback %v, quit code %d: exit %d, want %d", c.session, c.last, c.quitCode, got, c.want)
		}
	}
}
