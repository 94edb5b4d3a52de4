package abr

import (
	"testing"
	"time"
)

func TestRuleAbandon(t *testing.T) {
	t.Parallel()
	// A 4 s segment of the top variant is 3406k*4/8 = 1.7 MB.
	seg := Segment{BytesLeft: 1_000_000, Duration: 4 * time.Second}
	cases := []struct {
		name string
		in   Input
		seg  Segment
		want Choice
		ok   bool
	}{
		// 1 MB left at 8 Mbit/s is 1 s: the 6 s buffer outlasts it.
		{"it ends in time", Input{Bitrates: three, Current: 2, Estimate: 8e6, Buffer: 6 * time.Second}, seg, Choice{Index: 2}, false},
		// At 400 kbit/s, 1 MB is 20 s and the buffer is 6 s. The middle
		// variant's 4 s segment is 14 s away, the lowest's 5.45 s: the
		// lowest is the highest that comes within the buffer.
		{"too late: the highest lower one in time", Input{Bitrates: three, Current: 2, Estimate: 400e3, Buffer: 6 * time.Second}, seg,
			Choice{Index: 0, Reason: ReasonAbandon}, true},
		// At 2 Mbit/s, 1 MB is 4 s and the buffer 3 s: the middle
		// variant's segment is 2.85 s.
		{"the middle one is enough", Input{Bitrates: three, Current: 2, Estimate: 2e6, Buffer: 3 * time.Second}, seg,
			Choice{Index: 1, Reason: ReasonAbandon}, true},
		// The player already starves: any lower variant that ends sooner
		// is better than waiting.
		{"an empty buffer", Input{Bitrates: three, Current: 1, Estimate: 400e3}, seg, Choice{Index: 0, Reason: ReasonAbandon}, true},
		// Nearly done: fetching a whole lower segment is longer than the
		// few bytes left.
		{"nearly done goes on", Input{Bitrates: three, Current: 1, Estimate: 400e3}, Segment{BytesLeft: 50_000, Duration: 4 * time.Second},
			Choice{Index: 1}, false},
		{"the lowest cannot go lower", Input{Bitrates: three, Current: 0, Estimate: 100e3}, seg, Choice{Index: 0}, false},
		{"the min bound cannot go lower", Input{Bitrates: three, Current: 1, Estimate: 100e3, Bounds: Bounds{MinBitrate: 1e6}}, seg,
			Choice{Index: 1}, false},
		{"no estimate, no judgement", Input{Bitrates: three, Current: 2}, seg, Choice{Index: 2}, false},
		{"nothing left", Input{Bitrates: three, Current: 2, Estimate: 1}, Segment{Duration: 4 * time.Second}, Choice{Index: 2}, false},
		{"no variants", Input{Estimate: 1}, seg, Choice{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, ok := DefaultRule().Abandon(c.in, c.seg)
			if got != c.want || ok != c.ok {
				t.Errorf("Abandon = %+v %v, want %+v %v", got, ok, c.want, c.ok)
			}
		})
	}
}
