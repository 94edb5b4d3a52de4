package loopback

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"clusterplay/localhost"
)

// Refused returns the URL of a port that was just bound and closed, so
// dials to it fail at once with ECONNREFUSED (localhost.Refused).
func Refused() (string, error) { return localhost.Refused() }

// Silent accepts TCP connections and never answers: it reads and discards
// whatever arrives, so the client's request write succeeds and only its
// response timeout can save it.
func Silent() (*Host, error) {
	return startRaw(func(c net.Conn) { io.Copy(io.Discard, c) })
}

// Status answers every request with code and an empty body, for hosts that
// are up but refuse service (403, 404, 503, ...).
func Status(code int) (*Host, error) {
	// 1xx would be followed by an implicit 200, and net/http panics
	// outside 100-999.
	if code < 200 || code > 999 {
		return nil, fmt.Errorf("loopback: status code %d out of range 200-999", code)
	}
	return NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(code)
	}))
}

// SlowHeaders waits d before sending response headers, then serves an
// all-zero 1 MiB file for any clip path. It models an overloaded origin
// that is reachable but slower than the engine's connect timeout. The wait
// ends early when the host closes or the client goes away.
func SlowHeaders(d time.Duration) (*Host, error) {
	zeros := make([]byte, 1<<20)
	clips := localhost.ClipHandler(func(string) (io.ReadSeeker, func(), bool) {
		return bytes.NewReader(zeros), func() {}, true
	})
	return startHTTP(func(h *Host) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
			case <-h.done:
				// Returning would send an empty 200; abort the connection
				// so the client sees the host go away instead.
				panic(http.ErrAbortHandler)
			case <-r.Context().Done():
				return
			}
			clips.ServeHTTP(w, r)
		})
	}, false)
}

// hopPrefix marks the host's own redirect hops; the number after it is the
// count of self-redirects still to go.
const hopPrefix = "/_hop/"

// Redirect answers any path with a chain of hops 302 redirects to itself,
// then a 302 to target + path + query. The path below /video is what is
// appended (the whole path when it lies elsewhere), so Redirect(n, good.URL)
// behaves as a host: URL + "/clip.mp4" ends at good.URL + "/clip.mp4", which
// is how CDNs and load balancers redirect a clip to the same clip elsewhere.
func Redirect(hops int, target string) (*Host, error) {
	if hops < 0 {
		return nil, fmt.Errorf("loopback: Redirect needs hops >= 0, got %d", hops)
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("loopback: redirect target: %w", err)
	}
	if u.Scheme == "" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("loopback: redirect target %q must be an absolute base URL without query", target)
	}
	base := strings.TrimSuffix(target, "/")
	return NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		left, p := hops, r.URL.EscapedPath()
		if rest, ok := strings.CutPrefix(p, hopPrefix); ok {
			num, tail, _ := strings.Cut(rest, "/")
			if n, err := strconv.Atoi(num); err == nil && n >= 0 {
				left, p = n, "/"+tail
			}
		}
		var loc string
		if left > 0 {
			// Absolute, so clients that do not resolve relative Location
			// headers still follow the chain.
			loc = "http://" + r.Host + hopPrefix + strconv.Itoa(left-1) + p
		} else {
			if rest, ok := strings.CutPrefix(p, basePath); ok && (rest == "" || rest[0] == '/') {
				p = rest
			}
			loc = base + p
		}
		if r.URL.RawQuery != "" {
			loc += "?" + r.URL.RawQuery
		}
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusFound)
	}))
}

// NewHTTP serves any handler on a loopback host with the same Kill, Stall,
// Close and Requests behaviour as the ready-made hosts. The handler sees
// full request paths, including the /video prefix.
func NewHTTP(handler http.Handler) (*Host, error) {
	if handler == nil {
		return nil, errors.New("loopback: NewHTTP needs a handler")
	}
	return startHTTP(func(*Host) http.Handler { return handler }, false)
}
