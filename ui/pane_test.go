package ui

import (
	"fmt"
	"image"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// fakeFrames is a FrameSource that records the sizes asked of it; tests
// feed frames straight into Update.
type fakeFrames struct {
	mu    sync.Mutex
	boxes []image.Point
	gone  chan struct{}
}

func newFakeFrames(t *testing.T) *fakeFrames {
	f := &fakeFrames{gone: make(chan struct{})}
	t.Cleanup(func() { close(f.gone) })
	return f
}

func (f *fakeFrames) NextFrame(stop <-chan struct{}) (Frame, bool) {
	select {
	case <-stop:
	case <-f.gone:
	}
	return Frame{}, false
}

func (f *fakeFrames) Resize(w, h int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.boxes = append(f.boxes, image.Pt(w, h))
}

func (f *fakeFrames) lastBox() image.Point {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.boxes) == 0 {
		return image.Point{}
	}
	return f.boxes[len(f.boxes)-1]
}

// redBlueFrame is the test clip's picture: 64x36, red left, blue right.
func redBlueFrame() Frame {
	img := image.NewRGBA(image.Rect(0, 0, 64, 36))
	for y := range 36 {
		for x := range 64 {
			c := blue
			if x < 32 {
				c = red
			}
			img.SetRGBA(x, y, c)
		}
	}
	return Frame{Image: img, Aspect: 16.0 / 9}
}

// paneModel is the playing session with the picture in the pane at w x h,
// one frame shown. resize runs the Update's commands, as the program
// would, so the source hears of each size.
func paneModel(t *testing.T, w, h int, display bool) (*Model, *fakeCtrl, *fakeFrames) {
	opts := testOptions()
	opts.Window = false
	opts.Video, opts.Display, opts.TrueColor = VideoTerminal, display, true
	src := newFakeFrames(t)
	opts.Frames = src
	f := &fakeCtrl{}
	m := New(opts, f, nil)
	resize(m, w, h)
	feed(m, script()...)
	status(m, 2000, Status{
		State: "playing", Position: 2 * time.Second, Duration: 6 * time.Second,
		Cache: 4 * time.Second, Host: testHosts[2], Volume: 100,
	}, false, false)
	m.Update(frameMsg{f: redBlueFrame()})
	return m, f, src
}

func resize(m *Model, w, h int) {
	_, cmd := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	exec(m, cmd)
}

// paneLines are the view's lines holding picture cells.
func paneLines(view string) []string {
	var out []string
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, halfBlock) {
			out = append(out, l)
		}
	}
	return out
}

func TestPaneShowsTheFrame(t *testing.T) {
	t.Parallel()
	m, _, src := paneModel(t, 120, 40, false)
	view := m.View().Content
	lines := paneLines(view)
	if len(lines) != 21 || m.plan.paneRows != 21 {
		t.Fatalf("%d picture lines, plan %+v:\n%s", len(lines), m.plan, ansi.Strip(view))
	}
	for _, want := range []string{"38;2;255;0;0", "38;2;0;0;255", "events", "clip started:", "load balancing: off"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, ansi.Strip(view))
		}
	}
	if got := src.lastBox(); got != image.Pt(75, 42) {
		t.Errorf("asked the player for %v, want the 75x42 pixels of a 16:9 picture in the pane's 120x21 cells", got)
	}
	if s := ansi.Strip(view); !strings.Contains(s, "picture in the terminal (v hides it)") || strings.Contains(s, "no display") {
		t.Errorf("start notice wrong:\n%s", s)
	}
}

// TestPaneResize: a new size draws the frame at once at the new size, and
// the player is asked for frames of that size.
func TestPaneResize(t *testing.T) {
	t.Parallel()
	m, _, src := paneModel(t, 120, 40, false)
	before := paneLines(m.View().Content)
	resize(m, 70, 20)
	view := m.View().Content
	after := paneLines(view)
	if len(after) == 0 || len(after) >= len(before) {
		t.Fatalf("picture lines %d at 120x40, %d at 70x20", len(before), len(after))
	}
	for _, l := range strings.Split(view, "\n") {
		if ansi.StringWidth(l) > 70 {
			t.Fatalf("line wider than 70: %q", ansi.Strip(l))
		}
	}
	if got, want := src.lastBox(), fitPicture(70, m.plan.paneRows, 16.0/9); got != want || want.X == 0 {
		t.Errorf("asked for %v, want %v", got, want)
	}
}

func TestVideoKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		display bool
		calls   []string
		notes   []string
	}{
		{"no display: the pane off and on", false, []string{"video off", "video terminal"},
			[]string{"picture off (v shows it)", "picture in the terminal (v hides it)"}},
		{"display: the pane to the window and back", true, []string{"video window", "video terminal"},
			[]string{"picture in a window (v brings it back here)", "picture in the terminal (v moves it to a window)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, f, src := paneModel(t, 120, 40, tc.display)
			press(m, keyOf("v"))
			if paneLines(m.View().Content) != nil || src.lastBox() != (image.Point{}) {
				t.Errorf("pane still shown or still fed after v (box %v)", src.lastBox())
			}
			if s := ansi.Strip(m.View().Content); !strings.Contains(s, tc.notes[0]) {
				t.Errorf("no %q:\n%s", tc.notes[0], s)
			}
			press(m, keyOf("v"))
			if len(paneLines(m.View().Content)) == 0 || src.lastBox() == (image.Point{}) {
				t.Errorf("pane not back after v v (box %v)", src.lastBox())
			}
			if got := f.Calls(); !slices.Equal(got, tc.calls) {
				t.Errorf("calls %q, want %q", got, tc.calls)
			}
			if s := ansi.Strip(m.View().Content); !strings.Contains(s, tc.notes[1]) {
				t.Errorf("no %q:\n%s", tc.notes[1], s)
			}
		})
	}
	// Without a picture (--video none) v says so and calls nothing.
	m, f := newTestModel(testOptions(), 80, 24)
	press(m, keyOf("v"))
	if len(f.Calls()) != 0 || !strings.Contains(ansi.Strip(m.View().Content), "no picture to move") {
		t.Errorf("v without a picture: calls %q\n%s", f.Calls(), ansi.Strip(m.View().Content))
	}
}

// TestPaneEverySize: from 20x8 to 130x45 the screen with a pane fits, and
// the header and the events title stay.
func TestPaneEverySize(t *testing.T) {
	t.Parallel()
	m, _, _ := paneModel(t, 120, 40, false)
	for w := 20; w <= 130; w += 3 {
		for h := 8; h <= 45; h++ {
			resize(m, w, h)
			view := m.View().Content
			lines := strings.Split(view, "\n")
			if len(lines) > h {
				t.Fatalf("%dx%d: %d lines", w, h, len(lines))
			}
			for i, l := range lines {
				if lw := ansi.StringWidth(l); lw > w {
					t.Fatalf("%dx%d: line %d is %d wide: %q", w, h, i, lw, ansi.Strip(l))
				}
			}
			if s := ansi.Strip(view); !strings.Contains(s, "clusterplay") || !strings.Contains(s, "events") {
				t.Fatalf("%dx%d: header or events title gone:\n%s", w, h, s)
			}
		}
	}
}

// Run with -update to rewrite testdata/*.golden.
func TestGoldenPane(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{120, 40}, {100, 30}, {60, 15}, {200, 50}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			t.Parallel()
			m, _, _ := paneModel(t, sz[0], sz[1], false)
			golden.RequireEqual(t, plain(t, m))
		})
	}
}
