package relay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"clusterplay/cluster"
	"clusterplay/events"
)

// Bounds of one relayed response: the copy buffer, and the bytes already
// sent that a splice fetches again from the next host to prove it serves
// the same file. Memory per response is about their sum, however fast the
// host or slow the player. The copy buffers are pooled: a response takes
// one and gives it back, so a segment costs no new buffer. A body the
// kernel carries (zerocopy.go) passes through the copy buffer only its
// last overlapSize bytes of each read.
const (
	copyBuffer  = 256 << 10
	overlapSize = 16 << 10
	minOverlap  = 4 << 10
)

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, copyBuffer); return &b }}

// serve answers one request from the cluster.
func (r *Relay) serve(w http.ResponseWriter, req *http.Request, clip string) {
	if r.serveLadder(w, req, clip) { // --quality auto's virtual variant
		return
	}
	ctx := req.Context()
	want := parseRange(req.Header.Get("Range"))
	ask := want
	if manifestExt(clip) != "" {
		ask = byteRange{end: -1} // rewritten whole, then the range is cut from it
	}
	if rt, ok := parseAltPath(clip); ok {
		r.serveAlternative(w, req, clip, rt, want) // pathway.go
		return
	}
	r.mu.Lock()
	r.lastPath = clip
	r.mu.Unlock()
	up, err := r.open(ctx, req, clip, ask)
	if err == nil && isManifest(up) {
		r.mu.Lock()
		r.segmented = true
		r.mu.Unlock()
		if up, err = r.wholeManifest(ctx, req, up); err == nil {
			r.serveManifest(w, req, up)
			return
		}
	}
	if err != nil {
		refuse(w, clip, err)
		return
	}
	sp, status := respond(w.Header(), up, want)
	if status != http.StatusOK && status != http.StatusPartialContent {
		up.close()
		if status == http.StatusBadGateway {
			r.sayOnce(up.host, clip, events.ClassProtocol, "ignores Range and sends no length: cannot serve from byte "+strconv.FormatInt(want.start, 10))
		}
		http.Error(w, http.StatusText(status), status)
		return
	}
	w.WriteHeader(status)
	if req.Method == http.MethodHead {
		up.close()
		return
	}
	r.copyBody(ctx, w, up, clip, want, sp)
}

// refuse answers a request no host could serve: 416 when the range lies
// past the file's end, 404 when the hosts said there is no such file,
// else 502.
func refuse(w http.ResponseWriter, clip string, err error) {
	var past *pastEnd
	if errors.As(err, &past) {
		if past.total >= 0 {
			w.Header().Set("Content-Range", "bytes */"+strconv.FormatInt(past.total, 10))
		}
		http.Error(w, http.StatusText(http.StatusRequestedRangeNotSatisfiable), http.StatusRequestedRangeNotSatisfiable)
		return
	}
	status := http.StatusBadGateway
	var pe *cluster.ProbeError
	if (errors.As(err, &pe) && pe.Class == events.ClassStatus) || errors.Is(err, cluster.ErrNotFound) {
		status = http.StatusNotFound
	}
	http.Error(w, "no host could serve "+clip+": "+err.Error(), status)
}

// span is the part of the file a response carries: bytes from..to-1, to
// -1 when the file's end is not known.
type span struct{ from, to int64 }

// respond sets the headers of the answer to want from up and returns what
// it carries and its status. The relay answers a range itself whenever
// the file's length is known, whatever the host did with it: a host that
// ignores Range sends the whole file, and the relay drops what precedes
// the range. So every response the player sees says Accept-Ranges, and
// the player may seek whichever host serves.
func respond(h http.Header, up *upstream, want byteRange) (span, int) {
	copyHeaders(h, up.resp.Header, forwardResponse)
	total := up.total
	if total >= 0 {
		h.Set("Accept-Ranges", "bytes")
	}
	switch {
	case !want.asked:
		return span{from: up.start, to: up.end}, up.status
	case total < 0 && up.start == want.start:
		return span{from: up.start, to: up.end}, up.status // as the host said it
	case total < 0:
		return span{}, http.StatusBadGateway
	case want.start >= total:
		h.Del("Content-Length")
		h.Set("Content-Range", "bytes */"+strconv.FormatInt(total, 10))
		return span{}, http.StatusRequestedRangeNotSatisfiable
	}
	end := total
	if want.end >= 0 && want.end < end-1 { // not want.end+1: it overflows at the largest end
		end = want.end + 1
	}
	h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", want.start, end-1, total))
	h.Set("Content-Length", strconv.FormatInt(end-want.start, 10))
	return span{from: want.start, to: end}, http.StatusPartialContent
}

