//go:build !linux

package relay

import (
	"errors"
	"io"
	"net"
)

// Elsewhere than on Linux the relay has no socket-to-socket copy in the
// kernel: every body goes through the copy buffer.

type kernelPipe struct{}

func newKernelPipe() (*kernelPipe, error) { return nil, errors.New("no splice on this system") }

func (p *kernelPipe) close() {}

func (p *kernelPipe) deliver(*net.TCPConn, []byte, int) (int, []byte, error) {
	return 0, nil, errors.New("no splice on this system")
}

type splicedBody struct {
	io.ReadCloser
	want int64
}

func newSplicedBody(io.ReadCloser, *net.TCPConn, *kernelPipe, int64) (*splicedBody, error) {
	return nil, errors.New("no splice on this system")
}
