package loopback

import (
	"context"
	"net/http"
	"os"
	"sync"
	"time"

	"clusterplay/localhost"
)

// LinkHost serves the files below a directory over one shaped link: the
// bytes of all its responses together go at the link's rate, as over a
// slow access link (a hotel's, a phone's), not each response at its own.
// A test changes the rate while a player plays (SetRate) and reads which
// paths were asked for, in order (Paths).
type LinkHost struct {
	*Host
	link *link

	mu    sync.Mutex
	paths []string
}

// LinkDir serves dir over a link of bytesPerSec (0: as fast as loopback
// goes).
func LinkDir(dir string, bytesPerSec int64) (*LinkHost, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, err
	}
	lh := &LinkHost{link: &link{rate: bytesPerSec}}
	h, err := startHTTP(func(h *Host) http.Handler {
		next := localhost.ClipHandler(localhost.Dir(os.DirFS(dir)))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			lh.mu.Lock()
			lh.paths = append(lh.paths, r.URL.Path)
			lh.mu.Unlock()
			next.ServeHTTP(&linkWriter{ResponseWriter: w, link: lh.link, ctx: r.Context(), done: h.done}, r)
		})
	}, false)
	if err != nil {
		return nil, err
	}
	lh.Host = h
	return lh, nil
}

// SetRate changes the link's rate from now on, also for the responses
// under way; 0 lifts the limit.
func (lh *LinkHost) SetRate(bytesPerSec int64) { lh.link.set(bytesPerSec) }

// Paths are the request paths the host saw, in their order.
func (lh *LinkHost) Paths() []string {
	lh.mu.Lock()
	defer lh.mu.Unlock()
	return append([]string(nil), lh.paths...)
}

// link hands out the time to send bytes at one rate: each write reserves
// the next slot, so that concurrent responses share the rate.
type link struct {
	mu   sync.Mutex
	rate int64
	next time.Time // when the link is free again
}

func (l *link) set(rate int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rate = rate
	if now := time.Now(); l.next.After(now) {
		l.next = now // what was reserved at the old rate is not owed at the new
	}
}

// reserve returns when n bytes may be sent and whether the link is
// limited at all.
func (l *link) reserve(n int) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rate <= 0 {
		return time.Time{}, false
	}
	now := time.Now()
	if l.next.Before(now) {
		l.next = now
	}
	l.next = l.next.Add(time.Duration(float64(n) / float64(l.rate) * float64(time.Second)))
	return l.next, true
}

// linkPiece is the most one write sends before asking the link again:
// small, so that a rate change takes effect within a response.
const linkPiece = 4 << 10

type linkWriter struct {
	http.ResponseWriter
	link *link
	ctx  context.Context
	done <-chan struct{}
}

func (w *linkWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		piece := p[:min(len(p), linkPiece)]
		due, limited := w.link.reserve(len(piece))
		if !limited {
			piece = p // no limit: the rest at once
		} else if err := sleepCtx(w.ctx, w.done, time.Until(due)); err != nil {
			return written, err
		}
		n, err := w.ResponseWriter.Write(piece)
		written += n
		if err != nil {
			return written, err
		}
		_ = http.NewResponseController(w.ResponseWriter).Flush()
		p = p[n:]
	}
	return written, nil
}

func (w *linkWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func sleepCtx(ctx context.Context, done <-chan struct{}, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-done:
		return http.ErrServerClosed
	}
}
