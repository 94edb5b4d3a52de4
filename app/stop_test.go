package app

import (
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"
)

// testStopper is a stopper whose exit is recorded, not made, and whose
// grace is short.
func testStopper(t *testing.T) (*stopper, <-chan int) {
	s := newStopper()
	t.Cleanup(s.close)
	exits := make(chan int, 1)
	s.exitNow = func(code int) { exits <- code }
	s.grace = 100 * time.Millisecond
	return s, exits
}

func TestLastWordsOfAQuietExit(t *testing.T) {
	s, _ := testStopper(t)
	code, err := s.lastWords(3, func() error { return errors.New("disk full") })
	if code != 3 || err == nil || err.Error() != "disk full" {
		t.Errorf("lastWords = %d, %v; want the run's 3 and write's error", code, err)
	}
}

// TestSignalEndsBlockedLastWords: a report that blocks for ever is left
// to the process's exit when a signal comes, with the signal's code.
func TestSignalEndsBlockedLastWords(t *testing.T) {
	tests := []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGTERM, exitInterrupted}, {syscall.SIGINT, exitInterrupted}, {syscall.SIGHUP, exitHangup}}
	for _, tt := range tests {
		s, exits := testStopper(t)
		block := make(chan struct{})
		go func() {
			time.Sleep(50 * time.Millisecond)
			s.handle(tt.sig)
		}()
		code, err := s.lastWords(0, func() error { <-block; return nil })
		close(block)
		if code != tt.code || err == nil || !strings.Contains(err.Error(), sigName(tt.sig)) {
			t.Errorf("%v: lastWords = %d, %v; want %d and the signal named", tt.sig, code, err, tt.code)
		}
		select {
		case c := <-exits:
			t.Errorf("%v: the process was ended (%d) rather than the report", tt.sig, c)
		default:
		}
	}
}

// TestGraceAfterTheStoppingSignal: when a signal stopped the run, a
// report that blocks has s.grace, then the run ends with its code.
func TestGraceAfterTheStoppingSignal(t *testing.T) {
	s, _ := testStopper(t)
	s.handle(syscall.SIGTERM)
	began := time.Now()
	block := make(chan struct{})
	defer close(block)
	code, err := s.lastWords(s.exit(), func() error { <-block; return nil })
	if code != exitInterrupted || err == nil || !strings.Contains(err.Error(), "SIGTERM") {
		t.Errorf("lastWords = %d, %v; want 130 and the signal named", code, err)
	}
	if took := time.Since(began); took < s.grace {
		t.Errorf("gave up after %v, before the grace of %v", took, s.grace)
	}
	// A report that comes in time is written, signal or not.
	if code, err := s.lastWords(130, func() error { return nil }); code != 130 || err != nil {
		t.Errorf("a prompt report: %d, %v", code, err)
	}
}

// TestSecondSignalEndsTheProcess: the first signal stops the run gently;
// a second one, whatever the run is waiting for, ends the process.
func TestSecondSignalEndsTheProcess(t *testing.T) {
	s, exits := testStopper(t)
	s.handle(syscall.SIGPIPE) // a closed pipe is no signal from a user
	if s.ctx.Err() != nil {
		t.Fatal("SIGPIPE stopped the run")
	}
	s.handle(syscall.SIGHUP)
	if s.ctx.Err() == nil || s.exit() != exitHangup {
		t.Fatalf("SIGHUP: stopped %v, code %d", s.ctx.Err(), s.exit())
	}
	select {
	case c := <-exits:
		t.Fatalf("the first signal ended the process (%d)", c)
	default:
	}
	s.handle(syscall.SIGTERM)
	select {
	case c := <-exits:
		if c != exitHangup {
			t.Errorf("exit %d, want the first cause's %d", c, exitHangup)
		}
	default:
		t.Error("a second signal did not end the process")
	}
}
