package relay

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/faults"
)

// maxSegments bounds the segment places the relay keeps: a day of a live
// stream's two-second segments in a few renditions.
const maxSegments = 200_000

// segPos is a segment's place in the playlist that named it.
type segPos struct{ index, sequence int64 }

// segmentExts are the names of media segments a playlist may not have
// shown the relay (DASH templates): they are segments of unknown place.
var segmentExts = map[string]bool{".ts": true, ".m4s": true, ".m4a": true, ".m4v": true, ".aac": true,
	".cmfv": true, ".cmfa": true, ".vtt": true, ".webvtt": true}

// faultRequest is what a fault plan selects the request by.
func (r *Relay) faultRequest(h *cluster.Host, clip string, start int64, attempt int) faults.Request {
	target, _ := h.ClipURL(clip)
	req := faults.Request{Host: h.Index, HostURL: h.URL, URL: target, Kind: faults.Range, Segment: -1, Sequence: -1,
		Start: start, Attempt: attempt}
	p, _, _ := strings.Cut(clip, "?")
	r.mu.Lock()
	pos, known := r.segments[p]
	r.mu.Unlock()
	switch {
	case manifestExt(clip) != "":
		req.Kind = faults.Manifest
	case known:
		req.Kind, req.Segment, req.Sequence = faults.Segment, pos.index, pos.sequence
	case segmentExts[strings.ToLower(path.Ext(p))]:
		req.Kind = faults.Segment
	}
	return req
}

// getWithFaults is get under the fault plan: a rule that selects the
// request is said (a fault event) before it takes effect, then fails the
// request with a faults.Injected error, delays it, or wraps the host's
// body. attempt counts the hosts already asked for this request.
func (r *Relay) getWithFaults(ctx context.Context, h *cluster.Host, clip, rangeHeader string, from http.Header, start int64, attempt int) (*upstream, error) {
	freq := r.faultRequest(h, clip, start, attempt)
	hit, ok := r.opts.Faults.Match(freq)
	if !ok {
		return r.get(ctx, h, clip, rangeHeader, from)
	}
	r.publish(events.Event{Kind: events.Fault, Host: h.URL, Index: h.Index, Path: clip,
		Rule: hit.Rule, Action: hit.Action.String()})
	a := hit.Action
	injected := func(class events.Class, err error) error {
		return &faults.Injected{Rule: hit.Rule, Err: &cluster.ProbeError{Class: class, Err: err}}
	}
	switch a.Verb {
	case faults.Status:
		return nil, injected(events.ClassStatus, fmt.Errorf("HTTP %d for /%s", a.Code, clip))
	case faults.Hang:
		if err := sleep(ctx, r.opts.ConnectTimeout); err != nil {
			return nil, err
		}
		return nil, injected(events.ClassTimeout, faults.ErrHang)
	case faults.SlowHeaders:
		if a.For >= r.opts.ConnectTimeout {
			if err := sleep(ctx, r.opts.ConnectTimeout); err != nil {
				return nil, err
			}
			return nil, injected(events.ClassTimeout, fmt.Errorf("no headers within %s", r.opts.ConnectTimeout))
		}
		fallthrough
	case faults.Delay:
		if err := sleep(ctx, a.For); err != nil {
			return nil, err
		}
		return r.get(ctx, h, clip, rangeHeader, from)
	}
	up, err := r.get(ctx, h, clip, rangeHeader, from)
	if err != nil {
		return nil, err
	}
	up.injected = hit.Rule
	up.resp.Body = faults.Body(up.ctx, up.resp.Body, hit, func() bool { return r.opts.Faults.Holds(hit.Rule, freq) })
	return up, nil
}

// nextAfterFault is the host that serves a request an injected fault
// failed on faulted: the next HTTP host of the list after it that is not
// in avoid nor remembered as failed, asked at once, without a resolution
// that would make it the current host. nil when there is none, or no
// fault: the engine then chooses.
func (r *Relay) nextAfterFault(faulted *cluster.Host, avoid []*cluster.Host) *cluster.Host {
	if faulted == nil {
		return nil
	}
	hosts := r.opts.Engine.Hosts()
	for i := 1; i < len(hosts); i++ {
		h := hosts[(faulted.Index+i)%len(hosts)]
		if h.IsHTTP() && !slices.Contains(avoid, h) && !r.opts.Engine.Remembered(h) {
			return h
		}
	}
	return nil
}

// keepCurrent puts back the host that served before a request that an
// injected fault moved to another host: the fault fails that request
// alone, and the next one goes where it would have gone.
func (r *Relay) keepCurrent(before, moved *cluster.Host) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if before != nil && r.current == moved && !r.opts.Engine.Remembered(before) {
		r.current = before
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// learnSegments remembers the place of each segment an HLS media playlist
// names, by its path under the relay, so that a fault plan can select
// segments by index and media sequence number. body is the rewritten
// playlist; clip the playlist's own path.
func (r *Relay) learnSegments(clip string, body []byte, base string) {
	if !bytes.Contains(body, []byte("#EXTINF")) {
		return
	}
	dir := path.Dir("/" + strings.SplitN(clip, "?", 2)[0])
	var index, seq int64
	found := map[string]segPos{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "#EXT-X-MEDIA-SEQUENCE:"):
			seq, _ = strconv.ParseInt(strings.TrimPrefix(line, "#EXT-X-MEDIA-SEQUENCE:"), 10, 64)
		case line == "" || strings.HasPrefix(line, "#"):
		default:
			uri, _, _ := strings.Cut(line, "?")
			var p string
			switch {
			case strings.HasPrefix(uri, base):
				p = "/" + strings.TrimPrefix(uri, base)
			case strings.Contains(uri, "://"):
				continue // outside the cluster: not the relay's
			case strings.HasPrefix(uri, "/"):
				p = uri
			default:
				p = path.Join(dir, uri)
			}
			found[strings.TrimPrefix(p, "/")] = segPos{index: index, sequence: seq + index}
			index++
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.segments)+len(found) > maxSegments {
		clear(r.segments) // a live stream's playlists name new segments for ever
	}
	for p, pos := range found {
		r.segments[p] = pos
	}
}
