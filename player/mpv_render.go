package player

// The software render context that draws the terminal pane's frames.

/*
#include "mpvload.h"
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

// mpvRender is the core's software render context (mpv/render.h). One
// goroutine waits and renders; poke may come from any. free must come
// before the handle's TerminateDestroy: mpv requires it.
type mpvRender struct {
	mu   sync.Mutex // orders poke against free
	ctx  *C.mpv_render_context
	wake *C.cp_wake
}

// newSWRender creates the render context that vo=libmpv draws through. It
// must exist before the first file is loaded, or the video output fails.
func (m *mpvHandle) newSWRender() (*mpvRender, error) {
	w := C.cp_wake_new()
	if w == nil {
		return nil, fmt.Errorf("mpv_render_context_create: %w", ErrNoMem)
	}
	var ctx *C.mpv_render_context
	err := m.use(func(h *C.mpv_handle) error {
		return codeError(int(C.cp_render_create(h, &ctx, w)))
	})
	if err != nil {
		C.cp_wake_free(w)
		return nil, fmt.Errorf("mpv_render_context_create: %w", err)
	}
	return &mpvRender{ctx: ctx, wake: w}, nil
}

// wait blocks until mpv has a frame (or a redraw) or poke was called, and
// says which. Only the rendering goroutine calls it, and never after free.
func (r *mpvRender) wait() wakeBits { return wakeBits(C.cp_wake_wait(r.wake)) }

// poke ends the current or next wait with wakeGo; after free it does nothing.
func (r *mpvRender) poke() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.wake != nil {
		C.cp_wake_set(r.wake, C.CP_WAKE_GO)
	}
}

// render draws the newest frame, letterboxed by mpv, into pix: rgb0 rows
// of stride bytes, w x h pixels. pix is Go memory that C only borrows for
// the call.
func (r *mpvRender) render(pix []byte, w, h, stride int) error {
	if w <= 0 || h <= 0 || len(pix) < stride*h || stride < 4*w {
		return fmt.Errorf("render %dx%d, stride %d, into %d bytes: %w", w, h, stride, len(pix), ErrInvalidParameter)
	}
	err := codeError(int(C.cp_render_sw(r.ctx, C.int(w), C.int(h), C.size_t(stride), unsafe.Pointer(&pix[0]), 0)))
	if err != nil {
		return fmt.Errorf("mpv_render_context_render: %w", err)
	}
	return nil
}

// hasFrame says whether mpv has queued a frame since the last render.
func (r *mpvRender) hasFrame() bool { return C.cp_render_has_frame(r.ctx) != 0 }

// skip takes the newest frame without drawing it, so mpv's video output
// never waits for a frame the pane has no use for.
func (r *mpvRender) skip() {
	C.cp_render_sw(r.ctx, 0, 0, 0, nil, 1)
}

// free releases the context (mpv stops the video output it fed) and then
// the wake-up, which mpv's callback may touch until the context is gone.
func (r *mpvRender) free() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx == nil {
		return
	}
	C.cp_render_free(r.ctx)
	C.cp_wake_free(r.wake)
	r.ctx, r.wake = nil, nil
}
