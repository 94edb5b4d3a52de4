package clock

import (
	"slices"
	"sync"
	"testing"
)

func draw(r *Rand) []int {
	out := []int{r.IntN(1000), int(r.Float64() * 1000)}
	s := []int{0, 1, 2, 3, 4, 5}
	r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	return append(out, s...)
}

func TestSeededRandRepeats(t *testing.T) {
	t.Parallel()
	a, b := draw(NewRand(7)), draw(NewRand(7))
	if !slices.Equal(a, b) {
		t.Errorf("seed 7 drew %v, then %v", a, b)
	}
	if c := draw(NewRand(8)); slices.Equal(a, c) {
		t.Errorf("seeds 7 and 8 both drew %v", a)
	}
}

// TestNilRandIsTheProcesssOwn: a policy given no source still draws, and
// a source is safe to share between goroutines (run with -race).
func TestNilRandIsTheProcesssOwn(t *testing.T) {
	t.Parallel()
	var none *Rand
	if n := none.IntN(3); n < 0 || n >= 3 {
		t.Errorf("IntN(3) = %d", n)
	}
	if f := none.Float64(); f < 0 || f >= 1 {
		t.Errorf("Float64() = %v", f)
	}
	s := []int{1, 2, 3}
	none.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	slices.Sort(s)
	if !slices.Equal(s, []int{1, 2, 3}) {
		t.Errorf("shuffle lost elements: %v", s)
	}
	shared := NewRand(1)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { draw(shared) })
	}
	wg.Wait()
}
