package relay

import (
	"context"
	"net"
	"sync"
)

// The relay's fast path moves a body from the host's socket to the
// player's in the kernel (zerocopy_linux.go), without the bytes passing
// through the relay's memory. That needs the host's TCP connection, and
// the moment from which net/http's client holds none of the body in its
// own buffer: a read the client passed straight to the connection, into
// the relay's copy buffer, proves both (bufio reads past its buffer only
// when that buffer is empty). The connections the relay dials note such
// reads here; copyBody claims its buffer before each read.

// claims maps the first byte of a copy buffer to the claim of the response
// reading into it.
var claims sync.Map // *byte -> *directClaim

// directClaim is one response's claim on its copy buffer: the host's
// connection that last read into it directly, nil when none did.
type directClaim struct {
	mu   sync.Mutex
	conn *net.TCPConn
}

// claim registers buf; release it once the response is over.
func claim(buf []byte) *directClaim {
	c := &directClaim{}
	claims.Store(&buf[0], c)
	return c
}

func (c *directClaim) release(buf []byte) { claims.Delete(&buf[0]) }

// take returns the connection that read into the buffer since the last
// take, and forgets it.
func (c *directClaim) take() *net.TCPConn {
	c.mu.Lock()
	defer c.mu.Unlock()
	conn := c.conn
	c.conn = nil
	return conn
}

// watchedConn is a host connection the relay dialed: a read into a
// claimed buffer is noted in its claim.
type watchedConn struct {
	*net.TCPConn
}

func (w watchedConn) Read(p []byte) (int, error) {
	if len(p) > 0 {
		if v, ok := claims.Load(&p[0]); ok {
			c := v.(*directClaim)
			c.mu.Lock()
			c.conn = w.TCPConn
			c.mu.Unlock()
		}
	}
	return w.TCPConn.Read(p)
}

// watchDial dials as d does, watching the TCP connections it makes.
func watchDial(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok && err == nil {
			return watchedConn{tc}, nil
		}
		return c, err
	}
}

// playerConnKey is the context key of the player's connection, which the
// relay's server puts in every request's context.
type playerConnKey struct{}

func withPlayerConn(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, playerConnKey{}, c)
}

// playerTCP is the player's TCP connection behind ctx's request, nil when
// it is no plain TCP connection of the relay's own server.
func playerTCP(ctx context.Context) *net.TCPConn {
	c, _ := ctx.Value(playerConnKey{}).(net.Conn)
	if cc, ok := c.(*countedConn); ok {
		c = cc.Conn
	}
	tc, _ := c.(*net.TCPConn)
	return tc
}
