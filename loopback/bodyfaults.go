package loopback

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"

	"clusterplay/localhost"
)

// Hosts whose bodies misbehave in ways a relay must see through: they
// answer like Good, then stop, stall, or ignore what was asked.

// NoRange serves files whole, with 200, whatever Range asks, as
// `python3 -m http.server` does: such a host can serve a file from its
// start but never continue one mid-body.
func NoRange(files map[string][]byte) (*Host, error) {
	open, err := localhost.Files(files)
	if err != nil {
		return nil, err
	}
	return startHTTP(func(*Host) http.Handler { return ignoreRange(open) }, false)
}

// NoRangeDir is NoRange serving the files below dir, read at each
// request, so that files written after the host started are served too.
func NoRangeDir(dir string) (*Host, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("loopback: %s is not a directory", dir)
	}
	return startHTTP(func(*Host) http.Handler { return ignoreRange(localhost.Dir(os.DirFS(dir))) }, false)
}

// ignoreRange serves each clip whole with its length, and no
// Accept-Ranges, as a server that knows nothing of ranges does.
func ignoreRange(open localhost.Opener) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		clip, ok := localhost.ClipPath(r.URL.Path)
		if !ok {
			http.NotFound(w, r)
			return
		}
		content, release, found := open(clip)
		if !found {
			http.NotFound(w, r)
			return
		}
		defer release()
		if ct := localhost.ContentType(clip); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		size, _ := content.Seek(0, io.SeekEnd)
		_, _ = content.Seek(0, io.SeekStart)
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = io.Copy(w, content)
		}
	})
}

// EarlyEOF is Good, but every body ends cleanly (a FIN, no reset) after n
// bytes, short of the Content-Length it announced: a proxy that gave up.
func EarlyEOF(files map[string][]byte, n int64) (*Host, error) {
	return bodyAfter(files, n, false)
}

// SilentAfter is Good, but every body stops after n bytes and the
// connection stays open and silent until the host is closed.
func SilentAfter(files map[string][]byte, n int64) (*Host, error) {
	return bodyAfter(files, n, true)
}

func bodyAfter(files map[string][]byte, n int64, silent bool) (*Host, error) {
	open, err := localhost.Files(files)
	if err != nil {
		return nil, err
	}
	return startHTTP(func(h *Host) http.Handler {
		next := localhost.ClipHandler(open)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sw := &stopWriter{ResponseWriter: w, left: n}
			next.ServeHTTP(sw, r)
			if !sw.stopped {
				return
			}
			rc := http.NewResponseController(w)
			_ = rc.Flush()
			if silent {
				<-h.done
			}
			if c, _, err := rc.Hijack(); err == nil {
				c.Close() // a FIN: the body is short, not reset
			}
		})
	}, false)
}

// stopWriter passes n body bytes, then swallows the rest.
type stopWriter struct {
	http.ResponseWriter
	left    int64
	stopped bool
}

func (w *stopWriter) Write(p []byte) (int, error) {
	if w.stopped {
		return 0, io.ErrClosedPipe
	}
	if int64(len(p)) <= w.left {
		w.left -= int64(len(p))
		return w.ResponseWriter.Write(p)
	}
	k, err := w.ResponseWriter.Write(p[:w.left])
	w.left -= int64(k)
	w.stopped = true
	if err != nil {
		return k, err
	}
	return k, io.ErrClosedPipe
}

// Flip serves files like Good, but with every byte of the body inverted:
// another file of the same name and the same length, as a CDN edge with a
// stale or wrong object would serve.
func Flip(files map[string][]byte) (*Host, error) {
	flipped := make(map[string][]byte, len(files))
	for k, v := range files {
		f := bytes.Clone(v)
		for i := range f {
			f[i] ^= 0xff
		}
		flipped[k] = f
	}
	return Good(flipped)
}
