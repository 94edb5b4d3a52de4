package relay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"clusterplay/cluster"
	"clusterplay/events"
)

// Bounds of one relayed response: the copy buffer, and the bytes already
// sent that a splice fetches again from the next host to prove it serves
// the same file. Memory per response is about their sum, however fast the
// host or slow the player.
const (
	copyBuffer  = 64 << 10
	overlapSize = 16 << 10
	minOverlap  = 4 << 10
)

// serve answers one request from the cluster.
func (r *Relay) serve(w http.ResponseWriter, req *http.Request, clip string) {
	ctx := req.Context()
	want := parseRange(req.Header.Get("Range"))
	up, err := r.open(ctx, req, clip, want)
	if err != nil {
		status := http.StatusBadGateway
		var pe *cluster.ProbeError
		if errors.As(err, &pe) && pe.Class == events.ClassStatus {
			status = http.StatusNotFound
		}
		http.Error(w, "no host could serve "+clip+": "+err.Error(), status)
		return
	}
	if isManifest(up) {
		r.serveManifest(w, req, up)
		return
	}
	copyHeaders(w.Header(), up.resp.Header, forwardResponse)
	status := up.status
	skip := int64(0)
	if want.start > up.start { // a host that ignores Range: drop what precedes
		skip = want.start - up.start
		status = http.StatusPartialContent
		end := up.end
		if want.end >= 0 && (end < 0 || want.end+1 < end) {
			end = want.end + 1
		}
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%s", want.start, end-1, totalString(up.total)))
		w.Header().Set("Content-Length", strconv.FormatInt(end-want.start, 10))
		up.end = end
	}
	w.WriteHeader(status)
	if req.Method == http.MethodHead {
		up.close()
		return
	}
	r.copyBody(ctx, w, up, clip, want, skip)
}

func totalString(total int64) string {
	if total < 0 {
		return "*"
	}
	return strconv.FormatInt(total, 10)
}

// open finds a host that answers the request, trying the next when one
// fails before any byte was sent (a refused connection, an error status).
func (r *Relay) open(ctx context.Context, req *http.Request, clip string, want byteRange) (*upstream, error) {
	return r.openAvoiding(ctx, req, clip, want, nil)
}

func (r *Relay) openAvoiding(ctx context.Context, req *http.Request, clip string, want byteRange, also []*cluster.Host) (*upstream, error) {
	r.mu.Lock()
	avoid := append(slices.Clone(r.mismatch[clip]), also...)
	r.mu.Unlock()
	var last error
	for range len(r.opts.Engine.Hosts()) + 1 {
		h, err := r.pick(ctx, clip, want, avoid)
		if err != nil {
			if last == nil {
				last = err
			}
			return nil, last
		}
		rangeHeader := ""
		if want.asked {
			rangeHeader = want.header(want.start)
		}
		up, err := r.get(ctx, h, clip, rangeHeader, req.Header)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			last = err
			r.failHost(h, clip, err)
			avoid = append(avoid, h)
			continue
		}
		if want.asked && want.start > 0 && up.status == http.StatusOK {
			// It ignores Range: never spliced onto, and tried after the
			// hosts that honour it.
			r.mu.Lock()
			r.noRange[h] = true
			r.mu.Unlock()
			if others := r.othersWithRange(h, avoid); others {
				up.close()
				avoid = append(avoid, h)
				continue
			}
		}
		return up, nil
	}
	return nil, last
}

// othersWithRange reports whether a host other than h and avoid might
// still honour Range.
func (r *Relay) othersWithRange(h *cluster.Host, avoid []*cluster.Host) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, o := range r.opts.Engine.Hosts() {
		if o != h && o.IsHTTP() && !r.noRange[o] && !slices.Contains(avoid, o) && !r.opts.Engine.Remembered(o) {
			return true
		}
	}
	return false
}

// copyBody relays the body, continuing it from another host (a splice)
// when the one serving it fails, stalls or is slower than the player.
func (r *Relay) copyBody(ctx context.Context, w http.ResponseWriter, up *upstream, clip string, want byteRange, skip int64) {
	buf := make([]byte, copyBuffer)
	tail := newTail(overlapSize)
	pos := up.start // the file offset of the next byte the host sends
	sentFrom := up.start + skip
	flusher, _ := w.(http.Flusher)
	part := newPart(up)
	for {
		n, timedOut, err := r.read(up, buf)
		if n > 0 {
			chunk := buf[:n]
			if skip > 0 {
				drop := min(skip, int64(n))
				chunk, skip = chunk[drop:], skip-drop
			}
			pos += int64(n)
			up.delivered.Add(int64(n))
			if len(chunk) > 0 {
				if _, werr := w.Write(chunk); werr != nil {
					r.finishPart(part, up)
					up.close()
					return // the player went away
				}
				if flusher != nil {
					flusher.Flush()
				}
				tail.add(chunk)
				part.bytes += int64(len(chunk))
			}
		}
		if err == nil && r.tooSlow(up) {
			err = errSlow
		}
		if err == nil {
			continue
		}
		if errors.Is(err, io.EOF) && (up.end < 0 || pos >= up.end) {
			r.finishPart(part, up)
			up.close()
			return // the whole body
		}
		if ctx.Err() != nil {
			up.close()
			return
		}
		class, cause := failure(err, timedOut, pos, up)
		r.finishPart(part, up)
		up.close()
		next, serr := r.splice(ctx, up, clip, want, pos, sentFrom, tail, class, cause)
		if serr != nil {
			// No host can continue: end the response short, and the
			// player's own end-of-file judgement fails over.
			r.log.Warn("relay: no host can continue", "path", clip, "offset", pos, "err", serr)
			panic(http.ErrAbortHandler)
		}
		up, part = next, newPart(next)
	}
}

