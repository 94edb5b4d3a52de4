package relay

import (
	"slices"
	"sync"
	"time"

	"clusterplay/cluster"
)

// ttfbSamples is how many of a host's latest times to first byte its p95
// is taken over: recent enough to follow a host that turns slow, enough
// that one slow answer in twenty is the tail rather than the rule.
const ttfbSamples = 20

// ttfbs keeps each host's recent times to first byte, over the responses
// it completed: playlists and segments alike. A request that a hedge
// cancelled adds nothing, so a host's tail does not raise its own hedge
// delay.
type ttfbs struct {
	mu     sync.Mutex
	byHost map[*cluster.Host][]time.Duration // oldest first, at most ttfbSamples
}

func newTTFBs() *ttfbs { return &ttfbs{byHost: map[*cluster.Host][]time.Duration{}} }

// add records one of h's times to first byte.
func (t *ttfbs) add(h *cluster.Host, d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := append(t.byHost[h], d)
	if len(s) > ttfbSamples {
		s = slices.Delete(s, 0, len(s)-ttfbSamples)
	}
	t.byHost[h] = s
}

// p95 is h's recent 95th percentile time to first byte, and whether any
// was measured.
func (t *ttfbs) p95(h *cluster.Host) (time.Duration, bool) {
	t.mu.Lock()
	s := slices.Clone(t.byHost[h])
	t.mu.Unlock()
	return percentile(s, 95)
}

// percentile is the nearest-rank pth percentile of samples; false when
// there are none.
func percentile(samples []time.Duration, p int) (time.Duration, bool) {
	if len(samples) == 0 {
		return 0, false
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	rank := (p*len(s) + 99) / 100 // ceil(p/100 * n), from 1
	return s[max(rank, 1)-1], true
}

// typical is what a host the relay has not asked yet may be expected to
// do: the median of the measured hosts' median times to first byte. Not
// their p95: a request is hedged when it has waited its host's p95, and
// a host judged by that very number would never be worth a hedge.
func (t *ttfbs) typical() (time.Duration, bool) {
	t.mu.Lock()
	var p50s []time.Duration
	for _, s := range t.byHost {
		if d, ok := percentile(s, 50); ok {
			p50s = append(p50s, d)
		}
	}
	t.mu.Unlock()
	return percentile(p50s, 50)
}
