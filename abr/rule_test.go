package abr

import (
	"testing"
	"time"
)

// three is the ladder: 545k, 1426k, 3406k.
var three = []float64{545e3, 1426e3, 3406e3}

func TestRuleChoose(t *testing.T) {
	t.Parallel()
	deep, shallow := 12*time.Second, 3*time.Second // deep passes the threshold of 2 s segments and of none
	cases := []struct {
		name string
		in   Input
		want Choice
	}{
		{"no variants", Input{}, Choice{}},
		{"no estimate keeps the current", Input{Bitrates: three, Current: 2, Buffer: deep}, Choice{Index: 2}},
		// 1.5x the middle variant: the top needs more than the estimate,
		// the middle under 0.7x of it: stay in the middle.
		{"the middle fits", Input{Bitrates: three, Current: 1, Estimate: 1.5 * 1426e3, Buffer: deep}, Choice{Index: 1}},
		{"over 0.95x steps down", Input{Bitrates: three, Current: 2, Estimate: 1.5 * 1426e3, Buffer: deep},
			Choice{Index: 1, Reason: ReasonEstimate}},
		{"down to the highest under 0.95x, skipping", Input{Bitrates: three, Current: 2, Estimate: 1e6, Buffer: deep},
			Choice{Index: 0, Reason: ReasonEstimate}},
		{"down to the lowest when none fits", Input{Bitrates: three, Current: 2, Estimate: 100e3, Buffer: deep},
			Choice{Index: 0, Reason: ReasonEstimate}},
		{"the lowest stays however slow", Input{Bitrates: three, Current: 0, Estimate: 100e3, Buffer: deep}, Choice{Index: 0}},
		{"just under 0.95x stays", Input{Bitrates: three, Current: 1, Estimate: 1426e3 / 0.95 * 1.001, Buffer: shallow}, Choice{Index: 1}},
		{"just over 0.95x goes", Input{Bitrates: three, Current: 1, Estimate: 1426e3 / 0.95 * 0.999, Buffer: deep},
			Choice{Index: 0, Reason: ReasonEstimate}},
		{"up one step with a deep buffer", Input{Bitrates: three, Current: 0, Estimate: 10e6, Buffer: deep},
			Choice{Index: 1, Reason: ReasonEstimate}},
		{"no step up with a shallow buffer", Input{Bitrates: three, Current: 0, Estimate: 10e6, Buffer: shallow}, Choice{Index: 0}},
		{"up at the threshold", Input{Bitrates: three, Current: 1, Estimate: 10e6, Buffer: UpBuffer}, Choice{Index: 2, Reason: ReasonEstimate}},
		{"2 s segments: up at 4 s", Input{Bitrates: three, Current: 1, Estimate: 10e6, Buffer: 4 * time.Second, SegmentDuration: 2 * time.Second},
			Choice{Index: 2, Reason: ReasonEstimate}},
		{"3 s segments: not at 5.9 s", Input{Bitrates: three, Current: 1, Estimate: 10e6, Buffer: 5900 * time.Millisecond, SegmentDuration: 3 * time.Second},
			Choice{Index: 1}},
		{"3 s segments: up at 6 s", Input{Bitrates: three, Current: 1, Estimate: 10e6, Buffer: 6 * time.Second, SegmentDuration: 3 * time.Second},
			Choice{Index: 2, Reason: ReasonEstimate}},
		{"6 s segments: not at 7.9 s", Input{Bitrates: three, Current: 1, Estimate: 10e6, Buffer: 7900 * time.Millisecond, SegmentDuration: 6 * time.Second},
			Choice{Index: 1}},
		{"6 s segments: up at the cap, 8 s", Input{Bitrates: three, Current: 1, Estimate: 10e6, Buffer: 8 * time.Second, SegmentDuration: 6 * time.Second},
			Choice{Index: 2, Reason: ReasonEstimate}},
		{"just under the threshold", Input{Bitrates: three, Current: 1, Estimate: 10e6, Buffer: UpBuffer - time.Millisecond}, Choice{Index: 1}},
		{"no step up at 0.7x", Input{Bitrates: three, Current: 1, Estimate: 3406e3 / 0.7 * 0.999, Buffer: deep}, Choice{Index: 1}},
		{"up just past 0.7x", Input{Bitrates: three, Current: 1, Estimate: 3406e3 / 0.7 * 1.001, Buffer: deep},
			Choice{Index: 2, Reason: ReasonEstimate}},
		{"the top stays", Input{Bitrates: three, Current: 2, Estimate: 100e6, Buffer: deep}, Choice{Index: 2}},
		{"a max bound stops the step up", Input{Bitrates: three, Current: 1, Estimate: 100e6, Buffer: deep, Bounds: Bounds{MaxBitrate: 1426e3}},
			Choice{Index: 1}},
		{"a min bound stops the step down", Input{Bitrates: three, Current: 1, Estimate: 100e3, Buffer: deep, Bounds: Bounds{MinBitrate: 1426e3}},
			Choice{Index: 1}},
		{"down stops at the min bound", Input{Bitrates: three, Current: 2, Estimate: 100e3, Buffer: deep, Bounds: Bounds{MinBitrate: 1e6}},
			Choice{Index: 1, Reason: ReasonEstimate}},
		{"above the max bound moves in", Input{Bitrates: three, Current: 2, Estimate: 100e6, Buffer: deep, Bounds: Bounds{MaxBitrate: 600e3}},
			Choice{Index: 0, Reason: ReasonUser}},
		{"below the min bound moves in", Input{Bitrates: three, Current: 0, Estimate: 100e3, Bounds: Bounds{MinBitrate: 3e6}},
			Choice{Index: 2, Reason: ReasonUser}},
		{"bounds that leave none: the max wins", Input{Bitrates: three, Current: 1, Estimate: 100e3, Bounds: Bounds{MinBitrate: 2e6, MaxBitrate: 1e6}},
			Choice{Index: 0, Reason: ReasonUser}},
		// The buffer's step down: at 1.5x the middle (2139k), a 2 s
		// segment of the middle takes 1.33 s, of the lowest 0.51 s.
		{"a buffer that outlasts the next segment stays", Input{Bitrates: three, Current: 1, Estimate: 2139e3, Buffer: 1500 * time.Millisecond,
			Playing: true, SegmentDuration: 2 * time.Second}, Choice{Index: 1}},
		{"a buffer that runs out first steps down", Input{Bitrates: three, Current: 1, Estimate: 2139e3, Buffer: time.Second,
			Playing: true, SegmentDuration: 2 * time.Second}, Choice{Index: 0, Reason: ReasonBuffer}},
		// From the top at 8 Mbit/s, a 4 s segment: the top takes 1.7 s,
		// the middle 0.71 s.
		{"down to the highest in time", Input{Bitrates: three, Current: 2, Estimate: 8e6, Buffer: time.Second,
			Playing: true, SegmentDuration: 4 * time.Second}, Choice{Index: 1, Reason: ReasonBuffer}},
		{"down to the lowest when none is in time", Input{Bitrates: three, Current: 2, Estimate: 8e6,
			Playing: true, SegmentDuration: 4 * time.Second}, Choice{Index: 0, Reason: ReasonBuffer}},
		{"not before the first frame or paused", Input{Bitrates: three, Current: 1, Estimate: 2139e3,
			SegmentDuration: 2 * time.Second}, Choice{Index: 1}},
		{"not without a segment duration", Input{Bitrates: three, Current: 1, Estimate: 2139e3, Playing: true}, Choice{Index: 1}},
		{"not below the min bound", Input{Bitrates: three, Current: 1, Estimate: 2139e3, Playing: true, SegmentDuration: 2 * time.Second,
			Bounds: Bounds{MinBitrate: 1e6}}, Choice{Index: 1}},
		{"the estimate's step down comes first", Input{Bitrates: three, Current: 2, Estimate: 2139e3, Playing: true,
			SegmentDuration: 2 * time.Second}, Choice{Index: 1, Reason: ReasonEstimate}},
		{"a current index out of range is clamped", Input{Bitrates: three, Current: 7, Estimate: 100e6, Buffer: deep}, Choice{Index: 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := DefaultRule().Choose(c.in); got != c.want {
				t.Errorf("Choose = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestBoundsSpan(t *testing.T) {
	t.Parallel()
	cases := []struct {
		b      Bounds
		lo, hi int
	}{
		{Bounds{}, 0, 2},
		{Bounds{MinBitrate: 545e3}, 0, 2},
		{Bounds{MinBitrate: 546e3}, 1, 2},
		{Bounds{MaxBitrate: 3406e3}, 0, 2},
		{Bounds{MaxBitrate: 3405e3}, 0, 1},
		{Bounds{MinBitrate: 1426e3, MaxBitrate: 1426e3}, 1, 1},
		{Bounds{MinBitrate: 5e6}, 2, 2},
		{Bounds{MaxBitrate: 1}, 0, 0},
		{Bounds{MinBitrate: 2e6, MaxBitrate: 1e6}, 0, 0},
	}
	for _, c := range cases {
		if lo, hi := c.b.span(three); lo != c.lo || hi != c.hi {
			t.Errorf("%+v: span = %d..%d, want %d..%d", c.b, lo, hi, c.lo, c.hi)
		}
	}
}
