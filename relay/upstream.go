package relay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"clusterplay/cluster"
	"clusterplay/cmcd"
	"clusterplay/events"
	"clusterplay/faults"
)

// byteRange is what a player asked for: bytes start..end inclusive; end
// -1 is "to the end". A request without Range is start 0, end -1, and
// asked false.
type byteRange struct {
	start, end int64
	asked      bool
}

// parseRange reads a single "bytes=START-[END]" range, the only form
// players send for media; anything else is served whole.
func parseRange(h string) byteRange {
	spec, ok := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return byteRange{end: -1}
	}
	a, b, ok := strings.Cut(spec, "-")
	start, err := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
	if !ok || err != nil || start < 0 {
		return byteRange{end: -1}
	}
	end := int64(-1)
	if b = strings.TrimSpace(b); b != "" {
		if end, err = strconv.ParseInt(b, 10, 64); err != nil || end < start {
			return byteRange{end: -1}
		}
	}
	return byteRange{start: start, end: end, asked: true}
}

func (br byteRange) header(from int64) string {
	if br.end >= 0 {
		return fmt.Sprintf("bytes=%d-%d", from, br.end)
	}
	return fmt.Sprintf("bytes=%d-", from)
}

// upstream is one host's response, placed in the file.
type upstream struct {
	host   *cluster.Host
	resp   *http.Response
	cancel context.CancelFunc
	status int   // what the host answered
	start  int64 // offset in the file of the body's first byte
	end    int64 // offset one past the body's last byte; -1 unknown
	total  int64 // the file's length; -1 unknown
	etag   string
	began  time.Time
	path   string
	ctx    context.Context // ends when the request to the host is given up
	// metered ends this response's share of the host's busy time (meter.go).
	metered func()
	// injected is the rule whose fault works on the body; "" when none.
	injected string
	// delivered counts the body bytes read from the host, for its rate.
	delivered atomic.Int64
	// pace is the rate it delivers at while the relay waits on it, and
	// silentWhy the buffer's rule for the read under way ("" for the
	// fixed read timeout): deadline.go.
	pace      paceMeter
	silentWhy string
	// alt is the stream's alternative (pathway.go) the request went to;
	// nil for a typed host.
	alt *altRoute
}

func (u *upstream) close() {
	u.resp.Body.Close()
	u.cancel()
	if u.metered != nil {
		u.metered()
	}
}

// get asks host h for clip, with the range header (if any) and the
// player's forwarded headers.
func (r *Relay) get(ctx context.Context, h *cluster.Host, clip, rangeHeader string, from http.Header) (*upstream, error) {
	target, err := h.ClipURL(clip)
	if err != nil {
		return nil, err
	}
	return r.getURL(ctx, h, target, clip, rangeHeader, from)
}

// getURL asks h for target, which the relay names clip in its events.
func (r *Relay) getURL(ctx context.Context, h *cluster.Host, target, clip, rangeHeader string, from http.Header) (*upstream, error) {
	uctx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(uctx, upstreamMethod(ctx), target, nil) // HEAD: variants_audio.go
	if err != nil {
		cancel()
		return nil, err
	}
	cluster.SetRequestHeader(req, r.opts.Header)
	copyHeaders(req.Header, from, forwardRequest)
	req.Header.Set("Via", cluster.Via) // a relay it reaches refuses it: no loop
	req.Header.Del("Range")
	if rangeHeader != "" {
		req.Header.Set("Range", rangeHeader)
	}
	r.opts.CMCD.Apply(req, cmcd.Request{Path: req.URL.Path, Throughput: r.bytesPerSec(h)})
	began := time.Now()
	metered := r.meterBegin(h)
	resp, err := r.client.Do(req)
	if err != nil {
		metered()
		cancel()
		return nil, err
	}
	resp.Body = r.meteredBody(h, resp.Body)
	u := &upstream{host: h, resp: resp, cancel: cancel, status: resp.StatusCode, end: -1, total: -1,
		etag: resp.Header.Get("ETag"), began: began, path: clip, ctx: uctx, metered: metered}
	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, end, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok {
			u.close()
			return nil, &cluster.ProbeError{Class: events.ClassProtocol, Err: errors.New("206 without a usable Content-Range")}
		}
		u.start, u.end, u.total = start, end+1, total
	case http.StatusOK:
		if resp.ContentLength >= 0 {
			u.end, u.total = resp.ContentLength, resp.ContentLength
		}
	case http.StatusRequestedRangeNotSatisfiable:
		// The host is right: the player asked past the end. It is no
		// failure of the host, and the player hears the same.
		u.close()
		past := &pastEnd{total: -1}
		if spec, ok := strings.CutPrefix(resp.Header.Get("Content-Range"), "bytes */"); ok {
			if t, err := strconv.ParseInt(spec, 10, 64); err == nil {
				past.total = t
			}
		}
		return nil, past
	case http.StatusNotFound, http.StatusGone:
		u.close()
		return nil, &cluster.ProbeError{Class: events.ClassStatus, Err: &absentError{resp.StatusCode, resp.Request.URL.RequestURI()}}
	default:
		u.close()
		return nil, &cluster.ProbeError{Class: events.ClassStatus, Err: fmt.Errorf("HTTP %d for %s", resp.StatusCode, resp.Request.URL.RequestURI())}
	}
	return u, nil
}

