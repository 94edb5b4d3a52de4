package loopback

import (
	"crypto/tls"
	"net"
	"sync"
	"sync/atomic"

	"clusterplay/localhost"
)

// tracker wraps a host's listener and every connection it accepts. Faults
// are injected here, below net/http, bufio and TLS, because that is the only
// place where Kill can reach connections net/http (or a hijacking handler)
// still holds, and where Stall cannot be bypassed by buffered writers.
type tracker struct {
	net.Listener

	// enter and leave count accepted connections into the host's wait group,
	// so Close can wait until every one of them is gone.
	enter func() bool
	leave func()

	accepted atomic.Int64

	mu     sync.Mutex
	conns  map[*trackedConn]struct{}
	shut   bool          // listener closed: late accepts are reset, not served
	resume chan struct{} // non-nil while stalled; closed by unstall

	closeOnce sync.Once
	closeErr  error
}

func newTracker(ln net.Listener, enter func() bool, leave func()) *tracker {
	return &tracker{Listener: ln, enter: enter, leave: leave, conns: map[*trackedConn]struct{}{}}
}

// Accept registers the connection before handing it out, so that a Kill
// racing with it either sees it or makes this Accept reset it.
func (t *tracker) Accept() (net.Conn, error) {
	c, err := t.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, t: t, closed: make(chan struct{})}
	t.mu.Lock()
	if t.shut || !t.enter() {
		t.mu.Unlock()
		resetTCP(c)
		return nil, net.ErrClosed
	}
	t.conns[tc] = struct{}{}
	t.mu.Unlock()
	t.accepted.Add(1)
	return tc, nil
}

// Close closes the listener only; it is idempotent because Kill and the
// host's Close (and http.Server.Close) may all call it.
func (t *tracker) Close() error {
	t.closeOnce.Do(func() {
		t.mu.Lock()
		t.shut = true
		t.mu.Unlock()
		t.closeErr = t.Listener.Close()
	})
	return t.closeErr
}

func (t *tracker) snapshot() []*trackedConn {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]*trackedConn, 0, len(t.conns))
	for c := range t.conns {
		out = append(out, c)
	}
	return out
}

// closeAll closes the listener and every connection with an orderly FIN.
func (t *tracker) closeAll() error {
	err := t.Close()
	for _, c := range t.snapshot() {
		c.Close()
	}
	return err
}

// kill closes the listener, so later dials are refused, and resets every
// connection, so peers see ECONNRESET mid-read as after a server crash.
func (t *tracker) kill() {
	t.Close()
	for _, c := range t.snapshot() {
		c.reset()
	}
}

func (t *tracker) open() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.conns)
}

func (t *tracker) stall() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.resume == nil {
		t.resume = make(chan struct{})
	}
}

func (t *tracker) unstall() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.resume != nil {
		close(t.resume)
		t.resume = nil
	}
}

// gate returns nil when writes may proceed, else a channel closed on Resume.
func (t *tracker) gate() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.resume
}

func (t *tracker) stalled() bool { return t.gate() != nil }

// trackedConn is an accepted connection whose writes obey the stall gate.
type trackedConn struct {
	net.Conn
	t      *tracker
	closed chan struct{}
	once   sync.Once

	// serving is set when the first request arrives. Writes before it are
	// a TLS handshake, which Stall lets through so that stalled HTTPS hosts
	// behave as stalled HTTP ones: headers, then silence.
	serving atomic.Bool

	// bypass lets one synchronous header flush through a stall (see
	// stallWriter); HTTP/1 runs one response at a time per connection.
	bypass atomic.Bool
}

// Write blocks while the host is stalled. It wakes on Resume, or fails when
// the connection is closed, so Close and Kill never wait on a stalled write.
func (c *trackedConn) Write(p []byte) (int, error) {
	for c.serving.Load() && !c.bypass.Load() {
		g := c.t.gate()
		if g == nil {
			break
		}
		select {
		case <-g:
		case <-c.closed:
			return 0, net.ErrClosed
		}
	}
	return c.Conn.Write(p)
}

func (c *trackedConn) Close() error {
	err := net.ErrClosed
	c.once.Do(func() {
		close(c.closed)
		err = c.Conn.Close()
		c.t.mu.Lock()
		delete(c.t.conns, c)
		c.t.mu.Unlock()
		c.t.leave()
	})
	return err
}

// reset closes with SO_LINGER 0, which sends RST and drops unsent data.
func (c *trackedConn) reset() {
	if tcp, ok := c.Conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	c.Close()
}

func resetTCP(c net.Conn) { localhost.ResetTCP(c) }

// tracked finds the trackedConn under a connection net/http hands around,
// which is a *tls.Conn on HTTPS hosts.
func tracked(c net.Conn) *trackedConn {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	t, _ := c.(*trackedConn)
	return t
}
