package main

import (
	"math"
	"testing"
)

// The expected percentiles are NumPy's defaults (linear interpolation,
// "type 7"), e.g. numpy.percentile([1, 2, 3, 4], 10) == 1.3.
func TestPercentile(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		p    float64
		want float64
	}{
		{"single", []float64{5}, 50, 5},
		{"odd median", []float64{3, 1, 2}, 50, 2},
		{"even median", []float64{4, 1, 3, 2}, 50, 2.5},
		{"p10 interpolates", []float64{1, 2, 3, 4}, 10, 1.3},
		{"p90 interpolates", []float64{1, 2, 3, 4}, 90, 3.7},
		{"p0 is min", []float64{9, 7, 8}, 0, 7},
		{"p100 is max", []float64{9, 7, 8}, 100, 9},
		{"out of range clamps", []float64{1, 2}, 150, 2},
		{"duplicates", []float64{2, 2, 2, 10}, 50, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.xs, tt.p); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.xs, tt.p, got, tt.want)
			}
		})
	}
	if got := median(nil); !math.IsNaN(got) {
		t.Errorf("median(nil) = %v, want NaN", got)
	}
}

func TestPercentileLeavesInputAlone(t *testing.T) {
	xs := []float64{3, 1, 2}
	percentile(xs, 50)
	if xs[0] != 3 || xs[1] != 1 || xs[2] != 2 {
		t.Errorf("percentile reordered its input: %v", xs)
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name                 string
		xs                   []float64
		n                    int
		median, lo, hi, mean float64
		p10, p90             float64
		sdMin, sdMax         float64
	}{
		{"one", []float64{4}, 1, 4, 4, 4, 4, 4, 4, 0, 0},
		{"five", []float64{5, 1, 4, 2, 3}, 5, 3, 1, 5, 3, 1.4, 4.6, 1.58, 1.59},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := summarize(tt.xs)
			got := []float64{float64(s.n), s.median, s.min, s.max, s.mean, s.p10, s.p90}
			want := []float64{float64(tt.n), tt.median, tt.lo, tt.hi, tt.mean, tt.p10, tt.p90}
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-9 {
					t.Fatalf("summarize(%v) = %+v, want n/median/min/max/mean/p10/p90 %v", tt.xs, s, want)
				}
			}
			if s.sd < tt.sdMin || s.sd > tt.sdMax {
				t.Errorf("sd = %v, want within [%v, %v]", s.sd, tt.sdMin, tt.sdMax)
			}
		})
	}
	if s := summarize(nil); s.n != 0 || !math.IsNaN(s.median) {
		t.Errorf("summarize(nil) = %+v, want n 0 and NaN median", s)
	}
}

func TestChiSquare(t *testing.T) {
	tests := []struct {
		name     string
		observed []int
		expected []float64
		want     float64
	}{
		{"perfect fit", []int{10, 10, 10}, []float64{10, 10, 10}, 0},
		// (12-10)²/10 + (8-10)²/10 = 0.8
		{"small deviation", []int{12, 8}, []float64{10, 10}, 0.8},
		// Weighted 1:2:3 over 60 picks, expected 10:20:30.
		{"unequal expectation", []int{13, 20, 27}, []float64{10, 20, 30}, 0.9 + 0 + 0.3},
		{"zero expectation skipped", []int{5, 0}, []float64{5, 0}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := chiSquare(tt.observed, tt.expected); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("chiSquare(%v, %v) = %v, want %v", tt.observed, tt.expected, got, tt.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{fmtMS(3.14159), "3.14 ms"},
		{fmtMS(252.4), "252 ms"},
		{fmtMS(66012), "66.01 s"},
		{fmtMS(math.NaN()), "—"},
		{fmtSpreadMS(summarize([]float64{1, 2})), "1.00 ms – 2.00 ms"},
		{fmtSpreadMS(summarize([]float64{5})), "(1 run)"},
		{fmtSpreadNum(summarize(nil), 1), "—"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
