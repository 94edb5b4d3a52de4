package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"clusterplay/cluster"
)

// The TUI's own messages. Each one is the result of a command: all I/O (the
// event channel, the Controller) happens inside commands, and Update only
// folds these results into the model.

// eventMsg carries one engine or playback event from the events channel.
type eventMsg struct{ ev cluster.Event }

// eventsClosedMsg says the events channel was closed; nothing more will come.
type eventsClosedMsg struct{}

// statusMsg is the result of the periodic status poll.
type statusMsg struct {
	now       time.Time // the tick's time; View derives countdowns from it
	status    Status
	hasWindow bool
	lb        bool
	gen       int // the model's lbGen when the poll was started
}

// initMsg is the first look at the controller, taken once at start.
type initMsg struct {
	hasWindow bool
	lb        bool
}

// lbMsg confirms a load balancing toggle with the controller's new value.
type lbMsg struct{ on bool }

// actionMsg is the outcome of a Controller call made for a key. A non-empty
// note is logged; a non-nil err is logged as a failure of what.
type actionMsg struct {
	what  string
	note  string
	level level
	err   error
}

// statusInterval is how often the controller's Status is polled.
const statusInterval = 250 * time.Millisecond

// waitForEvent waits for the next event. It yields eventsClosedMsg when the
// channel is closed and nothing when stop is closed first (the program is
// gone), so the goroutine running it never outlives Run.
func waitForEvent(ch <-chan cluster.Event, stop <-chan struct{}) tea.Cmd {
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

// pollStatus waits one interval and then asks the controller for a snapshot.
// gen is the load balancing generation at the time of the request: a toggle
// made meanwhile wins over the snapshot's lb.
func pollStatus(ctrl Controller, gen int) tea.Cmd {
	return tea.Tick(statusInterval, func(t time.Time) tea.Msg {
		return statusMsg{
			gen:       gen,
			now:       t,
			status:    ctrl.Status(),
			hasWindow: ctrl.HasWindow(),
			lb:        ctrl.LoadBalancing(),
		}
	})
}

// queryController takes the first look at the controller.
func queryController(ctrl Controller) tea.Cmd {
	return func() tea.Msg {
		return initMsg{hasWindow: ctrl.HasWindow(), lb: ctrl.LoadBalancing()}
	}
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
