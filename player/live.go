package player

import (
	"encoding/json"
	"errors"
	"math"
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
	var cs cacheState
	s, err := p.m.GetPropertyString("demuxer-cache-state")
	if err == nil && json.Unmarshal([]byte(s), &cs) == nil {
		cs.ok = true
	}
	return cs
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
