package player

import (
	"image"
	"time"
	"unsafe"
)

// paneSnapshot is what one wake-up of the render goroutine acts on.
type paneSnapshot struct {
	box      image.Point
	show     bool
	aspect   float64
	redraw   bool
	lost     bool
	stopping bool
}

func (pn *Pane) snapshot() paneSnapshot {
	pn.mu.Lock()
	defer pn.mu.Unlock()
	s := paneSnapshot{box: pn.box, show: pn.show, aspect: pn.aspect, redraw: pn.redraw, lost: pn.lost, stopping: pn.stopping}
	pn.redraw, pn.lost = false, false
	return s
}

// run owns the render context from start to free. mpv's rules for it: no
// other libmpv call from this goroutine, nothing it waits for may wait on
// mpv, and every queued frame is taken soon (mpv's video output waits up
// to 200 ms for each one otherwise, and playback stutters).
func (pn *Pane) run(r *mpvRender) {
	defer close(pn.done)
	defer r.free()
	var (
		last    time.Time // when the last frame was drawn
		pending bool      // mpv's newest frame was taken, not drawn yet
		seen    bool      // mpv has given a frame: there is something to draw
		spare   *image.RGBA
	)
	timer := time.AfterFunc(time.Hour, r.poke)
	timer.Stop()
	defer timer.Stop()
	for {
		bits := r.wait()
		s := pn.snapshot()
		if s.stopping {
			return
		}
		if s.lost {
			seen, pending = false, false
		}
		fresh := false
		if bits&wakeMPV != 0 {
			// mpv also wakes the renderer when its video output comes or
			// goes (and once when the callback is set); then there may be
			// no picture left to redraw, only black.
			fresh = r.hasFrame()
			seen, pending = seen && fresh, pending && fresh
		}
		seen = seen || fresh
		size := s.box
		if !s.show || size.X == 0 || size.Y == 0 {
			if fresh {
				r.skip()
			}
			// Once hidden, what mpv holds may go (a switch to the window
			// drops it): wait for a new frame rather than draw black.
			seen = seen && s.show
			pending = false
			continue
		}
		now := time.Now()
		due := now.Sub(last) >= pn.interval
		draw := (fresh && due) || (pending && due) || (s.redraw && seen)
		if fresh && !draw {
			// Too soon after the last one: take it off mpv's queue now and
			// draw the newest when the interval is up (mpv then redraws
			// the frame it holds).
			r.skip()
			pending = true
		}
		if !draw {
			if pending {
				timer.Reset(pn.interval - now.Sub(last))
			}
			continue
		}
		img := reuse(spare, size)
		spare = nil
		if r.render(img.Pix, size.X, size.Y, img.Stride) != nil {
			spare = img
			continue
		}
		opaque(img)
		last, pending = now, false
		spare = pn.publish(Frame{Image: img, Aspect: s.aspect})
	}
}

// publish puts f in the slot, replacing a frame nobody took; that one's
// image is returned for reuse, as no reader has seen it.
func (pn *Pane) publish(f Frame) *image.RGBA {
	var old *image.RGBA
	select {
	case o := <-pn.slot:
		old = o.Image
	default:
	}
	pn.slot <- f // only this goroutine sends, and the slot is empty now
	return old
}

// rowAlign is the alignment mpv's software renderer asks of the pixel
// pointer and the stride for its fast paths.
const rowAlign = 64

// reuse returns img when it has the size, else a new image whose rows
// start rowAlign-aligned.
func reuse(img *image.RGBA, size image.Point) *image.RGBA {
	if img != nil && img.Rect.Size() == size {
		return img
	}
	stride := (size.X*4 + rowAlign - 1) &^ (rowAlign - 1)
	buf := make([]byte, stride*size.Y+rowAlign)
	off := 0
	if r := int(uintptr(unsafe.Pointer(&buf[0])) % rowAlign); r != 0 {
		off = rowAlign - r
	}
	return &image.RGBA{Pix: buf[off : off+stride*size.Y], Stride: stride, Rect: image.Rectangle{Max: size}}
}

// opaque sets alpha: mpv's rgb0 leaves the fourth byte undefined.
func opaque(img *image.RGBA) {
	w := img.Rect.Dx() * 4
	for y := range img.Rect.Dy() {
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		for i := 3; i < len(row); i += 4 {
			row[i] = 0xff
		}
	}
}
