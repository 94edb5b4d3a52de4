package player

import (
	"encoding/json"
	"errors"
	"math"
	"time"
)

// Telling a live stream from a clip.
//
// mpv has no notion of live. When a container declares no duration (an
// RTMP live stream: nginx-rtmp's onMetaData carries none), mpv makes one up
// from the highest timestamp demuxed so far (demux.c, add_packet) and
// raises it with every packet. A live stream thus shows a "duration" of
// about 2 s at its first frame (what ffmpeg read to probe the stream) that
// then grows with the cache, and its end, when the host dies, comes after
// the cache has played out: at that made-up duration. Judged by the
// numbers, the death of a live host looks like a clip played to its end.
//
// A made-up duration is the demuxer's cache end, the same number, as long
// as the demuxer has not reached the end of the stream; a declared one is
// beyond the cache end until the whole file is demuxed (it counts the last
// frame's length as well). So a load is live when, at file-loaded or at its
// first frame, mpv has no duration at all, or one equal to the cache end
// with the demuxer still reading. Once live, a load stays live and its
// Duration is 0, as the Player promises for live streams.
//
// A clip whose container declares no duration counts as live too: nothing
// in mpv tells the two apart, and its end is then treated like a live
// stream's.

// madeUpSlack absorbs the rounding of the cache state's printed numbers.
const madeUpSlack = 0.002

// cacheState is the part of mpv's demuxer-cache-state read here.
type cacheState struct {
	End float64 `json:"cache-end"`
	EOF bool    `json:"eof"`
	ok  bool
}

func (p *Player) cacheState() cacheState {
	s, err := p.m.GetPropertyString("demuxer-cache-state")
	if err != nil {
		return cacheState{}
	}
	return parseCacheState(s)
}

func parseCacheState(s string) cacheState {
	var cs cacheState
	if json.Unmarshal([]byte(s), &cs) == nil {
		cs.ok = true
	}
	return cs
}

// A live stream has no end of its own: its end is its host's (killed, or
// its encoder gone). mpv says so once it has played out what it holds,
// about 0.2 s of a live stream after its demuxer read the end; its cache
// state, published at most every 0.25 s, is no quicker. The Player
// therefore looks at the demuxer itself, every progressRetry while a live
// load plays, and ends the load as soon as the demuxer has read the end of
// the stream: End (eof, Live) is sent and mpv stopped, and the viewer's
// next frame comes from the next host sooner.

// watchingLiveEnd: the current load is live and playing, so its end is
// looked for.
func (p *Player) watchingLiveEnd() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.s.watchLive()
}

func (s *state) watchLive() bool {
	return s.live && s.started && s.active && s.loadEntry > 0 && s.curEntry >= s.loadEntry
}

// pollLiveEnd ends a live load whose demuxer has reached the end, at most
// once every progressRetry however many events come between.
func (p *Player) pollLiveEnd() []Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &p.s
	if !s.watchLive() || time.Since(s.livePolled) < time.Duration(progressRetry*float64(time.Second)) {
		return nil
	}
	s.livePolled = time.Now()
	if cs := p.cacheState(); !cs.ok || !cs.EOF {
		return nil
	}
	s.active = false // the end-file of the stop below is not passed on
	p.log.Debug("the live stream's demuxer reached its end: ending the load now", "url", s.url,
		"position_s", s.pos.Seconds(), "cache_s", s.cache.Seconds())
	_ = p.m.Command("stop")
	e := p.snapshot(EventEnd)
	e.Reason = ReasonEOF
	return []Event{e}
}

// durationMadeUp reports whether the current file's duration is mpv's
// estimate rather than the container's (see above). The demuxer thread
// adds packets meanwhile, so the cache end is read on both sides of the
// duration: one of them matches a made-up duration even when a packet
// arrived in between.
func (p *Player) durationMadeUp() bool {
	before := p.cacheState()
	d, err := p.m.GetPropertyDouble("duration")
	after := p.cacheState()
	if before.EOF || after.EOF {
		return false // fully demuxed: any duration is final
	}
	if err != nil {
		// No duration even though the demuxer is open: declared none,
		// and no packet demuxed yet.
		return errors.Is(err, ErrPropertyUnavailable)
	}
	for _, cs := range []cacheState{before, after} {
		if cs.ok && math.Abs(cs.End-d) <= madeUpSlack {
			return true
		}
	}
	return false
}
