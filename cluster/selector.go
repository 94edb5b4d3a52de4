package cluster

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
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

var policies = map[string]func() Selector{
	PolicyOrdered: func() Selector { return Ordered{} },
	PolicyRandom:  func() Selector { return Random{} },
}

// RegisterPolicy adds a selection policy under a name.
func RegisterPolicy(name string, make func() Selector) { policies[name] = make }

// NewSelector returns the policy of that name.
func NewSelector(name string) (Selector, error) {
	make, ok := policies[name]
	if !ok {
		return nil, fmt.Errorf("unknown selection policy %q (want one of %s)", name, strings.Join(PolicyNames(), ", "))
	}
	return make(), nil
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
type Random struct{}

// Order implements Selector.
func (Random) Order(hosts []*Host, _ *Memory) []*Host {
	out := append([]*Host(nil), hosts...)
	rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
