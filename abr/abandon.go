package abr

import "time"

// Segment is a segment under way, for Abandon.
type Segment struct {
	// BytesLeft is what the host has still to send of it.
	BytesLeft int64
	// Duration is the media it holds: what the same segment of another
	// variant costs is that variant's bitrate times it.
	Duration time.Duration
}

// Abandon judges a segment under way: when its projected end (the bytes
// left over the estimate) comes after the player's buffer runs out, the
// segment is abandoned and fetched whole from a lower variant instead,
// the highest whose segment the estimate brings within the buffer (else
// the lowest), and only when that ends sooner than finishing this one
// would. The estimate for a fetch under way should follow the link as it
// is now, not the averages, which take seconds to follow a fall: the
// fetch's own rate over its last second, or Meter.Latest. ok is false
// when the segment should go on.
func (r Rule) Abandon(in Input, seg Segment) (c Choice, ok bool) {
	n := len(in.Bitrates)
	if n == 0 || in.Estimate <= 0 || seg.BytesLeft <= 0 {
		return Choice{Index: in.Current}, false
	}
	cur := min(max(in.Current, 0), n-1)
	lo, _ := in.Bounds.span(in.Bitrates)
	if cur <= lo {
		return Choice{Index: cur}, false
	}
	finish := seconds(float64(seg.BytesLeft) * 8 / in.Estimate)
	if finish <= in.Buffer {
		return Choice{Index: cur}, false
	}
	fetch := func(i int) time.Duration {
		return seconds(in.Bitrates[i] * seg.Duration.Seconds() / in.Estimate)
	}
	to := lo
	for i := cur - 1; i > lo; i-- {
		if fetch(i) < in.Buffer {
			to = i
			break
		}
	}
	if fetch(to) >= finish {
		return Choice{Index: cur}, false
	}
	return Choice{Index: to, Reason: ReasonAbandon}, true
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
