package abr

import (
	"math"
	"testing"
)

func TestEWMA(t *testing.T) {
	t.Parallel()
	type sample struct{ secs, value float64 }
	cases := []struct {
		name     string
		halfLife float64
		samples  []sample
		want     float64
		ok       bool
	}{
		{"no sample", 3, nil, 0, false},
		{"one sample is its own value", 3, []sample{{0.5, 1000}}, 1000, true},
		{"a steady value stays", 3, []sample{{1, 800}, {2, 800}, {5, 800}}, 800, true},
		// After one half-life of new samples, the old value weighs half
		// of what it weighed: 1000 held for long, then 3 s of 0.
		{"a half-life halves the past", 3, []sample{{300, 1000}, {3, 0}}, 500, true},
		{"time weighs, not the count", 3, []sample{{300, 1000}, {1, 0}, {1, 0}, {1, 0}}, 500, true},
		{"the slow one forgets slower", 9, []sample{{300, 1000}, {3, 0}}, 1000 * math.Pow(0.5, 1.0/3), true},
		{"empty samples are ignored", 3, []sample{{0, 5}, {-1, 5}}, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := ewma{halfLife: c.halfLife}
			for _, s := range c.samples {
				e.add(s.secs, s.value)
			}
			got, ok := e.get()
			if ok != c.ok || math.Abs(got-c.want) > 1e-6*max(1, c.want) {
				t.Errorf("got %v %v, want %v %v", got, ok, c.want, c.ok)
			}
		})
	}
}
