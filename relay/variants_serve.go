package relay

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"clusterplay/abr"
	"clusterplay/events"
)

// serveLadderSegment serves segment seq from the rung the rule chooses
// (or the one its init segment chose: variants_flight.go), whole: the
// relay holds it before the player gets a byte, so that a download that
// would end after the player's buffer runs out can be abandoned for a
// lower rung without the player seeing two variants' bytes in one
// response.
func (r *Relay) serveLadderSegment(w http.ResponseWriter, req *http.Request, l *ladder, seq int64) {
	l.mu.Lock()
	if l.lists == nil {
		l.mu.Unlock()
		http.Error(w, "the playlist was not read", http.StatusNotFound)
		return
	}
	f, start := r.fetchFor(l, seq, false)
	l.mu.Unlock()
	if f == nil {
		http.Error(w, "no such segment", http.StatusNotFound)
		return
	}
	early := answerEarly(w, req, "")
	if err := r.await(req, l, f, start); err != nil {
		failSegment(w, early, l.master, err)
		return
	}
	sendSegment(w, req, early, r.takeBody(req.Context(), l, f))
}

// answerEarly sends the headers of a whole-segment answer at once, so
// that the player, which gives up on a request whose headers do not come
// within its network timeout, waits for the body instead while the relay
// fetches it (and may abandon it for another variant). Only for a GET of
// the whole segment (no range, or bytes=0- as ffmpeg asks, which a 200
// answers): another range or a HEAD is answered when the segment is there.
func answerEarly(w http.ResponseWriter, req *http.Request, contentType string) bool {
	if rg := strings.ReplaceAll(req.Header.Get("Range"), " ", ""); req.Method != http.MethodGet || (rg != "" && rg != "bytes=0-") {
		return false
	}
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.WriteHeader(http.StatusOK)
	_ = http.NewResponseController(w).Flush()
	return true
}

// sendSegment sends body: after early headers, the bytes alone.
func sendSegment(w http.ResponseWriter, req *http.Request, early bool, body []byte) {
	if early {
		_, _ = w.Write(body)
		return
	}
	http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(body))
}

// failSegment answers a segment no host could serve: an error status, or
// after early headers a cut connection, which the player sees as a
// failed read rather than an empty segment.
func failSegment(w http.ResponseWriter, early bool, clip string, err error) {
	if !early {
		refuse(w, clip, err)
		return
	}
	panic(http.ErrAbortHandler)
}

// servedSegment notes a segment of n bytes fetched in took from host for
// choice c, and says a switch from the rung said last (prev, the rung
// that served when c was chosen, before anything was said). Segments are
// fetched two at a time (the player opens the next while it reads one),
// so two chosen against the same prev must not both say the switch.
func (r *Relay) servedSegment(l *ladder, prev int, c choice, host string, n int, took time.Duration) {
	l.mu.Lock()
	if c.why != events.QualityAbandon {
		l.noteSegment(n, took)
		if k := len(l.rates) - 1; l.track == audioTrack {
			// An audio fetch's own rate is the link's: what the video
			// leaves of it may lift audio, as for the estimate.
			l.rates[k] = r.linkLeft(l, l.rates[k])
		}
	}
	l.cur = c.rung
	l.hostMoved = l.lastHost != "" && host != l.lastHost
	l.lastHost = host
	from := prev
	if l.saidAny {
		from = l.said
	}
	l.said, l.saidAny = c.rung, true
	l.mu.Unlock()
	if from >= 0 && from != c.rung {
		why := c.why
		if why == "" {
			why = events.QualityEstimate
		}
		r.publishSwitch(l, from, c.rung, why)
	}
}

// fetchSegment reads seg whole and says which host served it last.
func (r *Relay) fetchSegment(req *http.Request, seg mediaSeg, watch func(got, total int64, el time.Duration) bool) ([]byte, string, error) {
	r.mu.Lock()
	before := r.current
	r.mu.Unlock()
	body, err := r.fetchWhole(req.Context(), req, seg.clip, seg.rng, watch)
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

// abandonWatch watches a download from rung: when it goes slower than
// the rung plays and the rule (abr.Rule.Abandon) says it would end after
// the player's buffer runs out, it sets *to to the lowest rung and ends
// the download. A download faster than its rung plays is
// kept: the buffer only grows from it, however low it is. The download
// is judged by its rate over its last second (abandonWindow) when that
// is lower than the host's estimate: a link that fell mid-segment shows
// there first, well before the estimate's averages follow.
func (r *Relay) abandonWatch(l *ladder, rung int, segDur float64, to *int) func(got, total int64, el time.Duration) bool {
	var w rateWindow
	return func(got, total int64, el time.Duration) bool {
		recent := w.add(got, el) // bits/s over the last second
		if total <= 0 || el < 300*time.Millisecond || recent >= float64(l.rungs[rung].Bandwidth) {
			return true
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		usable := l.usable(rung)
		in := r.ruleInput(l, usable, rung)
		if !in.Playing {
			return true
		}
		if recent > 0 && (in.Estimate <= 0 || recent < in.Estimate) {
			in.Estimate = recent
		}
		_, give := r.abrRule.Abandon(in, abr.Segment{BytesLeft: total - got, Duration: time.Duration(segDur * float64(time.Second))})
		r.log.Debug("quality abandon?", "rung", l.rungs[rung].Name, "left_bytes", total-got, "recent_bps", int64(recent),
			"estimate_bps", int64(in.Estimate), "buffer", in.Buffer, "abandon", give)
		if !give {
			return true
		}
		// The lowest, not the rule's pick: the player fetches the next
		// segment while this one comes, and the link that fell is shared
		// by both (measured: the middle variant's segment, which the rule
		// judged in time alone, came after the buffer ran out).
		*to = usable[0]
		return false
	}
}

// abandonWindow is how far back a download's recent rate looks.
const abandonWindow = time.Second

// rateWindow is a download's progress over its last abandonWindow.
type rateWindow struct {
	marks []struct {
		got int64
		el  time.Duration
	}
}

// add notes got bytes at el and returns the rate since the oldest mark
// within the window (bits/s), 0 before there are two marks.
func (w *rateWindow) add(got int64, el time.Duration) float64 {
	w.marks = append(w.marks, struct {
		got int64
		el  time.Duration
	}{got, el})
	for len(w.marks) > 2 && el-w.marks[1].el >= abandonWindow {
		w.marks = w.marks[1:]
	}
	first := w.marks[0]
	if len(w.marks) < 2 || el <= first.el {
		return 0
	}
	return float64(got-first.got) * 8 / (el - first.el).Seconds()
}
