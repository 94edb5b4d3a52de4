package loopback

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"clusterplay/localhost"
)

// errCut is what a handler sees after CutAfter reset its connection.
var errCut = errors.New("loopback: response cut")

// CutAfter is Good, but every response body is cut after n body bytes by a
// connection reset, as when a server or proxy dies mid-transfer. Responses
// of at most n bytes (such as a Range 0-0 probe when n >= 1) complete.
func CutAfter(files map[string][]byte, n int64) (*Host, error) {
	if n < 0 {
		return nil, fmt.Errorf("loopback: CutAfter needs n >= 0, got %d", n)
	}
	open, err := localhost.Files(files)
	if err != nil {
		return nil, err
	}
	return startHTTP(func(h *Host) http.Handler {
		next := localhost.ClipHandler(open)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(&cutWriter{ResponseWriter: w, left: n, done: h.done}, r)
		})
	}, false)
}

type cutWriter struct {
	http.ResponseWriter
	left int64
	cut  bool
	done <-chan struct{}
}

func (w *cutWriter) Write(p []byte) (int, error) {
	if w.cut {
		return 0, errCut
	}
	if int64(len(p)) <= w.left {
		n, err := w.ResponseWriter.Write(p)
		w.left -= int64(n)
		return n, err
	}
	n, err := w.ResponseWriter.Write(p[:w.left])
	w.left -= int64(n)
	w.cut = true
	if err == nil {
		w.reset()
	}
	return n, errCut
}

// reset pushes the first n bytes out, waits until the peer's kernel has
// acknowledged them (a reset discards unsent data, which would make the cut
// point depend on timing), then resets the connection.
func (w *cutWriter) reset() {
	rc := http.NewResponseController(w.ResponseWriter)
	// Hijack drops net/http's small pre-chunking buffer, so flush first.
	if rc.Flush() != nil {
		return
	}
	c, buf, err := rc.Hijack()
	if err != nil {
		return
	}
	buf.Flush()
	tc := tracked(c)
	if tc == nil {
		c.Close()
		return
	}
	// A peer that stopped reading never acknowledges; cut it anyway.
	giveUp := time.After(2 * time.Second)
wait:
	for unsentBytes(tc.Conn) > 0 {
		select {
		case <-w.done:
			break wait
		case <-giveUp:
			break wait
		case <-time.After(time.Millisecond):
		}
	}
	tc.reset()
}

// Throttled is Good, but response bodies are written at bytesPerSec, so a
// clip takes a predictable, human-visible time to download.
func Throttled(files map[string][]byte, bytesPerSec int64) (*Host, error) {
	if bytesPerSec <= 0 {
		return nil, fmt.Errorf("loopback: Throttled needs a positive rate, got %d", bytesPerSec)
	}
	open, err := localhost.Files(files)
	if err != nil {
		return nil, err
	}
	// Small chunks (about 20 per second) keep the flow smooth rather than
	// bursty, so Stall and Kill land mid-body.
	chunk := min(max(bytesPerSec/20, 1), 32<<10)
	return startHTTP(func(h *Host) http.Handler {
		next := localhost.ClipHandler(open)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tw := &throttleWriter{ResponseWriter: w, rate: bytesPerSec, chunk: chunk, ctx: r.Context(), done: h.done}
			next.ServeHTTP(tw, r)
		})
	}, false)
}

type throttleWriter struct {
	http.ResponseWriter
	rate, chunk int64
	ctx         context.Context
	done        <-chan struct{}
	start       time.Time
	sent        int64
}

func (w *throttleWriter) Write(p []byte) (int, error) {
	if w.start.IsZero() {
		w.start = time.Now()
	}
	written := 0
	for len(p) > 0 {
		// Pace against the start time, not per chunk, so scheduling delays
		// do not accumulate into a slower rate.
		due := w.start.Add(time.Duration(float64(w.sent) / float64(w.rate) * float64(time.Second)))
		if err := w.sleepUntil(due); err != nil {
			return written, err
		}
		n, err := w.ResponseWriter.Write(p[:min(int64(len(p)), w.chunk)])
		written += n
		w.sent += int64(n)
		if err != nil {
			return written, err
		}
		if err := http.NewResponseController(w.ResponseWriter).Flush(); err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}

func (w *throttleWriter) sleepUntil(t time.Time) error { return sleepUntil(w.ctx, w.done, t) }

// sleepUntil waits until t, or until the request ends (ctx) or the host
// closes (done), for a writer that paces a response.
func sleepUntil(ctx context.Context, done <-chan struct{}, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-done:
		return http.ErrServerClosed
	}
}

func (w *throttleWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
func (w *cutWriter) Unwrap() http.ResponseWriter      { return w.ResponseWriter }
