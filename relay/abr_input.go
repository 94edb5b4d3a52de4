package relay

import (
	"time"

	"clusterplay/abr"
	"clusterplay/cluster"
)

// What the relay hands the ABR rule (package abr) for a choice: the
// measured throughput of the host that serves, and the player's buffer
// as it is now. The variant view (which variants, which one serves, the
// segments' duration, the bounds of --quality-min/--quality-max) is the
// caller's.

// abrInput is the rule's input for a choice among bitrates (bits/s,
// ascending) while current serves, from host h, segments of segment.
func (r *Relay) abrInput(bitrates []float64, current int, h *cluster.Host, segment time.Duration, bounds abr.Bounds) abr.Input {
	in := abr.Input{Bitrates: bitrates, Current: current, SegmentDuration: segment, Bounds: bounds}
	in.Estimate, _ = r.Throughput(h)
	in.Buffer, in.Playing = r.bufferNow()
	return in
}

// abandonEstimate is what a segment under way from h is judged by (bits
// per second, 0 unknown): the lower of the host's estimate and its last
// sample window, so that a link that falls mid-segment shows within a
// second rather than the fast average's three. A stalled link is 1 bit/s,
// not 0, which the rule reads as not known.
func (r *Relay) abandonEstimate(h *cluster.Host) float64 {
	est, ok := r.Throughput(h)
	if !ok {
		return 0
	}
	if latest, ok := r.LatestThroughput(h); ok && latest < est {
		return max(latest, 1) // a link that sends nothing is no unknown one
	}
	return est
}

// bufferNow is the player's buffer now: what the session last said, less
// the media played since when the player plays. A relay never told
// (clusterplay relay) knows none.
func (r *Relay) bufferNow() (time.Duration, bool) {
	b, known := r.playerBuffer()
	if !known {
		return 0, false
	}
	if b.Playing && !b.At.IsZero() {
		b.Cached = max(0, b.Cached-r.opts.Clock.Since(b.At))
	}
	return b.Cached, b.Playing
}
