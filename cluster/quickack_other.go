//go:build !linux

package cluster

import "net"

// quickAck is Linux's TCP_QUICKACK (see quickack_linux.go); elsewhere the
// connection is left as it is.
func quickAck(c net.Conn) net.Conn { return c }
