// Package loopback runs real servers on 127.0.0.1 with injected faults.
//
// Engine tests, benchmarks and the player's --demo mode share it, so it is a
// plain package: it does not import testing and constructors return errors.
// It never mocks, because what the cluster engine must survive is what real
// sockets do: refusals, resets, stalls and dials that time out.
package loopback

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"clusterplay/localhost"
)

// basePath prefixes every clip so host URLs look like real cluster entries
// (a base URL with a path that clip names are joined to), as on the
// demo's hosts.
const basePath = localhost.BasePath

// Host is a running loopback server. URL is its base URL, e.g.
// "http://127.0.0.1:41234/video"; clip URLs are URL + "/" + clip.
type Host struct {
	URL  string
	Addr string // host:port

	track *tracker     // nil for Hang, whose socket never accepts
	srv   *http.Server // nil for raw TCP hosts
	certs *x509.CertPool

	requests atomic.Int64  // HTTP hosts only; raw hosts count accepts
	done     chan struct{} // closed by Close; ends waits inside handlers

	// mu and closing guard wg.Add against Close's wg.Wait: anything started
	// after Close began is refused instead of racing the wait.
	mu      sync.Mutex
	closing bool
	wg      sync.WaitGroup

	teardown func() error // Hang's own sockets; run by Kill and Close
	tdOnce   sync.Once
	tdErr    error

	closeOnce sync.Once
	closeErr  error
}

func newHost() *Host { return &Host{done: make(chan struct{})} }

func (h *Host) enter() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return false
	}
	h.wg.Add(1)
	return true
}

func (h *Host) leave() { h.wg.Done() }

// listen binds an ephemeral port on 127.0.0.1 only: these hosts must never
// be reachable from outside the machine.
func listen() (net.Listener, error) { return localhost.Listen() }

// startHTTP serves the handler that build makes. build receives the host so
// handlers can watch h.done.
func startHTTP(build func(h *Host) http.Handler, useTLS bool) (*Host, error) {
	ln, err := listen()
	if err != nil {
		return nil, err
	}
	h := newHost()
	h.track = newTracker(ln, h.enter, h.leave)
	var l net.Listener = h.track
	scheme := "http"
	if useTLS {
		cert, pool, err := selfSigned()
		if err != nil {
			ln.Close()
			return nil, err
		}
		h.certs = pool
		// HTTP/1.1 only: Stall's header bypass and CutAfter's hijack rely on
		// one response per connection at a time.
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}})
		scheme = "https"
	}
	h.Addr = ln.Addr().String()
	h.URL = scheme + "://" + h.Addr + basePath
	h.srv = &http.Server{
		Handler: h.middleware(build(h)),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
		// Handshake failures and resets are the point of these hosts; logging
		// them would only clutter test output and the demo's terminal.
		ErrorLog:     log.New(io.Discard, "", 0),
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		h.srv.Serve(l)
	}()
	return h, nil
}

// startRaw runs handle on every accepted TCP connection; Requests then
// counts connections, as there are no HTTP requests to count.
func startRaw(handle func(c net.Conn)) (*Host, error) {
	ln, err := listen()
	if err != nil {
		return nil, err
	}
	h := newHost()
	h.track = newTracker(ln, h.enter, h.leave)
	h.Addr = ln.Addr().String()
	h.URL = "http://" + h.Addr + basePath
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		for {
			c, err := h.track.Accept()
			if err != nil {
				if errors.Is(err, net.ErrClosed) || !h.pause(10*time.Millisecond) {
					return
				}
				continue // e.g. EMFILE: retry rather than stop serving
			}
			if !h.enter() {
				c.Close()
				return
			}
			go func() {
				defer h.leave()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return h, nil
}

// pause sleeps for d unless the host closes first; it reports whether the
// host is still open.
func (h *Host) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-h.done:
		return false
	}
}

// Close stops the host, closes every accepted connection and waits for all
// of its goroutines. It is idempotent.
func (h *Host) Close() error {
	h.closeOnce.Do(func() {
		h.mu.Lock()
		h.closing = true
		h.mu.Unlock()
		close(h.done)
		var errs []error
		if h.track != nil {
			// Close raw connections before http.Server does, so its TLS
			// close_notify cannot block on a peer that stopped reading.
			errs = append(errs, h.track.closeAll())
		}
		if h.srv != nil {
			h.srv.Close() // its listener error duplicates the tracker's
		}
		errs = append(errs, h.runTeardown())
		h.wg.Wait()
		h.closeErr = errors.Join(errs...)
	})
	return h.closeErr
}

func (h *Host) runTeardown() error {
	if h.teardown == nil {
		return nil
	}
	h.tdOnce.Do(func() { h.tdErr = h.teardown() })
	return h.tdErr
}

// Requests is the number of HTTP requests seen, or of accepted connections
// for raw hosts (Silent, Hang).
func (h *Host) Requests() int64 {
	if h.srv != nil {
		return h.requests.Load()
	}
	if h.track != nil {
		return h.track.accepted.Load()
	}
	return 0
}

// Kill simulates a crash: the listener closes (later dials are refused) and
// every open connection is reset with SO_LINGER 0. Call Close afterwards to
// wait for the host's goroutines.
func (h *Host) Kill() {
	if h.track != nil {
		h.track.kill()
	}
	h.runTeardown()
}

// Stall makes writes block from now on, in-flight responses mid-body and new
// ones right after their headers (bodiless ones entirely), with connections
// left open: the host looks alive but stops sending, until Resume or Close.
func (h *Host) Stall() {
	if h.track != nil {
		h.track.stall()
	}
}

// Resume releases the writes Stall blocked.
func (h *Host) Resume() {
	if h.track != nil {
		h.track.unstall()
	}
}

// OpenConns is the number of accepted connections currently open.
func (h *Host) OpenConns() int {
	if h.track == nil {
		return 0
	}
	return h.track.open()
}

// CertPool trusts the self-signed certificate of a GoodTLS host; it is nil
// for plain hosts.
func (h *Host) CertPool() *x509.CertPool { return h.certs }
