package ui

import (
	"time"

	"clusterplay/events"

	tea "charm.land/bubbletea/v2"
)

// The TUI's own messages. Each one is the result of a command: all I/O (the
// event channel, the Controller) happens inside commands, and Update only
// folds these results into the model.

// eventMsg carries one engine or playback event from the events channel.
type eventMsg struct{ ev events.Event }

// eventsClosedMsg says the events channel was closed; nothing more will come.
type eventsClosedMsg struct{}

// clockMsg moves the model's clock, for the countdowns of remembered
// hosts. It asks nobody anything.
type clockMsg struct{ now time.Time }

// actionMsg is the outcome of a Controller call made for a key. A non-empty
// note is logged; a non-nil err is logged as a failure of what.
type actionMsg struct {
	what  string
	note  string
	level level
	err   error
}

// clockInterval paces the countdowns, which show whole seconds.
const clockInterval = 250 * time.Millisecond

// waitForEvent waits for the next event. It yields eventsClosedMsg when the
// channel is closed and nothing when stop is closed first (the program is
// gone), so the goroutine running it never outlives Run.
func waitForEvent(ch <-chan events.Event, stop <-chan struct{}) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case ev, ok := <-ch:
			if !ok {
				return eventsClosedMsg{}
			}
			return eventMsg{ev: ev}
		case <-stop:
			return nil
		}
	}
}

// tickClock waits one interval and reads the clock.
func tickClock() tea.Cmd {
	return tea.Tick(clockInterval, func(t time.Time) tea.Msg { return clockMsg{now: t} })
}

// call runs a Controller method that may fail and reports the outcome.
func call(what string, fn func() error) tea.Cmd {
	return func() tea.Msg {
		return actionMsg{what: what, err: fn()}
	}
}

// do runs a Controller method that cannot fail and logs note afterwards.
func do(note string, l level, fn func()) tea.Cmd {
	return func() tea.Msg {
		fn()
		return actionMsg{note: note, level: l}
	}
}

// tell runs a Controller method that answers in words, and logs them.
func tell(what string, fn func() (string, error)) tea.Cmd {
	return func() tea.Msg {
		note, err := fn()
		return actionMsg{what: what, note: note, level: levelInfo, err: err}
	}
}

// frameMsg carries the pane's next picture from the FrameSource.
type frameMsg struct{ f Frame }

// waitForFrame waits for the next frame; nothing when there is no source
// or once stop is closed or the source is gone.
func waitForFrame(src FrameSource, stop <-chan struct{}) tea.Cmd {
	if src == nil {
		return nil
	}
	return func() tea.Msg {
		if f, ok := src.NextFrame(stop); ok {
			return frameMsg{f: f}
		}
		return nil
	}
}
