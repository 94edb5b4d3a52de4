package abr

import "testing"

func TestRuleFirst(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   Input
		want int
	}{
		{"no variants", Input{}, 0},
		{"no estimate: the lowest", Input{Bitrates: three}, 0},
		{"no estimate: the lowest in bounds", Input{Bitrates: three, Bounds: Bounds{MinBitrate: 1e6}}, 1},
		{"1.5x the middle: the middle", Input{Bitrates: three, Estimate: 1.5 * 1426e3}, 1},
		{"a fast host: the top", Input{Bitrates: three, Estimate: 10e6}, 2},
		{"a fast host under a max bound", Input{Bitrates: three, Estimate: 10e6, Bounds: Bounds{MaxBitrate: 2e6}}, 1},
		{"a slow host: the lowest", Input{Bitrates: three, Estimate: 300e3}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := DefaultRule().First(c.in); got != c.want {
				t.Errorf("First = %d, want %d", got, c.want)
			}
		})
	}
}
