// Package localhost runs the plain hosts of a cluster on 127.0.0.1 that
// the --demo mode shows: a port that refuses, a socket that hangs until
// the connect timeout, and a web server of clips with Range support. It is
// all the shipped binary carries of the test fault kit: package loopback,
// which the tests and the benchmark use, builds its many faults on these
// and is never linked into clusterplay.
//
// Like loopback it is a plain package (no testing import; constructors
// return errors) that binds 127.0.0.1 only, so none of its hosts can be
// reached from outside the machine.
package localhost

import (
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
)

// BasePath prefixes every clip so host URLs look like real cluster entries
// (a base URL with a path that clip names are joined to): a clip is served
// at URL + "/" + clip.
const BasePath = "/video"

// Host is a running host. URL is its base URL, e.g.
// "http://127.0.0.1:41234/video".
type Host struct {
	URL  string
	Addr string // host:port

	stop func() error
	once sync.Once
	err  error
}

// Close stops the host and waits for what it started. It is idempotent.
func (h *Host) Close() error {
	h.once.Do(func() { h.err = h.stop() })
	return h.err
}

// Listen binds an ephemeral port on 127.0.0.1 only.
func Listen() (net.Listener, error) { return net.Listen("tcp4", "127.0.0.1:0") }

// Refused returns the URL of a port that was just bound and closed, so
// dials to it fail at once with ECONNREFUSED. Another process could bind the
// port again in between, but ephemeral ports are picked so as to make quick
// reuse unlikely.
func Refused() (string, error) {
	ln, err := Listen()
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return "", err
	}
	return "http://" + addr + BasePath, nil
}

// Serve starts a web server of the clips open opens, under BasePath (see
// ClipHandler).
func Serve(open Opener) (*Host, error) {
	ln, err := Listen()
	if err != nil {
		return nil, err
	}
	srv := &http.Server{
		Handler: ClipHandler(open),
		// A viewer that goes away mid-clip is no news for the terminal.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	return &Host{URL: "http://" + ln.Addr().String() + BasePath, Addr: ln.Addr().String(), stop: func() error {
		err := srv.Close()
		<-done
		return err
	}}, nil
}

// Silent accepts TCP connections and never answers: it reads and discards
// whatever arrives, so a client's request write succeeds and only its
// response timeout can save it.
func Silent() (*Host, error) {
	ln, err := Listen()
	if err != nil {
		return nil, err
	}
	var (
		mu     sync.Mutex
		conns  = map[net.Conn]bool{}
		closed bool // under mu: a connection accepted from now on is reset at once
		wg     sync.WaitGroup
	)
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			if closed {
				mu.Unlock()
				ResetTCP(c)
				return
			}
			conns[c] = true
			mu.Unlock()
			wg.Go(func() { io.Copy(io.Discard, c) })
		}
	})
	return &Host{URL: "http://" + ln.Addr().String() + BasePath, Addr: ln.Addr().String(), stop: func() error {
		err := ln.Close()
		mu.Lock()
		closed = true
		for c := range conns {
			ResetTCP(c)
		}
		mu.Unlock()
		wg.Wait()
		if errors.Is(err, net.ErrClosed) {
			err = nil
		}
		return err
	}}, nil
}

// ResetTCP closes c with SO_LINGER 0, which sends RST and drops unsent
// data.
func ResetTCP(c net.Conn) {
	if tcp, ok := c.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	c.Close()
}
