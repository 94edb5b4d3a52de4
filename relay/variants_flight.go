package relay

import (
	"context"
	"errors"
	"net/http"
	"time"

	"clusterplay/events"
	"clusterplay/mpegts"
)

// One fetch of a virtual segment, shared by the two requests that need
// it. For fMP4 the player asks for a segment's init segment as well, and
// the two come in either order: ffmpeg opens segment N+1 while it reads
// N (so N+1 comes first, its init only once N is read), but after a
// start or a seek the init comes first and the player waits on it before
// it asks for the segment. Whichever comes first chooses the rung and
// fetches the segment whole; the init segment is answered only once the
// segment is there, so that it is the init of the rung that really
// served it, abandon included (docs/quality.md).

// segFetch is segment seq of a ladder as fetched for the player.
type segFetch struct {
	seq       int64
	done      chan struct{} // closed when c, body, host, err are final
	c         choice
	prev      int  // the rung that served last when this one was chosen
	abandonOK bool // false for a retry of a segment already sent: its rung is kept
	body      []byte
	host      string
	err       error
	sent      bool // the body went to the player (l.mu)
}

// keptFetches is how many of the newest segments' fetches a ladder keeps
// (the choice of each, and a body not yet sent).
const keptFetches = 8

var errNoSegment = errors.New("no such segment")

// fetchFor returns the fetch of segment seq that a request joins, or a
// new one it must run (start). An init request joins a fetch in flight,
// one not yet sent, or the newest sent (its segment came first); a
// segment request joins one not yet sent. A segment sent already and
// asked again (a retry) is fetched again from the same rung. l.mu is held.
func (r *Relay) fetchFor(l *ladder, seq int64, forInit bool) (f *segFetch, start bool) {
	old := l.fetches[seq]
	if old != nil && (!old.sent || (forInit && seq == l.newest)) {
		return old, false
	}
	f = &segFetch{seq: seq, done: make(chan struct{}), prev: l.cur, abandonOK: true}
	if old != nil && old.sent && old.err == nil {
		f.c, f.abandonOK = choice{old.c.rung, ""}, false
	} else {
		f.c = r.choose(l, seq)
	}
	if _, ok := l.segmentAt(f.c.rung, seq); !ok {
		return nil, false
	}
	if l.fetches == nil {
		l.fetches = map[int64]*segFetch{}
	}
	l.fetches[seq] = f
	l.newest = max(l.newest, seq)
	for s := range l.fetches {
		if s < l.newest-keptFetches {
			delete(l.fetches, s)
		}
	}
	return f, true
}

// await runs f when start, or waits until the request that runs it is
// done (or ctx ends).
func (r *Relay) await(req *http.Request, l *ladder, f *segFetch, start bool) error {
	if start {
		r.runFetch(req, l, f)
	} else {
		select {
		case <-f.done:
		case <-req.Context().Done():
			return req.Context().Err()
		}
	}
	return f.err
}

// runFetch fetches f's segment whole from its rung, abandons it for the
// lowest when the rule says it would come too late (fetchOrAbandon), and
// notes what was served.
func (r *Relay) runFetch(req *http.Request, l *ladder, f *segFetch) {
	defer close(f.done)
	at := func(rung int) (mediaSeg, bool) {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.segmentAt(rung, f.seq)
	}
	seg, ok := at(f.c.rung)
	l.mu.Lock()
	lowest := r.lowestUsable(l)
	l.mu.Unlock()
	if !ok {
		f.err = errNoSegment
		return
	}
	began := time.Now()
	f.body, f.host, f.c, _, f.err = r.fetchOrAbandon(l, f.c, lowest, f.abandonOK, seg.dur, at,
		func(_ choice, seg mediaSeg, watch watchFunc) ([]byte, string, error) {
			return r.fetchWithInit(req, l, seg, watch)
		})
	if f.err == nil {
		r.servedSegment(l, f.prev, f.c, f.host, len(f.body), time.Since(began))
	}
}

// watchFunc watches a download: got of total bytes after el; false ends it.
type watchFunc = func(got, total int64, el time.Duration) bool

// fetchOrAbandon fetches the segment of c's rung (at) through fetch,
// watched by the abandon rule (abandonWatch) unless abandonOK is false or
// the rung is the lowest; a download the rule gives up is fetched again
// whole from the rung it names, the choice then said as abandon. HLS and
// DASH ladders alike. It returns the final choice and its segment.
func (r *Relay) fetchOrAbandon(l *ladder, c choice, lowest int, abandonOK bool, dur float64, at func(rung int) (mediaSeg, bool),
	fetch func(c choice, seg mediaSeg, watch watchFunc) ([]byte, string, error)) ([]byte, string, choice, mediaSeg, error) {
	seg, _ := at(c.rung)
	var watch watchFunc
	abandonTo := -1
	if abandonOK && c.rung != lowest {
		watch = r.abandonWatch(l, c.rung, dur, &abandonTo)
	}
	body, host, err := fetch(c, seg, watch)
	if errors.Is(err, errAbandoned) && abandonTo >= 0 {
		c = choice{abandonTo, events.QualityAbandon}
		if s, ok := at(c.rung); ok {
			seg = s
			body, host, err = fetch(c, seg, nil)
		}
	}
	return body, host, c, seg, err
}

// fetchWithInit reads seg's init segment, when it has one the relay does
// not hold yet, then seg.
func (r *Relay) fetchWithInit(req *http.Request, l *ladder, seg mediaSeg, watch func(got, total int64, el time.Duration) bool) ([]byte, string, error) {
	if seg.init != "" {
		if _, err := r.ladderInit(req, l, seg); err != nil {
			return nil, "", err
		}
	}
	return r.fetchSegment(req, seg, watch)
}

// takeBody hands f's body to the one request that sends it, marked for
// the player when it is a TS segment of another rung than the segment
// before it (package mpegts: ffmpeg's TS reader would take the counters'
// jump for corruption, and its HLS reader skips EXT-X-DISCONTINUITY).
func (r *Relay) takeBody(ctx context.Context, l *ladder, f *segFetch) []byte {
	prevRung := f.prev
	l.mu.Lock()
	before := l.fetches[f.seq-1]
	body := f.body
	f.body, f.sent = nil, true
	l.mu.Unlock()
	if before != nil {
		// The player reads segment seq-1 before this one: its rung, final
		// once abandon had its say, is the one the player read last.
		select {
		case <-before.done:
			if before.err == nil {
				prevRung = before.c.rung
			}
		case <-ctx.Done():
		}
	}
	if prevRung < 0 || prevRung == f.c.rung {
		return body
	}
	marked, ok := mpegts.MarkDiscontinuity(body)
	if ok {
		r.log.Debug("quality: TS discontinuity marked", "seq", f.seq, "from", l.rungs[prevRung].Name, "to", l.rungs[f.c.rung].Name)
	}
	return marked
}
