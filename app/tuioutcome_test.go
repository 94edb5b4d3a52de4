package app

import (
	"testing"

	"clusterplay/events"
	"clusterplay/playback"
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
		{"replayed after a failure", []events.Event{start, end(events.ReasonError), start, end(events.ReasonEOF)}, playback.Played},
		{"another clip no host has", []events.Event{start, end(events.ReasonEOF), failed}, playback.AllFailed},
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
