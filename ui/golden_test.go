package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"clusterplay/events"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// playingModel is the scripted session at 2 s: host 0 failed, host 1
// remembered, host 2 serving, 12 s into a 60 s clip, no window.
func playingModel(w, h int) (*Model, *fakeCtrl) {
	m, f := newTestModel(testOptions(), w, h)
	feed(m, script()...)
	status(m, 2000, Status{
		State: "playing", Position: 12 * time.Second, Duration: 60 * time.Second,
		Cache: 5 * time.Second, Host: testHosts[2], Volume: 100,
	}, false, false)
	return m, f
}

func promptModel(w, h int) *Model {
	opts := testOptions()
	opts.Clip = ""
	m, _ := newTestModel(opts, w, h)
	status(m, 0, Status{State: "idle", Volume: 100}, true, false)
	return m
}

// Run with -update to rewrite testdata/*.golden.
func TestGoldenPlaying80x24(t *testing.T) {
	t.Parallel()
	m, _ := playingModel(80, 24)
	golden.RequireEqual(t, plain(t, m))
}

func TestGoldenPlaying60x15(t *testing.T) {
	t.Parallel()
	m, _ := playingModel(60, 15)
	golden.RequireEqual(t, plain(t, m))
}

func TestGoldenPrompt60x15(t *testing.T) {
	t.Parallel()
	golden.RequireEqual(t, plain(t, promptModel(60, 15)))
}

func TestGoldenFailover80x24(t *testing.T) {
	t.Parallel()
	m, _ := playingModel(80, 24)
	feed(m,
		failoverEvent(3000, 2, 0),
	)
	status(m, 3250, Status{State: "buffering", Position: 15 * time.Second, Duration: 60 * time.Second, Host: testHosts[0], Volume: 80, Muted: true}, false, true)
	golden.RequireEqual(t, plain(t, m))
}

// TestViewFits checks that no line is wider than the window and that there
// are no more lines than the window is tall, in every screen the TUI has.
func TestViewFits(t *testing.T) {
	t.Parallel()
	sizes := [][2]int{{60, 15}, {80, 24}, {120, 40}, {61, 16}, {100, 20}}
	manyHosts := make([]string, 25)
	for i := range manyHosts {
		manyHosts[i] = fmt.Sprintf("https://edge-%02d.cdn.example.com:8443/really/long/base/path/for/testing", i)
	}
	scenarios := map[string]func(w, h int) *Model{
		"playing": func(w, h int) *Model { m, _ := playingModel(w, h); return m },
		"prompt":  promptModel,
		"ended":   func(w, h int) *Model { m, _ := endedModel(w, h); return m },
		"live at a speed": func(w, h int) *Model {
			m, _ := playingModel(w, h)
			feed(m, events.Event{Time: at(3000), Kind: events.Tick, Index: 2, Host: testHosts[2], State: events.StatePlaying,
				Position: 3 * time.Hour, Live: true, Behind: 12500 * time.Millisecond, Volume: 100, Speed: 0.83})
			return m
		},
		"phases": phasesModel,
		"full help": func(w, h int) *Model {
			m, _ := playingModel(w, h)
			press(m, keyOf("?"))
			return m
		},
		"picture pane": func(w, h int) *Model {
			m, _, _ := paneModel(t, w, h, false)
			return m
		},
		"picture pane, full help": func(w, h int) *Model {
			m, _, _ := paneModel(t, w, h, true)
			press(m, keyOf("?"))
			return m
		},
		"many hosts and lines": func(w, h int) *Model {
			opts := testOptions()
			opts.Hosts = manyHosts
			opts.Notice = strings.Repeat("a very long notice ", 20)
			m, _ := newTestModel(opts, w, h)
			for i := range manyHosts {
				feed(m, connectFailedEvent(i*10, i, manyHosts[i]))
			}
			status(m, 500, Status{State: "paused", Position: 2 * time.Hour, Duration: 3 * time.Hour, Host: manyHosts[24], Volume: 100}, false, true)
			press(m, keyOf("pgup"))
			return m
		},
	}
	for name, build := range scenarios {
		for _, sz := range sizes {
			w, h := sz[0], sz[1]
			t.Run(fmt.Sprintf("%s/%dx%d", name, w, h), func(t *testing.T) {
				t.Parallel()
				m := build(w, h)
				view := m.View().Content
				lines := strings.Split(view, "\n")
				if len(lines) > h {
					t.Errorf("%d lines, window is %d tall:\n%s", len(lines), h, ansi.Strip(view))
				}
				for i, l := range lines {
					if lw := ansi.StringWidth(l); lw > w {
						t.Errorf("line %d is %d wide, window is %d: %q", i, lw, w, ansi.Strip(l))
					}
				}
				// The essentials stay on screen at every size.
				text := ansi.Strip(view)
				for _, want := range []string{"clusterplay", "events"} {
					if !strings.Contains(text, want) {
						t.Errorf("%q not on screen:\n%s", want, text)
					}
				}
				if !m.prompt.active && !strings.Contains(text, "load balancing: ") {
					t.Errorf("load balancing not on screen:\n%s", text)
				}
			})
		}
	}
}

// phasesModel is the scripted session with the attempts' phases: the
// refused host reached only its connect, the serving host every phase.
func phasesModel(w, h int) *Model {
	m, _ := newTestModel(testOptions(), w, h)
	evs := script()
	evs[1].Phases = events.Phases{Connect: 250 * time.Microsecond}
	evs[4].Phases = events.Phases{DNS: 1200 * time.Microsecond, Connect: 310 * time.Microsecond,
		TLS: 4100 * time.Microsecond, TTFB: 38 * time.Millisecond}
	feed(m, evs...)
	status(m, 2000, Status{State: "playing", Position: 12 * time.Second, Duration: 60 * time.Second,
		Cache: 5 * time.Second, Host: testHosts[2], Volume: 100}, true, false)
	return m
}

func TestGoldenPhases80x24(t *testing.T) {
	t.Parallel()
	golden.RequireEqual(t, plain(t, phasesModel(80, 24)))
}

func TestGoldenFullHelp80x24(t *testing.T) {
	t.Parallel()
	m, _ := playingModel(80, 24)
	press(m, keyOf("?"))
	golden.RequireEqual(t, plain(t, m))
}

func TestGoldenManyHosts60x15(t *testing.T) {
	t.Parallel()
	opts := testOptions()
	opts.Hosts = nil
	for i := range 12 {
		opts.Hosts = append(opts.Hosts, fmt.Sprintf("http://edge-%02d.example.com", i))
	}
	m, _ := newTestModel(opts, 60, 15)
	for i := range 9 {
		feed(m, connectFailedEvent(i*10, i, opts.Hosts[i]))
	}
	status(m, 1000, Status{State: "connecting", Volume: 100}, true, false)
	golden.RequireEqual(t, plain(t, m))
}
