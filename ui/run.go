package ui

import (
	"context"
	"errors"
	"io"

	"clusterplay/events"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// Run shows the TUI on out, reading keys from in, until the user quits (q or
// ctrl+c), ctx is cancelled, or the program gets SIGINT/SIGTERM.
//
// in and out default to the process's terminal when nil (stdin, or the
// controlling TTY when stdin is not one; stdout). The TUI draws in the
// alternate screen; on every way out (quit, cancel, signal, panic in a
// command) Bubble Tea leaves the alternate screen, shows the cursor and puts
// the terminal back in the mode it found it.
//
// When events is closed the TUI says so in its log and keeps running until
// the user quits or ctx is cancelled: the caller cancels ctx when the session
// is over and it wants the TUI gone.
//
// ctrl.Quit is called exactly once when the TUI ends on the user's or a
// signal's account; it is not called when ctx is cancelled (the caller is
// already ending the session). Run returns nil in all those cases and an
// error only when the terminal could not be set up or the program failed.
func Run(ctx context.Context, opts Options, ctrl Controller, events <-chan events.Event, in io.Reader, out io.Writer) error {
	return run(ctx, New(opts, ctrl, events), in, out)
}

func run(ctx context.Context, m *Model, in io.Reader, out io.Writer, extra ...tea.ProgramOption) error {
	stop := make(chan struct{})
	defer close(stop) // releases the command waiting on events
	m.stop = stop

	popts := []tea.ProgramOption{tea.WithContext(ctx)}
	if m.opts.TrueColor {
		// COLORTERM said so; inside tmux Bubble Tea would otherwise
		// detect 256 colours and flatten the picture.
		popts = append(popts, tea.WithColorProfile(colorprofile.TrueColor))
	}
	if in != nil {
		popts = append(popts, tea.WithInput(in))
	}
	if out != nil {
		popts = append(popts, tea.WithOutput(out))
	}
	popts = append(popts, extra...)

	_, err := tea.NewProgram(m, popts...).Run()
	switch {
	case ctx.Err() != nil && (err == nil || errors.Is(err, tea.ErrProgramKilled)):
		return nil
	case err == nil, errors.Is(err, tea.ErrInterrupted):
		// q, ctrl+c, SIGINT or SIGTERM: make sure the session stops too.
		if errors.Is(err, tea.ErrInterrupted) && m.opts.Interrupted != nil {
			m.opts.Interrupted()
		}
		if m.quitCalled.CompareAndSwap(false, true) {
			m.ctrl.Quit()
		}
		return nil
	}
	return err
}