// copyBody relays the bytes of sp, continuing them from another host (a
// splice) when the one serving fails, stalls or is slower than the player.
func (r *Relay) copyBody(ctx context.Context, w http.ResponseWriter, up *upstream, clip string, want byteRange, sp span) {
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	fast := newFastPath(ctx, w, *buf)
	defer fast.close()
	tail := newTail(overlapSize)
	pos := up.start // the file offset of the next byte the host sends
	part := newPart(up)
	gaps := &gapClock{r: r}
	for {
		fast.aim(up, sp, pos)
		n, timedOut, err := r.read(up, *buf)
		if n > 0 {
			sent, last, werr := fast.send(w, up, sp, pos, n)
			pos += int64(n)
			up.delivered.Add(int64(n))
			if werr != nil {
				r.finishPart(part, up)
				up.close()
				return // the player went away
			}
			if sent > 0 {
				gaps.delivered()
				tail.add(last)
				part.bytes += int64(sent)
			}
			fast.after(up, sp, pos, n, err)
		}
		if (sp.to >= 0 && pos >= sp.to) || (errors.Is(err, io.EOF) && (up.end < 0 || pos >= up.end)) {
			r.finishPart(part, up)
			up.close()
			return // all of it
		}
		if err == nil {
			err = r.tooSlow(up)
		}
		if err == nil {
			if to := r.midBodyFailBack(up.host); to != nil && ctx.Err() == nil {
				// A progressive file is one long request: its boundary
				// for a fail-back is a planned splice here.
				overlap := max(0, min(tail.len64(), pos-sp.from))
				if next := r.failBackMidBody(ctx, up, to, clip, want, pos, overlap, tail); next != nil {
					r.finishPart(part, up)
					up.close()
					up, part = next, newPart(next)
				}
			}
			continue
		}
		r.finishPart(part, up)
		up.close()
		if ctx.Err() != nil {
			return // the player went away (a seek, a new load): what it had is counted
		}
		gaps.failed()
		class, cause := failure(err, timedOut, pos, up)
		overlap := max(0, min(tail.len64(), pos-sp.from)) // bytes sent that the next host sends again
		next, moved, serr := r.splice(ctx, up, clip, want, pos, overlap, tail, class, cause)
		if serr != nil {
			// No host can continue: end the response short, and the
			// player's own end-of-file judgement fails over.
			r.log.Warn("relay: no host can continue", "path", clip, "offset", pos, "err", serr)
			panic(http.ErrAbortHandler)
		}
		gaps.moved(moved)
		up, part = next, newPart(next)
	}
}

// cut returns the bytes of chunk, which begins at file offset at, that
// lie inside sp.
func (sp span) cut(at int64, chunk []byte) []byte {
	if at < sp.from {
		skip := min(sp.from-at, int64(len(chunk)))
		chunk, at = chunk[skip:], at+skip
	}
	if sp.to >= 0 && at+int64(len(chunk)) > sp.to {
		chunk = chunk[:max(0, sp.to-at)]
	}
	return chunk
}

var errSlow = errors.New("slower than the stream")

// failure names why a host's body stopped.
func failure(err error, timedOut bool, pos int64, up *upstream) (events.Class, error) {
	switch {
	case errors.Is(err, errSlow):
		return events.ClassSlow, err
	case timedOut && up.silentWhy != "":
		return events.ClassTimeout, errors.New(up.silentWhy) // the buffer's deadline (deadline.go)
	case timedOut:
		return events.ClassTimeout, errors.New("no byte for the read timeout")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		// A clean close short of the announced length: net/http says
		// unexpected EOF, a length-less body plain EOF.
		return events.ClassEarlyEOF, fmt.Errorf("body ended at byte %d of %d", pos, up.end)
	}
	return cluster.Classify(err), err
}

// read reads once from the host, giving up when no byte comes for the read
// timeout, or sooner, for the player's buffer (deadline.go). The clock
// runs only while the relay waits for the host, not while the player is
// not reading, so a full player cache is no stall.
func (r *Relay) read(up *upstream, buf []byte) (n int, timedOut bool, err error) {
	if p, ok := up.resp.Body.(*peekedBody); ok {
		if n, timedOut, err, ok := p.replay(buf); ok {
			return n, timedOut, err // the read that awaited the first byte (hedgeget.go)
		}
	}
	deadline := r.readDeadline(up)
	var fired atomic.Bool
	began := time.Now()
	t := time.AfterFunc(deadline, func() {
		fired.Store(true)
		up.cancel()
	})
	n, err = up.resp.Body.Read(buf)
	t.Stop()
	r.meterKernelRead(up, n)
	up.pace.add(n, time.Since(began))
	return n, fired.Load(), err
}
