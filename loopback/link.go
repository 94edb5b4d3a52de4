package loopback

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"clusterplay/localhost"
)

// Link is a host's network link: every response of the host shares its
// rate, as the responses of one server behind a slow line do. Throttled
// paces each response alone, so two at once carry twice its rate; a
// player that opens the next segment while it reads the current one
// sees the difference. The rate may change while responses flow, to
// model a line that gets worse or better during playback.
type Link struct {
	mu     sync.Mutex
	rate   int64     // bytes per second
	free   time.Time // when the link has sent all it was given
	served []Served
}

// Served is one response a link carried: the path asked for, the body
// bytes sent, and whether the response went out whole (neither the
// client nor the host cut it short).
type Served struct {
	Path  string
	Bytes int64
	Whole bool
}

// Served lists the responses the link carried, in the order they ended.
func (l *Link) Served() []Served {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Served(nil), l.served...)
}

func (l *Link) record(s Served) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.served = append(l.served, s)
}

// NewLink returns a link of bytesPerSec.
func NewLink(bytesPerSec int64) (*Link, error) {
	if bytesPerSec <= 0 {
		return nil, fmt.Errorf("loopback: a link needs a positive rate, got %d", bytesPerSec)
	}
	return &Link{rate: bytesPerSec}, nil
}

// SetRate changes the link's rate from now on; what it was given already
// goes at the rate it was given at (at most one chunk per response,
// about a twentieth of a second).
func (l *Link) SetRate(bytesPerSec int64) {
	if bytesPerSec <= 0 {
		return
	}
	l.mu.Lock()
	l.rate = bytesPerSec
	l.mu.Unlock()
}

// Rate is the link's rate now, in bytes per second.
func (l *Link) Rate() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rate
}

// chunk is how much one write may hand the link at once: small enough
// that responses take turns about twenty times a second.
func (l *Link) chunk() int {
	return int(min(max(l.Rate()/20, 1), 32<<10))
}

// linkCatchUp is how far behind its schedule a busy link may fall and
// still catch up: a writer whose timer fires late (a loaded machine) does
// not lose that time, or a link would carry less than its rate, each
// chunk's lateness added to the last. A link idle for longer starts
// afresh, with no credit.
const linkCatchUp = 50 * time.Millisecond

// take reserves the link for n bytes after what it was given before, and
// returns when they are sent.
func (l *Link) take(n int) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Sub(l.free) > linkCatchUp {
		l.free = now
	}
	l.free = l.free.Add(time.Duration(float64(n) / float64(l.rate) * float64(time.Second)))
	return l.free
}

// Linked is Good, with every response body sent through link.
func Linked(files map[string][]byte, link *Link) (*Host, error) {
	open, err := localhost.Files(files)
	if err != nil {
		return nil, err
	}
	return linked(open, link)
}

// LinkedDir is GoodDir, with every response body sent through link.
func LinkedDir(dir string, link *Link) (*Host, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("loopback: %s is not a directory (%v)", dir, err)
	}
	return linked(localhost.Dir(os.DirFS(dir)), link)
}

func linked(open localhost.Opener, link *Link) (*Host, error) {
	if link == nil {
		return nil, fmt.Errorf("loopback: no link")
	}
	return startHTTP(func(h *Host) http.Handler {
		next := localhost.ClipHandler(open)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			lw := &linkWriter{ResponseWriter: w, link: link, ctx: r.Context(), done: h.done}
			next.ServeHTTP(lw, r)
			link.record(Served{Path: r.URL.Path, Bytes: lw.sent, Whole: !lw.failed && r.Context().Err() == nil})
		})
	}, false)
}

// linkWriter sends a response's body in chunks, each when the link has
// room for it.
type linkWriter struct {
	http.ResponseWriter
	link   *Link
	ctx    context.Context
	done   <-chan struct{}
	sent   int64
	failed bool
}

func (w *linkWriter) Write(p []byte) (int, error) {
	written, err := w.write(p)
	w.sent += int64(written)
	w.failed = w.failed || err != nil
	return written, err
}

func (w *linkWriter) write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		k := min(len(p), w.link.chunk())
		if err := w.sleepUntil(w.link.take(k)); err != nil {
			return written, err
		}
		n, err := w.ResponseWriter.Write(p[:k])
		written += n
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

func (w *linkWriter) sleepUntil(t time.Time) error { return sleepUntil(w.ctx, w.done, t) }

func (w *linkWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
