package ui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/events"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// waitCalls waits until the fake controller's calls satisfy cond.
func waitCalls(t *testing.T, f *fakeCtrl, cond func([]string) bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		calls, changed := f.watch()
		if cond(calls) {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("controller calls never matched: %q", calls)
		}
	}
}

func contains(want ...string) func([]string) bool {
	return func(calls []string) bool {
		for _, w := range want {
			if !slices.Contains(calls, w) {
				return false
			}
		}
		return true
	}
}

// program runs m in a real tea.Program, as Run does, with keys typed into
// the returned writer. The test calls the returned wait to learn how the
// program ended; the program's goroutine reports, it never fails the test.
func program(t *testing.T, m *Model, width, height int) (keys io.Writer, wait func() error) {
	t.Helper()
	inR, inW := io.Pipe()
	t.Cleanup(func() { inW.Close() })
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), m, inR, &syncBuffer{},
			tea.WithWindowSize(width, height), tea.WithColorProfile(colorprofile.NoTTY))
	}()
	return inW, func() error {
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			return errors.New("the program did not end within 10s")
		}
	}
}

// pressUntil types key again and again until the controller was called
// with call (10 s at most).
func pressUntil(t *testing.T, keys io.Writer, f *fakeCtrl, key, call string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		calls, changed := f.watch()
		if slices.Contains(calls, call) {
			return
		}
		typeKeys(t, keys, key)
		select {
		case <-changed:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("%q never led to %q: calls %q", key, call, calls)
		}
	}
}

// typeKeys writes each key as a terminal sends it, one write per key.
func typeKeys(t *testing.T, w io.Writer, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, err := io.WriteString(w, k); err != nil {
			t.Fatal(err)
		}
	}
}

// TestProgram runs the model in a real tea.Program: events come through
// the channel, keys through the program's input.
func TestProgram(t *testing.T) {
	t.Parallel()
	f := &fakeCtrl{}
	evs := make(chan events.Event)
	defer close(evs)
	m := New(testOptions(), f, evs)
	keys, wait := program(t, m, 80, 24)

	for _, ev := range script() {
		evs <- ev
	}
	tick := events.Event{Time: at(3000), Kind: events.Tick, Index: 2, Host: testHosts[2], State: events.StatePlaying,
		Position: 3 * time.Second, Duration: time.Minute, Volume: 100, Window: true}
	evs <- tick
	// The clip from Options is played at start.
	waitCalls(t, f, contains("play vod/clip.mp4"))

	// The keys below act on what plays, so the tick must be folded. The
	// model takes the events that wait in a batch, so a send that returns
	// does not say so: space is pressed until it pauses, which it does
	// only once the clip plays.
	pressUntil(t, keys, f, " ", "pause")
	typeKeys(t, keys, "\x1b[C", "l", "n", "x", "r")
	waitCalls(t, f, contains("pause", "seek 5s", "lb true", "failover markFailed=false", "failover markFailed=true", "reresolve"))

	typeKeys(t, keys, "q")
	if err := wait(); err != nil {
		t.Fatalf("program: %v", err)
	}
	if got := f.Calls(); got[len(got)-1] != "quit" || strings.Count(strings.Join(got, ","), "quit") != 1 {
		t.Errorf("quit not called exactly once last: %q", got)
	}
	// The program has ended: the model is the test's to read.
	view := ansi.Strip(m.View().Content)
	for _, want := range []string{"load balancing: on", "serving", "clip started: http://127.0.0.1:8003/vod/clip.mp4", "host: http://127.0.0.1:8003"} {
		if !strings.Contains(view, want) {
			t.Errorf("final view lacks %q:\n%s", want, view)
		}
	}
	// The tick reached the model.
	if m.status.Position != 3*time.Second || m.now.IsZero() {
		t.Errorf("tick never folded: %+v now=%v", m.status, m.now)
	}
}

// TestProgramPrompt types a clip into the start prompt through the program.
func TestProgramPrompt(t *testing.T) {
	t.Parallel()
	f := &fakeCtrl{}
	opts := testOptions()
	opts.Clip = ""
	keys, wait := program(t, New(opts, f, nil), 60, 15)
	typeKeys(t, keys, strings.Split("vod/clip.mp4", "")...)
	typeKeys(t, keys, "\r")
	waitCalls(t, f, contains("play vod/clip.mp4"))
	typeKeys(t, keys, "\x03") // ctrl+c
	if err := wait(); err != nil {
		t.Fatalf("program: %v", err)
	}
	if got := f.Calls(); !slices.Equal(got, []string{"play vod/clip.mp4", "quit"}) {
		t.Errorf("calls %q", got)
	}
}

// syncBuffer is an output the program writes while the test may read.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunQuitsOnQ(t *testing.T) {
	t.Parallel()
	f := &fakeCtrl{}
	inR, inW := io.Pipe()
	defer inW.Close()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- Run(context.Background(), testOptions(), f, nil, inR, out) }()

	waitCalls(t, f, contains("play vod/clip.mp4"))
	if _, err := inW.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after q")
	}
	if got := f.Calls(); !slices.Equal(got, []string{"play vod/clip.mp4", "quit"}) {
		t.Errorf("calls %q", got)
	}
	if o := out.String(); !strings.Contains(o, "\x1b[?1049h") || !strings.Contains(o, "\x1b[?1049l") {
		t.Errorf("alternate screen not entered and left")
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	t.Parallel()
	f := &fakeCtrl{}
	evs := make(chan events.Event)
	inR, inW := io.Pipe()
	defer inW.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, testOptions(), f, evs, inR, &syncBuffer{}) }()

	evs <- script()[0] // the program is running and reading evs
	close(evs)         // a closed stream does not end the TUI
	// An end that does not come has no event to wait for: the TUI must
	// still be up after this window.
	select {
	case err := <-done:
		t.Fatalf("Run returned when evs closed: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after cancel: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if slices.Contains(f.Calls(), "quit") {
		t.Errorf("Quit called on cancel: %q", f.Calls())
	}
}
