package playback

import (
	"math"
	"time"
)

// bitrateTau is the time constant of the stream's bitrate as the relay is
// told it. mpv measures each track's bitrate over about the last second of
// packets, which swings with every keyframe (±30 % on the demo clip); the
// relay's slow-host rule compares a host's rate with it, and a spike would
// make a host that keeps up look slow. A few seconds' average follows a
// stream that changes (another variant) without those swings.
const bitrateTau = 4 * time.Second

// bitrateAverage is a time-weighted moving average of mpv's bitrate
// samples: each sample weighs by the time it stood, so the rate of
// progress events does not matter.
type bitrateAverage struct {
	avg  float64
	last time.Time // when the last sample came; zero before the first
}

// add takes mpv's bitrate at now (0: unknown, ignored) and returns the
// average, 0 until a first sample.
func (b *bitrateAverage) add(sample float64, now time.Time) float64 {
	if sample <= 0 {
		return b.avg
	}
	if b.last.IsZero() || b.avg <= 0 {
		b.avg, b.last = sample, now
		return b.avg
	}
	w := 1 - math.Exp(-max(now.Sub(b.last), 0).Seconds()/bitrateTau.Seconds())
	b.avg += (sample - b.avg) * w
	b.last = now
	return b.avg
}
