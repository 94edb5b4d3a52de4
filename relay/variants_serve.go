package relay

import (
	"bytes"
	"errors"
	"net/http"
	"time"

	"clusterplay/events"
	"clusterplay/variants"
)

// serveLadderSegment serves segment seq from the rung the rule chooses
// (or the one its init segment was served from), whole: the relay holds
// it before the player gets a byte, so that a TS download that would end
// after the player's buffer runs out can be abandoned for a lower rung
// without the player seeing two variants' bytes in one response.
func (r *Relay) serveLadderSegment(w http.ResponseWriter, req *http.Request, l *ladder, seq int64) {
	l.mu.Lock()
	if l.lists == nil {
		l.mu.Unlock()
		http.Error(w, "the playlist was not read", http.StatusNotFound)
		return
	}
	c, pinned := l.pinned[seq]
	delete(l.pinned, seq)
	if !pinned {
		c = r.choose(l)
	}
	prev := l.cur
	seg, ok := l.segmentAt(c.rung, seq)
	lowest := r.lowestUsable(l)
	segDur := seg.dur
	l.mu.Unlock()
	if !ok {
		http.Error(w, "no such segment", http.StatusNotFound)
		return
	}
	var watch func(got, total int64, el time.Duration) bool
	abandonTo := -1
	if !pinned && c.rung != lowest {
		watch = r.abandonWatch(l, c.rung, segDur, &abandonTo)
	}
	body, host, err := r.fetchSegment(req, seg, watch)
	if errors.Is(err, errAbandoned) && abandonTo >= 0 {
		c = choice{abandonTo, events.QualityAbandon}
		l.mu.Lock()
		seg, ok = l.segmentAt(c.rung, seq)
		l.mu.Unlock()
		if ok {
			body, host, err = r.fetchSegment(req, seg, nil)
		}
	}
	if err != nil {
		refuse(w, seg.clip, err)
		return
	}
	l.mu.Lock()
	l.cur = c.rung
	l.hostMoved = l.lastHost != "" && host != l.lastHost
	l.lastHost = host
	l.mu.Unlock()
	if prev >= 0 && prev != c.rung {
		why := c.why
		if why == "" {
			why = events.QualityEstimate
		}
		r.publishSwitch(l, prev, c.rung, why)
	}
	http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(body))
}

// fetchSegment reads seg whole and says which host served it last.
func (r *Relay) fetchSegment(req *http.Request, seg mediaSeg, watch func(got, total int64, el time.Duration) bool) ([]byte, string, error) {
	r.mu.Lock()
	before := r.current
	r.mu.Unlock()
	body, err := r.fetchWhole(req.Context(), req, seg.clip, seg.rng, watch, true)
	r.mu.Lock()
	h := r.current
	r.mu.Unlock()
	if h == nil {
		h = before
	}
	name := ""
	if h != nil {
		name = h.URL
	}
	return body, name, err
}

// lowestUsable is the lowest rung whose playlist aligns. l.mu is held.
func (r *Relay) lowestUsable(l *ladder) int {
	for i := range l.rungs {
		if l.lists[i] != nil {
			return i
		}
	}
	return l.start
}

// abandonWatch watches a download from rung: when what is left would come
// after the player's buffer runs out, it sets *to to the lower rung the
// rule picks and ends the download.
func (r *Relay) abandonWatch(l *ladder, rung int, segDur float64, to *int) func(got, total int64, el time.Duration) bool {
	return func(got, total int64, el time.Duration) bool {
		buf, known := r.playerBuffer()
		if !known || !buf.Playing {
			return true
		}
		left := buf.Cached - time.Since(buf.At)
		l.mu.Lock()
		defer l.mu.Unlock()
		var usable []int
		for i := 0; i <= rung; i++ {
			if l.lists[i] != nil {
				usable = append(usable, i)
			}
		}
		rungs := make([]variants.Variant, len(usable))
		for k, i := range usable {
			rungs[k] = l.rungs[i]
		}
		k, give := abandonRung(rungs, len(rungs)-1, got, total, el, left, segDur)
		if !give {
			return true
		}
		*to = usable[k]
		return false
	}
}
