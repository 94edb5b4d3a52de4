package abr

import "time"

// Reason says why a choice differs from the current variant, in the
// words of the quality event.
type Reason string

// The reasons a Rule gives. ReasonUser is the caller's bounds moving the
// current variant inside them; the caller has its own reasons besides
// (a user's key, a failover).
const (
	ReasonNone     Reason = ""         // no switch
	ReasonEstimate Reason = "estimate" // the estimate moved past a bound: down over 0.95x, up under 0.7x with the buffer deep
	ReasonBuffer   Reason = "buffer"   // down: the buffer runs out before the current variant's next segment would come
	ReasonAbandon  Reason = "abandon"  // a segment under way would end after the buffer runs out
	ReasonUser     Reason = "user"     // the bounds exclude the current variant
)

// The rule's numbers (docs/abr.md says why each).
const (
	// A step up waits until the buffer holds UpSegments segments, and at
	// least UpBuffer: a step up that proves too much costs a segment at a
	// bitrate the link may not carry, which that buffer absorbs even when
	// the segment takes twice as long as the estimate says.
	UpBuffer   = 4 * time.Second
	UpSegments = 2
	// UpBufferMax caps it: mpv reads an HLS stream only some 9 to 14 s
	// ahead of the picture, so a threshold above that (two 6 s segments)
	// would never be reached and the rule would never step up.
	UpBufferMax = 8 * time.Second
	// UpFactor: the next variant up must need under this share of the
	// estimate, so that the buffer still grows at that variant.
	UpFactor = 0.7
	// DownFactor: the current variant needing more than this share of the
	// estimate steps down; between UpFactor and DownFactor the choice
	// stays, so an estimate that wavers does not flap.
	DownFactor = 0.95
)

// Rule chooses a variant. Its zero value is not useful: take DefaultRule
// and change what a test or a caller needs.
type Rule struct {
	UpBuffer    time.Duration
	UpSegments  float64
	UpBufferMax time.Duration
	UpFactor    float64
	DownFactor  float64
}

// DefaultRule is the rule with the numbers above.
func DefaultRule() Rule {
	return Rule{UpBuffer: UpBuffer, UpSegments: UpSegments, UpBufferMax: UpBufferMax, UpFactor: UpFactor, DownFactor: DownFactor}
}

// Bounds limit the variants a Rule may choose, by bitrate (bits per
// second), both ends included; 0 leaves an end open. A caller that takes
// variant indices (--quality-min 1) passes those variants' bitrates.
type Bounds struct {
	MinBitrate float64
	MaxBitrate float64
}

// Input is what a choice is made from.
type Input struct {
	// Bitrates are the variants' bitrates in bits per second, ascending
	// (BANDWIDTH of HLS, bandwidth of DASH); a choice is an index into it.
	Bitrates []float64
	// Current is the index of the variant serving now.
	Current int
	// Estimate is the throughput in bits per second (Meter.Estimate); 0
	// when not known yet, and then the rule keeps the current variant.
	Estimate float64
	// Buffer is the media the player holds ahead of what it shows.
	Buffer time.Duration
	// Playing says the player shows pictures (not before its first frame,
	// not paused): only then does its buffer run out.
	Playing bool
	// SegmentDuration is the media a segment holds; 0 when not known, and
	// then the buffer's step down is not taken.
	SegmentDuration time.Duration
	Bounds          Bounds
}

// Choice is the variant chosen and why; Reason is ReasonNone when Index
// is the current variant.
type Choice struct {
	Index  int
	Reason Reason
}

// Choose is the variant for the next segment: down when the current
// variant needs more than DownFactor of the estimate (to the highest that
// does not, or the lowest); down when the player plays and its buffer
// runs out before the current variant's next segment would come at the
// estimate (to the highest whose segment comes in time, or the lowest);
// up one step when the buffer holds UpSegments segments and at least
// UpBuffer (upBuffer) and the next variant needs less than UpFactor of
// the estimate; else the current one.
// The bounds come first: a current variant outside them moves to the
// nearest inside.
func (r Rule) Choose(in Input) Choice {
	n := len(in.Bitrates)
	if n == 0 {
		return Choice{}
	}
	cur := min(max(in.Current, 0), n-1)
	lo, hi := in.Bounds.span(in.Bitrates)
	switch {
	case cur < lo:
		return Choice{Index: lo, Reason: ReasonUser}
	case cur > hi:
		return Choice{Index: hi, Reason: ReasonUser}
	case in.Estimate <= 0:
		return Choice{Index: cur}
	}
	if cur > lo && in.Bitrates[cur] > r.DownFactor*in.Estimate {
		return Choice{Index: highestUnder(in.Bitrates, lo, cur-1, r.DownFactor*in.Estimate), Reason: ReasonEstimate}
	}
	if to, ok := in.inTime(lo, cur); ok {
		return Choice{Index: to, Reason: ReasonBuffer}
	}
	if cur < hi && in.Buffer >= r.upBuffer(in.SegmentDuration) && in.Bitrates[cur+1] < r.UpFactor*in.Estimate {
		return Choice{Index: cur + 1, Reason: ReasonEstimate}
	}
	return Choice{Index: cur}
}

// inTime is where the buffer's step down goes: while the player plays
// and the current variant's next segment would come (its bitrate times
// the segment's duration, over the estimate) after the buffer runs out,
// the highest lower variant whose segment comes in time, or the lowest.
// ok is false when the current variant is in time, or nothing is known
// to judge by.
func (in Input) inTime(lo, cur int) (int, bool) {
	if !in.Playing || in.SegmentDuration <= 0 || cur <= lo {
		return cur, false
	}
	fetch := func(i int) time.Duration {
		return seconds(in.Bitrates[i] * in.SegmentDuration.Seconds() / in.Estimate)
	}
	if fetch(cur) <= in.Buffer {
		return cur, false
	}
	for i := cur - 1; i > lo; i-- {
		if fetch(i) <= in.Buffer {
			return i, true
		}
	}
	return lo, true
}

// span is the indices lo..hi of the variants inside the bounds. Bounds
// that leave none (a minimum above the maximum, which a caller should
// refuse) leave the highest variant under the maximum, the cheaper
// mistake.
func (b Bounds) span(bitrates []float64) (lo, hi int) {
	n := len(bitrates)
	lo, hi = n-1, 0
	for i := n - 1; i >= 0; i-- {
		if b.MinBitrate <= 0 || bitrates[i] >= b.MinBitrate {
			lo = i
		}
	}
	for i := range n {
		if b.MaxBitrate <= 0 || bitrates[i] <= b.MaxBitrate {
			hi = i
		}
	}
	if lo > hi {
		lo = hi
	}
	return lo, hi
}

// highestUnder is the highest index in lo..hi whose bitrate is at most
// limit, or lo when none is.
func highestUnder(bitrates []float64, lo, hi int, limit float64) int {
	for i := hi; i > lo; i-- {
		if bitrates[i] <= limit {
			return i
		}
	}
	return lo
}

// upBuffer is the buffer a step up waits for: UpSegments segments of
// segment, at least UpBuffer (all a segment duration not known leaves)
// and at most UpBufferMax (when set).
func (r Rule) upBuffer(segment time.Duration) time.Duration {
	b := max(r.UpBuffer, time.Duration(r.UpSegments*float64(segment)))
	if r.UpBufferMax > 0 {
		b = min(b, max(r.UpBufferMax, r.UpBuffer))
	}
	return b
}
