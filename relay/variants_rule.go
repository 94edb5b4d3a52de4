package relay

import (
	"math"
	"sync"
	"time"

	"clusterplay/events"
	"clusterplay/variants"
)

// The rule auto switches by, with its numbers (docs/quality.md):
//
//   - the estimate is the lower of two EWMAs of the throughput (3 s and
//     9 s half-lives), each sample weighted by the seconds its fetch took,
//     as hls.js does: it drops fast and climbs with care;
//   - step down when the variant's bitrate is above 0.95x the estimate, to
//     the highest under it; or one step when the player's buffer is under
//     1 s while it plays;
//   - step up only while the buffer holds at least 6 s, to the highest
//     variant whose bitrate is under 0.7x the estimate;
//   - abandon a segment whose projected download ends after the buffer
//     runs out, and fetch it from the variant the rate that download saw
//     affords (variants_abr.go).
const (
	fastHalfLife   = 3 * time.Second
	slowHalfLife   = 9 * time.Second
	downFactor     = 0.95
	upFactor       = 0.7
	upBuffer       = 6 * time.Second
	lowBuffer      = 1 * time.Second
	minEstimateSec = 0.05 // the weight of samples before the estimate counts
)

// estimator is the throughput estimate of the hosts the ladder fetches
// from, in bits per second.
type estimator struct {
	mu         sync.Mutex
	fast, slow float64
	weight     float64 // seconds of samples taken
}

func ewma(old, sample, weight float64, half time.Duration) float64 {
	alpha := math.Pow(0.5, weight/half.Seconds())
	return alpha*old + (1-alpha)*sample
}

// sample adds a download of bytes that took d.
func (e *estimator) sample(bytes int64, d time.Duration) {
	if bytes <= 0 || d <= 0 {
		return
	}
	w := d.Seconds()
	bps := float64(bytes) * 8 / w
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.weight == 0 {
		e.fast, e.slow = bps, bps
	} else {
		e.fast, e.slow = ewma(e.fast, bps, w, fastHalfLife), ewma(e.slow, bps, w, slowHalfLife)
	}
	e.weight += w
}

// estimate is the lower EWMA, 0 before samples enough.
func (e *estimator) estimate() float64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.weight < minEstimateSec {
		return 0
	}
	return math.Min(e.fast, e.slow)
}

// decide is the rung (index into rungs, lowest bitrate first) the next
// segment comes from, given the current one, the estimate (bits/s, 0 =
// none yet) and the player's buffer (known: the session said it while
// playing); reason is why it moved.
func decide(rungs []variants.Variant, cur int, est float64, buf time.Duration, known bool) (int, events.Reason) {
	if est <= 0 {
		return cur, ""
	}
	if float64(rungs[cur].Bandwidth) > downFactor*est {
		to := 0
		for i := range rungs {
			if float64(rungs[i].Bandwidth) <= downFactor*est {
				to = i
			}
		}
		if to < cur {
			return to, events.QualityEstimate
		}
	}
	if known && buf < lowBuffer && cur > 0 {
		return cur - 1, events.QualityBuffer
	}
	if known && buf >= upBuffer {
		to := cur
		for i := cur + 1; i < len(rungs); i++ {
			if float64(rungs[i].Bandwidth) < upFactor*est {
				to = i
			}
		}
		if to > cur {
			return to, events.QualityEstimate
		}
	}
	return cur, ""
}

// abandonRung says whether a download of a segment from rungs[cur], got
// of total bytes after elapsed, is to be given up for a lower rung, and
// which: when what is left would come after the buffer runs out, and the
// whole segment from the lower rung would come sooner.
func abandonRung(rungs []variants.Variant, cur int, got, total int64, elapsed time.Duration, left time.Duration, segDur float64) (int, bool) {
	if cur == 0 || total <= 0 || got >= total || elapsed < 300*time.Millisecond {
		return cur, false
	}
	rate := float64(got) / elapsed.Seconds() // bytes/s
	if rate <= 0 {
		rate = 1
	}
	remaining := time.Duration(float64(total-got) / rate * float64(time.Second))
	if remaining <= left {
		return cur, false
	}
	to := 0
	for i := 0; i < cur; i++ {
		if float64(rungs[i].Bandwidth) <= downFactor*rate*8 {
			to = i
		}
	}
	lower := time.Duration(float64(rungs[to].Bandwidth) / 8 * segDur / rate * float64(time.Second))
	if lower >= remaining {
		return cur, false
	}
	return to, true
}
