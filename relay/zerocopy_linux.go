//go:build linux

package relay

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// pipeSize is what the pipe between the two sockets is asked to hold: the
// most one read moves. The kernel may grant less (a user's pipes share a
// budget); the pipe holds references to the socket's pages, not copies,
// and nothing of it counts in the relay's own memory.
const pipeSize = 1 << 20

// kernelPipe is the pipe one response's bytes cross from host to player.
type kernelPipe struct {
	r, w int
	size int // what it holds at most
	held int // bytes in it now

	// pump moves pumpLeft bytes at most to the player's socket; a func
	// made once, so that a move allocates nothing.
	pump     func(fd uintptr) bool
	pumpLeft int
	pumped   int64
	pumpErr  error
}

func newKernelPipe() (*kernelPipe, error) {
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_CLOEXEC); err != nil {
		return nil, os.NewSyscallError("pipe2", err)
	}
	p := &kernelPipe{r: fds[0], w: fds[1]}
	p.pump = func(fd uintptr) bool {
		p.pumped, p.pumpErr = spliceRetrying(p.r, int(fd), p.pumpLeft)
		return p.pumpErr != unix.EAGAIN
	}
	size, err := unix.FcntlInt(uintptr(p.w), unix.F_SETPIPE_SZ, pipeSize)
	if err != nil {
		size, err = unix.FcntlInt(uintptr(p.w), unix.F_GETPIPE_SZ, 0)
	}
	if err != nil || size <= 0 {
		p.close()
		return nil, errors.New("pipe: no size")
	}
	p.size = size
	return p, nil
}

func (p *kernelPipe) close() {
	unix.Close(p.r)
	unix.Close(p.w)
}

// deliver sends the player what the pipe holds: all but the last keep
// bytes from pipe to socket in the kernel, those last ones through buf,
// which they are returned in.
func (p *kernelPipe) deliver(player *net.TCPConn, buf []byte, keep int) (int, []byte, error) {
	sent := p.held
	raw, err := player.SyscallConn()
	if err != nil {
		return 0, nil, err
	}
	k := min(p.held, keep, len(buf))
	for p.held > k {
		p.pumpLeft = p.held - k
		if err := firstErr(raw.Write(p.pump), p.pumpErr, "splice"); err != nil {
			return 0, nil, err
		}
		p.held -= int(p.pumped)
		kernelCarried.Add(p.pumped)
	}
	last := buf[:k]
	for got := 0; got < k; {
		n, err := unix.Read(p.r, last[got:])
		if err == unix.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			return 0, nil, firstErr(nil, err, "read")
		}
		got += n
	}
	p.held = 0
	if _, err := player.Write(last); err != nil {
		return 0, nil, err
	}
	return sent, last, nil
}

// spliceRetrying moves up to n bytes from in to out without blocking,
// again after an interrupted call.
func spliceRetrying(in, out, n int) (int64, error) {
	for {
		m, err := unix.Splice(in, nil, out, nil, n, unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK)
		if err != unix.EINTR {
			return m, err
		}
	}
}

// firstErr is the error of a raw call: the connection's own (closed), or
// the system call's.
func firstErr(connErr, callErr error, call string) error {
	switch {
	case connErr != nil:
		return connErr
	case callErr != nil:
		return os.NewSyscallError(call, callErr)
	}
	return nil
}

// splicedBody is a host's body whose reads move bytes from its socket
// into the pipe: Read reports how many, and leaves p alone. Only the copy
// loop reads it, and it knows (fastPath.carrying). Close closes the
// client's body, which gives the connection up: it is never reused after
// bytes were taken behind the client's back.
type splicedBody struct {
	io.ReadCloser // the client's body
	src           syscall.RawConn
	pipe          *kernelPipe
	left          int64 // bytes of the body still to come
	want          int64 // the most the next read takes (fastPath.aim)

	// drain moves drainMax bytes at most from the socket into the pipe;
	// made once, so that a read allocates nothing.
	drain    func(fd uintptr) bool
	drainMax int
	drained  int64
	drainErr error
}

func newSplicedBody(body io.ReadCloser, conn *net.TCPConn, pipe *kernelPipe, left int64) (*splicedBody, error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return nil, err
	}
	b := &splicedBody{ReadCloser: body, src: raw, pipe: pipe, left: left, want: left}
	b.drain = func(fd uintptr) bool {
		b.drained, b.drainErr = spliceRetrying(int(fd), b.pipe.w, b.drainMax)
		return b.drainErr != unix.EAGAIN
	}
	return b, nil
}

func (b *splicedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	b.drainMax = int(min(b.left, b.want, int64(b.pipe.size-b.pipe.held)))
	if len(p) == 0 || b.drainMax <= 0 {
		return 0, nil
	}
	if err := firstErr(b.src.Read(b.drain), b.drainErr, "splice"); err != nil {
		return 0, &net.OpError{Op: "read", Net: "tcp", Err: err}
	}
	n := b.drained
	if n == 0 {
		return 0, io.ErrUnexpectedEOF // closed short of the length it announced
	}
	b.left -= n
	b.pipe.held += int(n)
	return int(n), nil
}
