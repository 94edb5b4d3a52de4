package relay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/faults"
)

// splice continues a response from another host at pos, and returns the
// failover for the caller to publish: the next host is
// asked for the bytes from pos less an overlap already sent, which must be
// the very bytes sent (and its length and strong ETag the first host's),
// or the host serves another file and is skipped for this clip. A host
// that ignores Range answers with the whole file: the relay reads and
// drops what precedes the overlap, then checks the overlap as it passes,
// so such a host continues the response too, later by the time it takes
// to send the bytes before pos. Hosts that honour Range are tried first.
func (r *Relay) splice(ctx context.Context, from *upstream, clip string, want byteRange, pos, overlap int64,
	tail *tail, class events.Class, cause error) (*upstream, events.Event, error) {
	// A fault injected into the body fails this response alone: the host
	// is neither remembered as failed nor left for the next request.
	var expires time.Time
	if from.injected == "" {
		expires = r.opts.Engine.MarkFailed(from.host)
	}
	avoid := []*cluster.Host{from.host}
	r.mu.Lock()
	avoid = append(avoid, r.mismatch[clip]...)
	r.mu.Unlock()
	if class == events.ClassSlow {
		avoid = append(avoid, r.slowerThan(from)...)
	}
	at := pos - overlap
	passedOver := map[*cluster.Host]bool{}
	for attempt := 1; ; attempt++ {
		res, err := r.resolvePreferringRange(ctx, clip, avoid)
		if err != nil {
			return nil, events.Event{}, err
		}
		h := res.Host
		next, err := r.getWithFaults(ctx, h, clip, want.header(at), nil, at, attempt)
		if err != nil {
			if !faults.IsInjected(err) {
				r.failHost(h, clip, err)
			}
			avoid = append(avoid, h)
			continue
		}
		if next.status == http.StatusOK && at > 0 && !passedOver[h] && r.rangeHostLeft(append(avoid, h)) {
			// It ignores Range: another host may continue without
			// sending again the bytes before the offset.
			r.markNoRange(h)
			next.close()
			passedOver[h] = true
			continue
		}
		r.log.Debug("splicing", "path", clip, "from", from.host.URL, "to", h.URL, "class", class, "cause", cause,
			"offset", pos, "overlap", overlap, "answered", next.status)
		if why := r.continues(from, next, at, overlap, tail); why != "" {
			r.log.Info("cannot continue from this host", "path", clip, "host", h.URL, "why", why)
			next.close()
			if next.injected == "" {
				r.mu.Lock()
				r.mismatch[clip] = append(r.mismatch[clip], h)
				r.mu.Unlock()
			}
			target, _ := h.ClipURL(clip)
			r.publish(events.Event{Kind: events.ConnectFailed, Host: h.URL, Index: h.Index, URL: target,
				Class: events.ClassMismatch, Err: why})
			avoid = append(avoid, h)
			continue
		}
		if from.injected == "" {
			r.mu.Lock()
			r.current, r.movedAt, r.failBackTo = h, r.opts.Clock.Now(), nil
			r.mu.Unlock()
		}
		// The caller says the failover, with the gap the player saw
		// (gapClock).
		return next, events.Event{Kind: events.Failover, Host: from.host.URL, Index: from.host.Index,
			ToHost: h.URL, ToIndex: h.Index, URL: res.URL, Class: class, Err: cause.Error(),
			ExpiresAt: expires, Seamless: true, Offset: pos}, nil
	}
}

// continues checks that next continues from's file from at: "" when it
// does, else why not, in words that say the response cannot go on there.
// It consumes next's body up to the end of the overlap.
func (r *Relay) continues(from, next *upstream, at, overlap int64, tail *tail) string {
	if next.status == http.StatusOK {
		r.markNoRange(next.host)
	}
	switch {
	case next.start > at:
		return fmt.Sprintf("sent bytes from %d, asked from %d", next.start, at)
	case from.total >= 0 && next.total >= 0 && from.total != next.total:
		return fmt.Sprintf("another file: %d bytes, the first host's %d", next.total, from.total)
	case strongETag(from.etag) != "" && strongETag(next.etag) != "" && from.etag != next.etag:
		return fmt.Sprintf("another file: ETag %s, the first host's %s", next.etag, from.etag)
	}
	if next.start < at {
		r.log.Info("continuing from a host that ignores Range: dropping the bytes before the offset",
			"path", next.path, "host", next.host.URL, "drop", at-next.start)
		if err := r.discard(next, at-next.start); err != nil {
			return fmt.Sprintf("ignores Range, and the %d bytes before the offset did not come: %v", at-next.start, err)
		}
	}
	got := make([]byte, overlap)
	if err := r.readFull(next, got); err != nil {
		return "overlap unreadable: " + err.Error()
	}
	if !bytes.Equal(got, tail.last(int(overlap))) {
		return fmt.Sprintf("another file: the last %d bytes sent differ", overlap)
	}
	return ""
}

// discard reads n bytes of up's body and drops them, a buffer at a time.
func (r *Relay) discard(up *upstream, n int64) error {
	buf := make([]byte, copyBuffer)
	for n > 0 {
		k := min(int64(len(buf)), n)
		if err := r.readFull(up, buf[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// readFull fills p from up's body, each read bounded by the read timeout.
func (r *Relay) readFull(up *upstream, p []byte) error {
	for len(p) > 0 {
		k, timedOut, err := r.read(up, p)
		p = p[k:]
		up.delivered.Add(int64(k))
		if len(p) > 0 && err != nil {
			if timedOut {
				return errors.New("no byte for the read timeout")
			}
			return err
		}
	}
	return nil
}
