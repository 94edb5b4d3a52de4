package cluster

import (
	"math"
	"slices"
	"sort"

	"clusterplay/clock"
)

func init() {
	RegisterPolicy(PolicyWeighted, func(r *clock.Rand) Selector { return Weighted{Rand: r} })
	RegisterPolicy(PolicyFastest, func(r *clock.Rand) Selector { return Fastest{Rand: r} })
}

// shownOrder is the order users read the policies in (--help, error
// messages): the original plugin's two, then the ones that need more of
// the user, simplest first.
var shownOrder = []string{PolicyOrdered, PolicyRandom, PolicyWeighted, PolicyFastest}

// Policies lists the registered policies in the order users are shown
// them; one registered under another name comes last, so a flag or a
// config check built from this list never misses it.
func Policies() []string {
	out := make([]string, 0, len(policies))
	for _, name := range shownOrder {
		if _, ok := policies[name]; ok {
			out = append(out, name)
		}
	}
	for _, name := range PolicyNames() {
		if !slices.Contains(shownOrder, name) {
			out = append(out, name)
		}
	}
	return out
}

// Weighted orders hosts as DVB-DASH orders base URLs: the lowest priority
// value first, and within a priority group a weighted random order, so a
// host of weight 3 leads its group three times as often as one of weight 1.
// Hosts remembered as failed are skipped by the engine; as the order within
// any subset of a group keeps the weighted distribution, excluding them
// leaves the others' shares as they should be.
type Weighted struct {
	Rand *clock.Rand // nil: the process's own source
}

// Order implements Selector.
func (p Weighted) Order(hosts []*Host, _ *Memory) []*Host {
	// Efraimidis-Spirakis: sorting by u^(1/w), largest first, is a weighted
	// sample without replacement of the whole group in one pass.
	keys := make(map[*Host]float64, len(hosts))
	for _, h := range hosts {
		keys[h] = math.Pow(p.Rand.Float64(), 1/float64(weightOf(h)))
	}
	out := append([]*Host(nil), hosts...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Priority != out[j].Priority {
			return out[i].Priority < out[j].Priority
		}
		return keys[out[i]] > keys[out[j]]
	})
	return out
}

// weightOf treats a missing weight as 1, as DVB-DASH does.
func weightOf(h *Host) int {
	if h.Weight <= 0 {
		return 1
	}
	return h.Weight
}

// Fastest orders hosts by their smoothed connect latency as kept in the
// failure memory, across runs. Hosts never measured come first, so that
// every host gets measured; ties are broken at random so equal hosts share
// the load.
type Fastest struct {
	Rand *clock.Rand // nil: the process's own source
}

// Order implements Selector.
func (p Fastest) Order(hosts []*Host, mem *Memory) []*Host {
	out := Random{Rand: p.Rand}.Order(hosts, mem)
	latency := make(map[*Host]float64, len(out))
	for _, h := range out {
		latency[h] = -1 // untried
		if mem != nil {
			if d, ok := mem.Latency(h.Key()); ok {
				latency[h] = float64(d)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return latency[out[i]] < latency[out[j]] })
	return out
}
