//go:build linux && !386

package loopback

import (
	"net"
	"syscall"
	"unsafe"
)

// unsentBytes is the data in c's send queue not yet acknowledged by the
// peer (SIOCOUTQ), or 0 when it cannot be read.
func unsentBytes(c net.Conn) int {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return 0
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return 0
	}
	var n int32
	if raw.Control(func(fd uintptr) {
		if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCOUTQ, uintptr(unsafe.Pointer(&n))); errno != 0 {
			n = 0
		}
	}) != nil {
		return 0
	}
	return int(n)
}
