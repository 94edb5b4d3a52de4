package relay

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
)

// kernelCarried counts the bytes the kernel moved from a host's socket to
// a player's without the relay's memory: what the tests check the fast
// path by.
var kernelCarried atomic.Int64

// fastPath moves one response's body from the host's socket to the
// player's inside the kernel, where the system offers it (splice(2) on
// Linux, through a pipe): the relay's memory never holds those bytes, so
// a relayed file costs about what the host's own serving costs. It takes
// over once net/http's client holds none of the body (see directread.go),
// for a plain TCP host and player, a body of known length with no fault
// injected into it; anything else is copied through the copy buffer as
// before.
//
// Everything else of the copy loop stays: read() still reads (now into
// the pipe) with its read timeout, the loop counts the bytes, checks the
// slow-host and fail-back rules between reads, and splices to another
// host on a failure. The last overlapSize bytes of each read go through
// the copy buffer to the player, so the tail a splice checks its overlap
// against is always the last bytes the player got.
type fastPath struct {
	player *net.TCPConn // nil: the player's connection is not plain TCP
	flush  func()
	claim  *directClaim
	buf    []byte
	pipe   *kernelPipe  // made at the first switch
	body   *splicedBody // the body the kernel carries now, nil when none
}

func newFastPath(ctx context.Context, w http.ResponseWriter, buf []byte) *fastPath {
	f := &fastPath{player: playerTCP(ctx), flush: func() {}, buf: buf}
	if fl, ok := w.(http.Flusher); ok {
		f.flush = fl.Flush
	}
	if f.player != nil {
		f.claim = claim(buf)
	}
	return f
}

// close releases the buffer's claim and the pipe.
func (f *fastPath) close() {
	if f.claim != nil {
		f.claim.release(f.buf)
	}
	if f.pipe != nil {
		f.pipe.close()
	}
}

// carrying reports whether the kernel carries up's body: its reads move
// bytes into the pipe, not into the copy buffer.
func (f *fastPath) carrying(up *upstream) bool {
	return f.body != nil && up.resp.Body == f.body
}

// aim bounds the next read of up's body to what sp still wants from pos.
func (f *fastPath) aim(up *upstream, sp span, pos int64) {
	if f.carrying(up) {
		f.body.want = spanLeft(sp, up, pos)
	}
	if f.claim != nil {
		f.claim.take() // a read before this one proves nothing
	}
}

// deliver sends the player the bytes the last read moved into the pipe,
// and returns how many, and the last of them (for the tail).
func (f *fastPath) deliver() (int, []byte, error) {
	return f.pipe.deliver(f.player, f.buf, overlapSize)
}

// after a read of n bytes into the copy buffer: when it went straight from
// the host's connection, the rest of up's body can go through the kernel.
func (f *fastPath) after(up *upstream, sp span, pos int64, n int, err error) {
	if f.claim == nil || n <= 0 || err != nil {
		return
	}
	conn := f.claim.take()
	if conn == nil || f.carrying(up) || up.injected != "" || up.end < 0 || pos < sp.from ||
		up.resp.ContentLength < 0 || len(up.resp.TransferEncoding) > 0 || spanLeft(sp, up, pos) <= 0 {
		return
	}
	if f.pipe == nil {
		p, perr := newKernelPipe()
		if perr != nil {
			f.claim.release(f.buf)
			f.claim = nil // no pipe here: copy as before
			return
		}
		f.pipe = p
	}
	// What is left of the body by its place in the file and by the length
	// the client frames it with: a host whose two disagree gets the less.
	left := min(up.end-pos, up.resp.ContentLength-(pos-up.start))
	body, berr := newSplicedBody(up.resp.Body, conn, f.pipe, left)
	if berr != nil {
		return
	}
	f.flush() // the header and every byte so far reach the player first
	up.resp.Body, f.body = body, body
}

// spanLeft is how many bytes of up's body from pos sp still wants.
func spanLeft(sp span, up *upstream, pos int64) int64 {
	end := up.end
	if sp.to >= 0 && (end < 0 || sp.to < end) {
		end = sp.to
	}
	return end - pos
}

// send gives the player the n bytes of the last read, beginning at file
// offset pos, from the copy buffer (or, when the kernel carries up's body,
// from the pipe), and returns how many it sent and the last of them.
func (f *fastPath) send(w http.ResponseWriter, up *upstream, sp span, pos int64, n int) (int, []byte, error) {
	if f.carrying(up) {
		return f.deliver()
	}
	chunk := sp.cut(pos, f.buf[:n])
	if len(chunk) == 0 {
		return 0, nil, nil
	}
	if _, err := w.Write(chunk); err != nil {
		return 0, nil, err
	}
	f.flush()
	return len(chunk), chunk, nil
}
