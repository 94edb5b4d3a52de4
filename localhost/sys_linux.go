//go:build linux && !386

package localhost

import (
	"net"
	"os"
	"strconv"
	"syscall"
	"unsafe"
)

// listenNoAccept makes the listening socket net.Listen cannot: net always
// passes somaxconn as the backlog, and Hang needs 0.
func listenNoAccept() (fd int, addr string, err error) {
	fd, err = syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, syscall.IPPROTO_TCP)
	if err != nil {
		return -1, "", os.NewSyscallError("socket", err)
	}
	fail := func(op string, err error) (int, string, error) {
		syscall.Close(fd)
		return -1, "", os.NewSyscallError(op, err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return fail("bind", err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		return fail("listen", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		return fail("getsockname", err)
	}
	in4, ok := sa.(*syscall.SockaddrInet4)
	if !ok {
		return fail("getsockname", syscall.EAFNOSUPPORT)
	}
	return fd, net.JoinHostPort("127.0.0.1", strconv.Itoa(in4.Port)), nil
}

func closeFD(fd int) error { return os.NewSyscallError("close", syscall.Close(fd)) }

// acceptQueueFull reads the listener's queue from TCP_INFO, where Linux
// reports the accept queue length in tcpi_unacked and the backlog in
// tcpi_sacked; it drops SYNs once length > backlog.
func acceptQueueFull(fd int) (bool, error) {
	var info syscall.TCPInfo
	size := uint32(syscall.SizeofTCPInfo)
	_, _, errno := syscall.Syscall6(syscall.SYS_GETSOCKOPT, uintptr(fd), syscall.IPPROTO_TCP, syscall.TCP_INFO,
		uintptr(unsafe.Pointer(&info)), uintptr(unsafe.Pointer(&size)), 0)
	if errno != 0 {
		return false, os.NewSyscallError("getsockopt", errno)
	}
	return info.Unacked > info.Sacked, nil
}