// pastEnd is a host's 416: the range asked begins past the file's end.
type pastEnd struct{ total int64 }

func (e *pastEnd) Error() string { return "the range begins past the end of the file" }

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
	passedOver := map[*cluster.Host]bool{}
	var first *cluster.Host // where the request would have gone but for a fault
	injected := false
	var faulted *cluster.Host // the host an injected fault failed this request on
	for attempt := range 2*len(r.opts.Engine.Hosts()) + 1 {
		h := r.nextAfterFault(faulted, avoid)
		var err error
		if h == nil {
			h, err = r.pick(ctx, clip, want, avoid)
		}
		if err != nil {
			if last == nil {
				last = err
			}
			return nil, last
		}
		if first == nil {
			first = h
		}
		rangeHeader := ""
		if want.asked {
			rangeHeader = want.header(want.start)
		}
		up, err := r.getHedged(ctx, h, clip, rangeHeader, req.Header, want.start, attempt, avoid)
		var past *pastEnd
		switch {
		case errors.As(err, &past):
			return nil, err
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case faults.IsInjected(err):
			// That request alone fails: the next host serves it, and
			// nothing is held against this one.
			last, injected, faulted = err, true, h
			avoid = append(avoid, h)
			continue
		case err != nil:
			last = err
			r.failHost(h, clip, err)
			avoid = append(avoid, h)
			continue
		}
		h = up.host // a hedge's host may have won
		if want.asked && up.status == http.StatusOK {
			// It ignores Range: never preferred for a range, and left
			// for another host while one that honours Range is there.
			r.markNoRange(h)
			if want.start > 0 && !passedOver[h] && r.rangeHostLeft(append(avoid, h)) {
				up.close()
				passedOver[h] = true
				continue
			}
		}
		if injected {
			r.keepCurrent(first, h)
		}
		return up, nil
	}
	return nil, last
}

// parseContentRange reads "bytes START-END/TOTAL" (TOTAL may be *).
func parseContentRange(h string) (start, end, total int64, ok bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes ")
	if !found {
		return 0, 0, 0, false
	}
	rng, tot, found := strings.Cut(spec, "/")
	a, b, found2 := strings.Cut(rng, "-")
	if !found || !found2 {
		return 0, 0, 0, false
	}
	var err1, err2 error
	start, err1 = strconv.ParseInt(a, 10, 64)
	end, err2 = strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || start < 0 || end < start {
		return 0, 0, 0, false
	}
	total = -1
	if tot != "*" {
		t, err := strconv.ParseInt(tot, 10, 64)
		if err != nil || t <= end {
			return 0, 0, 0, false
		}
		total = t
	}
	return start, end, total, true
}

// strongETag is the tag when it is a strong one: a weak tag promises the
// same meaning, not the same bytes.
func strongETag(tag string) string {
	if tag == "" || strings.HasPrefix(tag, "W/") {
		return ""
	}
	return tag
}
