//go:build !linux

package rtmp

import "net"

// QuickAck is Linux's TCP_QUICKACK (see quickack_linux.go); elsewhere the
// connection is left as it is.
func QuickAck(c net.Conn) net.Conn { return c }
