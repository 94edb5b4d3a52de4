package app

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"clusterplay/player"
	"clusterplay/ui"
)

// paneLogEnv names a file to which the TUI appends the time of every
// picture it takes for the pane (Unix nanoseconds, one a line): how the
// benchmark counts the pictures shown. Not a setting: a measuring aid.
const paneLogEnv = "CLUSTERPLAY_PANE_LOG"

// paneFrames gives the TUI's pane the player's frames: the same pixels,
// in the TUI's own type, so that ui never imports player.
type paneFrames struct {
	pane *player.Pane
	log  *frameLog // nil unless paneLogEnv is set
}

func (s paneFrames) NextFrame(stop <-chan struct{}) (ui.Frame, bool) {
	f, ok := s.pane.Next(stop)
	if ok {
		s.log.add(time.Now())
	}
	return ui.Frame{Image: f.Image, Aspect: f.Aspect}, ok
}

func (s paneFrames) Resize(w, h int) { s.pane.Resize(w, h) }

// newPaneFrames wraps pn, logging to paneLogEnv's file if it is set. The
// returned function closes the log.
func newPaneFrames(pn *player.Pane, getenv func(string) string) (paneFrames, func(), error) {
	path := getenv(paneLogEnv)
	if path == "" {
		return paneFrames{pane: pn}, func() {}, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return paneFrames{}, nil, fmt.Errorf("%s: %w", paneLogEnv, err)
	}
	l := &frameLog{f: f}
	return paneFrames{pane: pn, log: l}, l.close, nil
}

// frameLog writes each line at once, so a run that is killed still
// leaves its count.
type frameLog struct {
	mu sync.Mutex
	f  *os.File
}

func (l *frameLog) add(t time.Time) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		fmt.Fprintln(l.f, t.UnixNano())
	}
}

func (l *frameLog) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f != nil {
		_ = l.f.Close()
		l.f = nil
	}
}

// trueColor is whether COLORTERM says the terminal takes 24-bit colour,
// the convention terminals follow; without it the pane uses 256 colours.
func trueColor(getenv func(string) string) bool {
	switch strings.ToLower(getenv("COLORTERM")) {
	case "truecolor", "24bit":
		return true
	}
	return false
}
