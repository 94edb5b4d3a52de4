package clock

import (
	"math/rand/v2"
	"sync"
)

// Rand is a random source safe for concurrent use: the engine's
// resolutions may draw from it at once. The nil *Rand is the process's
// own source (math/rand/v2's, seeded afresh each run), so a policy given
// none shuffles as it always did; NewRand gives one that repeats.
type Rand struct {
	mu sync.Mutex
	r  *rand.Rand
}

// NewRand returns a source that draws the same numbers for the same seed,
// on every run and machine.
func NewRand(seed uint64) *Rand {
	return &Rand{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Float64 is a number in [0, 1).
func (r *Rand) Float64() float64 {
	if r == nil {
		return rand.Float64()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.r.Float64()
}

// IntN is a number in [0, n); n must be positive.
func (r *Rand) IntN(n int) int {
	if r == nil {
		return rand.IntN(n)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.r.IntN(n)
}

// Shuffle is a uniform Fisher-Yates shuffle of n elements, as
// rand.Shuffle.
func (r *Rand) Shuffle(n int, swap func(i, j int)) {
	if r == nil {
		rand.Shuffle(n, swap)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.r.Shuffle(n, swap)
}
