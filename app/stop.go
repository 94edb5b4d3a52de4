package app

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
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
}

func newStopper() *stopper {
	ctx, cancel := context.WithCancel(context.Background())
	s := &stopper{ctx: ctx, cancel: cancel, sigs: make(chan os.Signal, 4)}
	// Asking for SIGPIPE turns a write to a closed stdout into an EPIPE
	// error that the printer reports, instead of a death that would lose
	// the session's failure memory.
	signal.Notify(s.sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	go func() {
		for sig := range s.sigs {
			switch sig {
			case syscall.SIGHUP:
				s.noteSignal(sig)
				s.stop(exitHangup)
			case syscall.SIGPIPE:
				// Seen as the printer's write error, which stops the run.
			default:
				s.noteSignal(sig)
				s.stop(exitInterrupted)
			}
		}
	}()
	return s
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
