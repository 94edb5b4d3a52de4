package cluster

import (
	"fmt"
	"sort"
	"strings"

	"clusterplay/clock"
)

// Selector orders the hosts for one pass. It is called once per pass, so a
// random policy reshuffles on every pass. Failed hosts are left in: skipping
// them is the engine's job, so every policy honours the failure memory alike.
type Selector interface {
	Order(hosts []*Host, mem *Memory) []*Host
}

// Policy names, as --select takes them.
const (
	PolicyOrdered  = "ordered"
	PolicyRandom   = "random"
	PolicyWeighted = "weighted"
	PolicyFastest  = "fastest"
)

// policies make each policy with the random source it is to draw on
// (nil: the process's own), as the engine hands its own to the one it uses.
var policies = map[string]func(r *clock.Rand) Selector{
	PolicyOrdered: func(*clock.Rand) Selector { return Ordered{} },
	PolicyRandom:  func(r *clock.Rand) Selector { return Random{Rand: r} },
}

// RegisterPolicy adds a selection policy under a name.
func RegisterPolicy(name string, make func(r *clock.Rand) Selector) { policies[name] = make }

// NewSelector returns the policy of that name, drawing on the process's
// random source.
func NewSelector(name string) (Selector, error) { return newSelector(name, nil) }

// newSelector returns the policy of that name, drawing on r.
func newSelector(name string, r *clock.Rand) (Selector, error) {
	make, ok := policies[name]
	if !ok {
		return nil, fmt.Errorf("unknown selection policy %q (want one of %s)", name, strings.Join(PolicyNames(), ", "))
	}
	return make(r), nil
}

// PolicyNames lists the registered policies, sorted.
func PolicyNames() []string {
	names := make([]string, 0, len(policies))
	for n := range policies {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Ordered keeps the configured order: the first host is the primary.
type Ordered struct{}

// Order implements Selector.
func (Ordered) Order(hosts []*Host, _ *Memory) []*Host { return append([]*Host(nil), hosts...) }

// Random is a uniform shuffle (Fisher-Yates), fresh on every pass. The
// original plugin picked round(random*(n-1)), which gives the first and last
// host half the share of the others.
type Random struct {
	Rand *clock.Rand // nil: the process's own source
}

// Order implements Selector.
func (p Random) Order(hosts []*Host, _ *Memory) []*Host {
	out := append([]*Host(nil), hosts...)
	p.Rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
