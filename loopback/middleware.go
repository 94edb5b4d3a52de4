package loopback

import (
	"bufio"
	"net"
	"net/http"
)

type connKey struct{}

// middleware counts requests, lets Close wait for running handlers, and
// wraps the ResponseWriter so Stall lets headers out before blocking.
func (h *Host) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.enter() {
			// Close has begun and its wait must not race a new handler;
			// abort rather than answer with an empty 200.
			panic(http.ErrAbortHandler)
		}
		defer h.leave()
		h.requests.Add(1)
		if c, _ := r.Context().Value(connKey{}).(net.Conn); c != nil {
			if tc := tracked(c); tc != nil {
				tc.serving.Store(true)
				w = &stallWriter{ResponseWriter: w, conn: tc}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// stallWriter flushes a new response's headers through an active stall
// before its first body byte, so a stalled host looks like a server that
// answered and then stopped sending — the failure a player meets mid-clip —
// rather than one that never answers (Silent covers that).
type stallWriter struct {
	http.ResponseWriter
	conn    *trackedConn
	started bool
}

func (w *stallWriter) begin() {
	if w.started {
		return
	}
	w.started = true
	if !w.conn.t.stalled() {
		return
	}
	w.conn.bypass.Store(true)
	defer w.conn.bypass.Store(false)
	// Nothing of the body is buffered yet, so this writes headers only.
	http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *stallWriter) Write(p []byte) (int, error) {
	w.begin()
	return w.ResponseWriter.Write(p)
}

// FlushError and Flush keep http.ResponseController and http.Flusher
// working for the handlers below.
func (w *stallWriter) FlushError() error {
	w.begin()
	return http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *stallWriter) Flush() { w.FlushError() }

// Hijack keeps old-style w.(http.Hijacker) assertions in NewHTTP handlers
// working.
func (w *stallWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

func (w *stallWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
