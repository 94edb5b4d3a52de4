package app

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// Exit codes of a run stopped from outside, as a shell reports a process
// killed by the signal (128 + its number), so scripts see what they expect.
const (
	exitHangup      = 129 // SIGHUP: the terminal closed, an SSH session dropped
	exitInterrupted = 130 // Ctrl-C or SIGTERM
	exitBrokenPipe  = 141 // the events' reader went away (EPIPE)
)

// stopper turns a signal or a broken output into a cancelled context and
// the exit code that says why. The first cause wins. Every cause ends the
// run the same way a quit does: one end event, the failure memory
// written, mpv stopped.
type stopper struct {
	ctx    context.Context
	cancel context.CancelFunc
	sigs   chan os.Signal
	mu     sync.Mutex
	code   int       // 0 until stopped
	signal os.Signal // the signal that stopped the run, if one did
	// late hears the signals that come once the run's work is done and
	// only its last words (the report) are left; nil before.
	late chan os.Signal
	// exitNow ends the process; os.Exit but in tests. grace is
	// lateGrace but in tests.
	exitNow func(code int)
	grace   time.Duration
}

func newStopper() *stopper {
	ctx, cancel := context.WithCancel(context.Background())
	s := &stopper{ctx: ctx, cancel: cancel, sigs: make(chan os.Signal, 4), exitNow: os.Exit, grace: lateGrace}
	// Asking for SIGPIPE turns a write to a closed stdout into an EPIPE
	// error that the printer reports, instead of a death that would lose
	// the session's failure memory.
	signal.Notify(s.sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	go func() {
		for sig := range s.sigs {
			s.handle(sig)
		}
	}()
	return s
}

// handle acts on one signal. The first stops the run, which then ends as
// a quit does. One that comes while the last words are written ends them
// (see lastWords). Another after the first ends the process at once,
// whatever it is waiting for: the user has asked twice.
func (s *stopper) handle(sig os.Signal) {
	if sig == syscall.SIGPIPE {
		return // seen as the printer's write error, which stops the run
	}
	s.mu.Lock()
	late, again := s.late, s.code != 0 && s.signal != nil
	s.mu.Unlock()
	switch {
	case late != nil:
		select {
		case late <- sig:
		default:
		}
	case again:
		s.exitNow(s.exit())
	default:
		s.noteSignal(sig)
		s.stop(signalCode(sig))
	}
}

// signalCode is the exit code of a run a signal stopped.
func signalCode(sig os.Signal) int {
	if sig == syscall.SIGHUP {
		return exitHangup
	}
	return exitInterrupted
}

// lateGrace is how long the last words may block once a signal has
// stopped the run: a report whose reader takes nothing must not keep a
// process that was told to stop.
const lateGrace = 3 * time.Second

// lastWords runs write, the run's last step once its work is done (the
// report), and returns the exit code and write's error. A signal still
// ends the process there: one that comes while write blocks returns at
// once with the signal's code, and when a signal stopped the run before,
// write has lateGrace. Either way write is left blocked (on a named pipe
// nobody empties, a stdout nobody reads) for the process's exit to end.
func (s *stopper) lastWords(code int, write func() error) (int, error) {
	late := make(chan os.Signal, 1)
	s.mu.Lock()
	s.late = late
	signalled := s.signal
	s.mu.Unlock()
	done := make(chan error, 1)
	go func() { done <- write() }()
	var grace <-chan time.Time
	if signalled != nil {
		t := time.NewTimer(s.grace)
		defer t.Stop()
		grace = t.C
	}
	select {
	case err := <-done:
		return code, err
	case sig := <-late:
		return signalCode(sig), fmt.Errorf("%v came while it was being written", sigName(sig))
	case <-grace:
		return code, fmt.Errorf("not taken within %v of %v", s.grace, sigName(signalled))
	}
}

// sigName is how a signal is named in a message: SIGTERM, not
// "terminated".
func sigName(sig os.Signal) string {
	switch sig {
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	case os.Interrupt:
		return "SIGINT"
	}
	return sig.String()
}

// stop ends the run with code, unless another cause came first.
func (s *stopper) stop(code int) {
	s.mu.Lock()
	if s.code == 0 {
		s.code = code
	}
	s.mu.Unlock()
	s.cancel()
}

func (s *stopper) noteSignal(sig os.Signal) {
	s.mu.Lock()
	if s.signal == nil {
		s.signal = sig
	}
	s.mu.Unlock()
}

// waitSignal waits until the run is stopped and returns the signal that
// stopped it (nil for a broken output).
func (s *stopper) waitSignal() os.Signal {
	<-s.ctx.Done()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.signal
}

// brokenOutput is the printer's word that its reader went away.
func (s *stopper) brokenOutput(error) { s.stop(exitBrokenPipe) }

// exit is the code of a run stopped from outside, or interrupted when
// nothing said otherwise.
func (s *stopper) exit() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.code == 0 {
		return exitInterrupted
	}
	return s.code
}

func (s *stopper) close() {
	signal.Stop(s.sigs)
	close(s.sigs)
	s.cancel()
}
