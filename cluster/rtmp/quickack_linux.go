package rtmp

import (
	"net"
	"syscall"
)

// QuickAck makes the connection acknowledge what it reads at once.
//
// nginx-rtmp writes a reply in several small pieces without TCP_NODELAY:
// the first goes out, the rest waits (Nagle) for its acknowledgement, and
// Linux delays that by 40 ms when the reader has nothing to send. That
// cost 40 ms twice per probe (connect's reply, play's), most of an RTMP
// attempt on a near host, and of a live rejoin's resolution. TCP_QUICKACK
// sends the acknowledgement now; Linux clears it again as it sees fit, so
// it is set after every read, one system call each, a dozen per probe.
func QuickAck(c net.Conn) net.Conn {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return c
	}
	return &quickAckConn{Conn: c, raw: raw}
}

type quickAckConn struct {
	net.Conn
	raw syscall.RawConn
}

func (c *quickAckConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		_ = c.raw.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
		})
	}
	return n, err
}
