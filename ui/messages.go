package ui

import (
	"runtime"
	"time"

	"clusterplay/events"

	tea "charm.land/bubbletea/v2"
)

// The TUI's own messages. Each one is the result of a command: all I/O (the
// event channel, the Controller) happens inside commands, and Update only
// folds these results into the model.

// eventMsg carries one engine or playback event from the events channel.
type eventMsg struct{ ev events.Event }

// eventsMsg carries the events that were waiting, in order, and whether
// the channel closed after them.
type eventsMsg struct {
	evs    []events.Event
	closed bool
}

// maxEventBatch bounds the events one message carries, so that keys and
// the clock are still served while a burst is folded in.
const maxEventBatch = 512

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

// waitForEvent waits for the next event, and takes with it those that
// wait behind it: Bubble Tea renders the whole view after each message,
// so a burst (a pass over 2,000 refusing hosts is 4,000 events) costs one
// view, not one an event. It yields eventsClosedMsg when the channel is
// closed and nothing when stop is closed first (the program is gone), so
// the goroutine running it never outlives Run.
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
			return takeWaiting(ch, ev)
		case <-stop:
			return nil
		}
	}
}

// takeWaiting gathers, after first, the events ch has ready now. The
// channel's sender may be between two sends: it is given one chance to
// come back before the batch goes.
func takeWaiting(ch <-chan events.Event, first events.Event) tea.Msg {
	msg := eventsMsg{evs: []events.Event{first}}
	yielded := false
	for len(msg.evs) < maxEventBatch {
		select {
		case ev, ok := <-ch:
			if !ok {
				msg.closed = true
				return msg
			}
			msg.evs, yielded = append(msg.evs, ev), false
		default:
			if yielded {
				return msg
			}
			runtime.Gosched()
			yielded = true
		}
	}
	return msg
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
