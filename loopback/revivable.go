package loopback

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"clusterplay/localhost"
)

// Revivable is a host that goes down and comes back on the same port, as
// a server that crashes and is restarted does: Down closes its listener
// (later dials are refused) and resets every open connection; Up listens
// again on the same address and serves the same files. Flap does both in
// a cycle. It is what fail-back is tested against: a host that recovers,
// and one that flaps.
type Revivable struct {
	URL  string
	Addr string

	handler func(done <-chan struct{}) http.Handler

	mu    sync.Mutex
	srv   *http.Server // nil while down
	done  chan struct{}
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup

	flapStop chan struct{}
	flapDone chan struct{}
}

// RevivableThrottled serves files as Throttled does (bodies at bytesPerSec;
// 0 is as fast as it goes), up from the start.
func RevivableThrottled(files map[string][]byte, bytesPerSec int64) (*Revivable, error) {
	open, err := localhost.Files(files)
	if err != nil {
		return nil, err
	}
	chunk := min(max(bytesPerSec/20, 1), 32<<10)
	v := &Revivable{conns: map[net.Conn]struct{}{}}
	v.handler = func(done <-chan struct{}) http.Handler {
		next := localhost.ClipHandler(open)
		if bytesPerSec <= 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(&throttleWriter{ResponseWriter: w, rate: bytesPerSec, chunk: chunk, ctx: r.Context(), done: done}, r)
		})
	}
	ln, err := listen()
	if err != nil {
		return nil, err
	}
	v.Addr = ln.Addr().String()
	v.URL = "http://" + v.Addr + basePath
	v.serve(ln)
	return v, nil
}

// serve starts a server on ln; v.mu is not held.
func (v *Revivable) serve(ln net.Listener) {
	done := make(chan struct{})
	srv := &http.Server{
		Handler:  v.handler(done),
		ErrorLog: log.New(io.Discard, "", 0),
		ConnState: func(c net.Conn, st http.ConnState) {
			v.mu.Lock()
			defer v.mu.Unlock()
			switch st {
			case http.StateNew:
				v.conns[c] = struct{}{}
			case http.StateClosed, http.StateHijacked:
				delete(v.conns, c)
			}
		},
	}
	v.mu.Lock()
	v.srv, v.done = srv, done
	v.mu.Unlock()
	v.wg.Add(1)
	go func() {
		defer v.wg.Done()
		_ = srv.Serve(ln)
	}()
}

// Up listens again on the host's address; an Up host stays up.
func (v *Revivable) Up() error {
	v.mu.Lock()
	up := v.srv != nil
	v.mu.Unlock()
	if up {
		return nil
	}
	// The port was ours a moment ago; Go listens with SO_REUSEADDR, so
	// the connections it left in TIME_WAIT do not hold it.
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp4", v.Addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("loopback: listening again on %s: %w", v.Addr, err)
	}
	v.serve(ln)
	return nil
}

// Down crashes the host: its listener closes and every open connection
// is reset (SO_LINGER 0). A Down host stays down.
func (v *Revivable) Down() {
	v.mu.Lock()
	srv, done := v.srv, v.done
	v.srv = nil
	for c := range v.conns {
		if tcp, ok := c.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
	}
	v.mu.Unlock()
	if srv == nil {
		return
	}
	close(done)
	_ = srv.Close()
}

// Flap takes the host down and up in a cycle, up for up then down for
// down, beginning with the down half, until Close or the next Flap.
func (v *Revivable) Flap(up, down time.Duration) {
	v.stopFlap()
	stop, done := make(chan struct{}), make(chan struct{})
	v.mu.Lock()
	v.flapStop, v.flapDone = stop, done
	v.mu.Unlock()
	go func() {
		defer close(done)
		for {
			v.Down()
			if !wait(stop, down) {
				return
			}
			_ = v.Up()
			if !wait(stop, up) {
				return
			}
		}
	}()
}

func wait(stop <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-stop:
		return false
	}
}

func (v *Revivable) stopFlap() {
	v.mu.Lock()
	stop, done := v.flapStop, v.flapDone
	v.flapStop, v.flapDone = nil, nil
	v.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
}

// Close stops a flap, takes the host down and waits for its goroutines.
func (v *Revivable) Close() error {
	v.stopFlap()
	v.Down()
	v.wg.Wait()
	return nil
}
