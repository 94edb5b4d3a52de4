package player

import (
	"image"
	"sync"
	"time"

	"clusterplay/defaults"
)

// wakeBits say who ended a render wait; the values are cp_wake's in mpvload.h.
type wakeBits int

const (
	wakeMPV wakeBits = 1 // mpv queued a frame, or wants a redraw
	wakeGo  wakeBits = 2 // the pane's own settings changed, or the pacing timer fired
)

// DefaultPaneFPS caps how often the pane takes a new picture: about the
// frame rate of most clips, and what a terminal redraws without falling
// behind (--pane-fps's default, named in defaults).
const DefaultPaneFPS = defaults.PaneFPS

// Frame is one picture for a terminal pane. Image is opaque RGBA of the
// size the pane last asked for (Resize), the video letterboxed in it by mpv
// when the shapes differ; Aspect is the video's display width over height
// (0 when mpv has not said yet), for the UI to plan the next size by. The
// player knows pixels only: how they map to cells is the UI's business.
type Frame struct {
	Image  *image.RGBA
	Aspect float64
}

// Pane renders the video for a picture inside the terminal, through mpv's
// software renderer (vo=libmpv). One goroutine owns the render context: it
// wakes on mpv's update callback, takes every frame off mpv's queue so the
// video output never stalls, but draws at most one every interval, and
// hands the newest drawn frame over a slot that holds one and overwrites:
// a slow reader gets the latest picture, never a backlog.
//
// The render context is made only when the picture first goes to the pane:
// while one exists, mpv's own choice of video output picks libmpv before
// any window, so a Player that starts with a window has none until asked.
type Pane struct {
	m        *mpvHandle
	interval time.Duration
	slot     chan Frame
	gone     chan struct{} // closed by close: Next waits no more
	done     chan struct{} // closed once the render goroutine freed the context

	mu       sync.Mutex // guards the fields below, set by the UI and the event loop
	r        *mpvRender // nil until start
	box      image.Point
	show     bool
	aspect   float64
	redraw   bool // draw at the next wake-up, whatever the pacing says
	lost     bool // mpv's video output went: the picture it held is gone
	stopping bool
}

// newPane makes a Pane that draws or not as show says, with no render
// context yet (see start). fps <= 0 means DefaultPaneFPS.
func newPane(m *mpvHandle, fps int, show bool) *Pane {
	if fps <= 0 {
		fps = DefaultPaneFPS
	}
	return &Pane{m: m, interval: time.Second / time.Duration(fps), slot: make(chan Frame, 1),
		gone: make(chan struct{}), done: make(chan struct{}), show: show}
}

// start creates the render context, once, and the goroutine that owns it.
// mpv's video output must be (re)opened after it, to use it.
func (pn *Pane) start() error {
	pn.mu.Lock()
	defer pn.mu.Unlock()
	switch {
	case pn.stopping:
		return ErrClosed
	case pn.r != nil:
		return nil
	}
	r, err := pn.m.newSWRender()
	if err != nil {
		return err
	}
	pn.r = r
	go pn.run(r)
	return nil
}

// Resize asks for frames of w x h pixels; either one 0 asks for none. The
// current picture is drawn again at once at the new size, even when
// paused.
func (pn *Pane) Resize(w, h int) {
	pn.set(func() bool {
		b := image.Pt(max(0, w), max(0, h))
		if b == pn.box {
			return false
		}
		pn.box = b
		return true
	})
}

// Show turns drawing on or off. Off, frames are still taken from mpv (so
// playback runs as before) but none is drawn.
func (pn *Pane) Show(on bool) {
	pn.set(func() bool {
		if on == pn.show {
			return false
		}
		pn.show = on
		return on
	})
}

// setAspect follows mpv's video-out-params/aspect (event loop).
func (pn *Pane) setAspect(a float64) {
	pn.set(func() bool {
		if a == pn.aspect {
			return false
		}
		pn.aspect = a
		return true
	})
}

// forget says mpv's video output went or changed (the event loop saw its
// parameters go, or SetVideo switched it): until a new frame comes there
// is nothing to redraw, and a redraw would draw black.
func (pn *Pane) forget() {
	pn.set(func() bool {
		pn.lost = true
		return false
	})
}

// set applies change under the lock and, when it asks for a redraw, wakes
// the render goroutine (outside the lock: poke takes the renderer's own).
func (pn *Pane) set(change func() bool) {
	pn.mu.Lock()
	again := change()
	pn.redraw = pn.redraw || again
	r := pn.r
	pn.mu.Unlock()
	if again && r != nil {
		r.poke()
	}
}

// Next waits for a frame newer than the last one returned. It returns
// false once stop is closed or the pane has shut down.
func (pn *Pane) Next(stop <-chan struct{}) (Frame, bool) {
	select {
	case f := <-pn.slot:
		return f, true
	case <-stop:
	case <-pn.gone:
	}
	return Frame{}, false
}

// close stops the render goroutine, which frees the render context; it
// returns once that is done, so the mpv handle may be destroyed next.
// Called once, by Player.Close (or New when it fails).
func (pn *Pane) close() {
	pn.mu.Lock()
	pn.stopping = true
	r := pn.r
	pn.mu.Unlock()
	close(pn.gone)
	if r != nil {
		r.poke()
		<-pn.done
	}
}

// propVideoAspect is the pane's observed property, numbered apart from
// the Player's own list.
const propVideoAspect uint64 = 1 << 16

// startPane makes the Pane of a Player whose picture can go to the
// terminal: always but for VideoNone, so the v key of a window can move
// the picture into the pane. When the picture starts in the pane, the
// render context is made at once (it must exist before the first file
// loads) and vo is set to libmpv again if the user's mpv config, read
// after the options were set, named another output.
func startPane(m *mpvHandle, o Options, configuredVO string) (*Pane, error) {
	if o.video() == VideoNone {
		return nil, nil
	}
	pn := newPane(m, o.PaneFPS, o.video() == VideoTerminal)
	err := m.ObserveProperty(propVideoAspect, "video-out-params/aspect", formatDouble)
	if err == nil && o.video() == VideoTerminal {
		err = pn.start()
		if err == nil && configuredVO != "libmpv" {
			err = m.SetPropertyString("vo", "libmpv")
		}
	}
	if err != nil {
		pn.close()
		return nil, err
	}
	return pn, nil
}

// Pane is the picture for the terminal; nil when video is VideoNone.
func (p *Player) Pane() *Pane { return p.pane }
