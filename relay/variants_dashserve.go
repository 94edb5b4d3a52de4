package relay

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Serving a DASH ladder's initialization and segments. A segment from a
// rung other than the one whose initialization the player read last is
// preceded, in the same response, by that rung's initialization: ffmpeg's
// MP4 reader takes a second ftyp/moov before the next moof, as when its
// HLS reader pushes a new EXT-X-MAP. Segments are held whole before the
// player gets a byte, so that one that would end after the buffer runs
// out is abandoned for the lowest rung (abandonWatch), as for HLS.

// serveDASHList answers a list ladder's init.mp4 or seg-N.m4s.
func (r *Relay) serveDASHList(w http.ResponseWriter, req *http.Request, l *ladder, name string) {
	var seq int64
	switch {
	case name == "init.mp4":
		l.mu.Lock()
		rung := l.cur
		if rung < 0 {
			rung = l.start
		}
		l.mu.Unlock()
		r.serveDASHInit(w, req, l, rung)
	case scan(name, "seg-%d", &seq):
		r.serveDASHSegment(w, req, l, seq, name)
	default:
		http.Error(w, "not found", http.StatusNotFound)
	}
}

// serveDASHInit serves rung's initialization, the one the player reads
// from then on.
func (r *Relay) serveDASHInit(w http.ResponseWriter, req *http.Request, l *ladder, rung int) {
	body, clip, err := r.rungInit(req, l, rung)
	if err != nil {
		refuse(w, clip, err)
		return
	}
	l.mu.Lock()
	l.dash.mapped = rung
	l.mu.Unlock()
	w.Header().Set("Content-Type", l.contentType())
	http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(body))
}

func (l *ladder) contentType() string {
	if l.track == audioTrack {
		return "audio/mp4"
	}
	return "video/mp4"
}

// rungInit is rung's initialization, read once and kept (a few hundred
// bytes), and its clip.
func (r *Relay) rungInit(req *http.Request, l *ladder, rung int) ([]byte, string, error) {
	l.mu.Lock()
	clip, rng := "", byteRange{end: -1}
	switch {
	case l.dash.list && l.lists[rung] != nil && len(l.lists[rung].segs) > 0:
		clip, rng = l.lists[rung].segs[0].init, l.lists[rung].segs[0].initRng
	case !l.dash.list && l.dash.initClip != "":
		clip = strings.ReplaceAll(l.dash.initClip, l.marker, l.rungs[rung].ID)
	}
	key := fmt.Sprintf("%s %d-%d", clip, rng.start, rng.end)
	body := l.inits[key]
	l.mu.Unlock()
	if clip == "" || body != nil {
		return body, clip, nil
	}
	body, err := r.fetchWhole(req.Context(), req, clip, rng, nil)
	if err != nil {
		return nil, clip, err
	}
	l.mu.Lock()
	l.inits[key] = body
	l.mu.Unlock()
	return body, clip, nil
}

// switchInit is the initialization to send before a segment of rung:
// none when the player read rung's last (or none yet).
func (r *Relay) switchInit(req *http.Request, l *ladder, rung int) ([]byte, error) {
	l.mu.Lock()
	mapped := l.dash.mapped
	l.mu.Unlock()
	if mapped < 0 || mapped == rung {
		return nil, nil
	}
	body, _, err := r.rungInit(req, l, rung)
	return body, err
}

// dashFetch is a segment's bytes from the rung c, after the rung's
// initialization when the player read another's last, and the host.
func (r *Relay) dashFetch(req *http.Request, l *ladder, c choice, seg mediaSeg, watch func(got, total int64, el time.Duration) bool) ([]byte, string, bool, error) {
	init, err := r.switchInit(req, l, c.rung)
	if err != nil {
		return nil, "", false, err
	}
	body, host, err := r.fetchSegment(req, seg, watch)
	if err != nil || init == nil {
		return body, host, false, err
	}
	out := make([]byte, 0, len(init)+len(body))
	return append(append(out, init...), body...), host, true, nil
}

// serveDASHSegment serves a list ladder's segment seq from the rung the
// rule chooses, whole.
func (r *Relay) serveDASHSegment(w http.ResponseWriter, req *http.Request, l *ladder, seq int64, name string) {
	l.mu.Lock()
	c := r.choose(l, seq)
	prev := l.cur
	seg, ok := l.segmentAt(c.rung, seq)
	lowest := r.lowestUsable(l)
	l.mu.Unlock()
	if !ok {
		http.Error(w, "no such segment: "+name, http.StatusNotFound)
		return
	}
	r.dashSegment(w, req, l, prev, c, lowest, seg.dur, func(rung int) (mediaSeg, bool) {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.segmentAt(rung, seq)
	})
}

// dashSegment fetches the segment at(c.rung) (abandoned for at(lowest
// usable) when it would end after the buffer runs out), sends it with
// the initialization a switch needs, and notes what was served.
func (r *Relay) dashSegment(w http.ResponseWriter, req *http.Request, l *ladder, prev int, c choice, lowest int, dur float64,
	at func(rung int) (mediaSeg, bool)) {
	early := answerEarly(w, req, l.contentType())
	began := time.Now()
	body, host, c, seg, err := r.fetchOrAbandon(l, c, lowest, true, dur, at,
		func(c choice, seg mediaSeg, watch watchFunc) ([]byte, string, error) {
			body, host, _, err := r.dashFetch(req, l, c, seg, watch)
			return body, host, err
		})
	if err != nil {
		failSegment(w, early, seg.clip, err)
		return
	}
	r.servedSegment(l, prev, c, host, len(body), time.Since(began))
	l.mu.Lock()
	l.dash.mapped = c.rung
	l.mu.Unlock()
	if !early {
		w.Header().Set("Content-Type", l.contentType())
	}
	sendSegment(w, req, early, body)
}

// adopt carries over what the player has of old, the ladder of the same
// manifest read before (a live MPD reloaded), when its rungs are l's:
// the rung that served last and the initialization the player read, so
// that a reload neither snaps back to the starting rung nor loses the
// initialization a later switch must send.
func (l *ladder) adopt(old *ladder) {
	if old == nil || len(old.rungs) != len(l.rungs) {
		return
	}
	for i := range l.rungs {
		if old.rungs[i].ID != l.rungs[i].ID {
			return
		}
	}
	old.mu.Lock()
	defer old.mu.Unlock()
	l.cur, l.lastHost, l.filled = old.cur, old.lastHost, old.filled
	l.dash.mapped, l.dash.initClip = old.dash.mapped, old.dash.initClip
	if l.cur >= 0 && l.lists[l.cur] == nil {
		l.cur = -1
	}
}