var errSlow = errors.New("slower than the stream")

// failure names why a host's body stopped.
func failure(err error, timedOut bool, pos int64, up *upstream) (events.Class, error) {
	switch {
	case errors.Is(err, errSlow):
		return events.ClassSlow, err
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
// timeout. The clock runs only while the relay waits for the host, not
// while the player is not reading, so a full player cache is no stall.
func (r *Relay) read(up *upstream, buf []byte) (n int, timedOut bool, err error) {
	var fired atomic.Bool
	t := time.AfterFunc(r.opts.ReadTimeout, func() {
		fired.Store(true)
		up.cancel()
	})
	n, err = up.resp.Body.Read(buf)
	t.Stop()
	return n, fired.Load(), err
}

// splice continues a response from another host at pos: the next host is
// asked for the bytes from pos less an overlap already sent, which must be
// the very bytes sent (and its length and strong ETag the first host's),
// or the host serves another file and is skipped for this clip.
func (r *Relay) splice(ctx context.Context, from *upstream, clip string, want byteRange, pos, sentFrom int64,
	tail *tail, class events.Class, cause error) (*upstream, error) {
	expires := r.opts.Engine.MarkFailed(from.host)
	r.rememberRate(from)
	avoid := []*cluster.Host{from.host}
	r.mu.Lock()
	avoid = append(avoid, r.mismatch[clip]...)
	avoid = append(avoid, r.noRangeHosts()...)
	r.mu.Unlock()
	if class == events.ClassSlow {
		avoid = append(avoid, r.slowerThan(from)...)
	}
	for {
		res, err := r.opts.Engine.ResolveExcept(ctx, clip, append(avoid, r.rtmpHosts()...)...)
		if err != nil {
			return nil, err
		}
		h := res.Host
		overlap := max(0, min(tail.len64(), pos-sentFrom))
		next, err := r.get(ctx, h, clip, want.header(pos-overlap), nil)
		if err != nil {
			r.failHost(h, clip, err)
			avoid = append(avoid, h)
			continue
		}
		r.log.Debug("splicing", "path", clip, "from", from.host.URL, "to", h.URL, "class", class, "cause", cause,
			"offset", pos, "overlap", overlap)
		if why := r.sameFile(from, next, pos-overlap, overlap, tail); why != "" {
			r.log.Info("not the same file", "path", clip, "host", h.URL, "why", why)
			next.close()
			r.mu.Lock()
			r.mismatch[clip] = append(r.mismatch[clip], h)
			r.mu.Unlock()
			target, _ := h.ClipURL(clip)
			r.publish(events.Event{Kind: events.ConnectFailed, Host: h.URL, Index: h.Index, URL: target,
				Class: events.ClassMismatch, Err: why})
			avoid = append(avoid, h)
			continue
		}
		r.SetCurrent(h)
		r.publish(events.Event{Kind: events.Failover, Host: from.host.URL, Index: from.host.Index,
			ToHost: h.URL, ToIndex: h.Index, URL: res.URL, Class: class, Err: cause.Error(),
			ExpiresAt: expires, Seamless: true, Offset: pos})
		return next, nil
	}
}

// sameFile checks that next continues from's file: "" when it does, else
// why not. It consumes the overlap from next's body.
func (r *Relay) sameFile(from, next *upstream, at, overlap int64, tail *tail) string {
	switch {
	case next.status != http.StatusPartialContent:
		r.mu.Lock()
		r.noRange[next.host] = true
		r.mu.Unlock()
		return "answers a range with the whole file: cannot continue mid-body"
	case next.start != at:
		return fmt.Sprintf("sent bytes from %d, asked from %d", next.start, at)
	case from.total >= 0 && next.total >= 0 && from.total != next.total:
		return fmt.Sprintf("file is %d bytes, the first host's %d", next.total, from.total)
	case strongETag(from.etag) != "" && strongETag(next.etag) != "" && from.etag != next.etag:
		return fmt.Sprintf("ETag %s, the first host's %s", next.etag, from.etag)
	}
	got := make([]byte, overlap)
	if _, err := io.ReadFull(next.resp.Body, got); err != nil {
		return "overlap unreadable: " + err.Error()
	}
	if !bytes.Equal(got, tail.last(int(overlap))) {
		return fmt.Sprintf("the last %d bytes sent differ: another file of the same name", overlap)
	}
	return ""
}
