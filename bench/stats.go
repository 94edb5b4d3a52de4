package main

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// summary condenses the repetitions of one measurement. The table reports
// the median (robust against the odd slow run on a shared 2-core machine)
// and min–max: with 3 to 7 repetitions p10 and p90 would only be
// interpolations between the two extremes and their neighbours, which
// hides rather than shows the spread.
type summary struct {
	n                  int
	median, min, max   float64
	p10, p90, mean, sd float64
}

// summarize returns the summary of xs; with n = 0 and NaN values when xs is
// empty, so the table prints "—" instead of a misleading 0.
func summarize(xs []float64) summary {
	if len(xs) == 0 {
		nan := math.NaN()
		return summary{median: nan, min: nan, max: nan, p10: nan, p90: nan, mean: nan, sd: nan}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	var sum float64
	for _, x := range s {
		sum += x
	}
	mean := sum / float64(len(s))
	var sq float64
	for _, x := range s {
		sq += (x - mean) * (x - mean)
	}
	sd := 0.0
	if len(s) > 1 {
		sd = math.Sqrt(sq / float64(len(s)-1))
	}
	return summary{
		n: len(s), median: percentileSorted(s, 50), min: s[0], max: s[len(s)-1],
		p10: percentileSorted(s, 10), p90: percentileSorted(s, 90), mean: mean, sd: sd,
	}
}

// median is the 50th percentile; NaN for an empty sample.
func median(xs []float64) float64 { return percentile(xs, 50) }

// percentile returns the p-th percentile (0..100) of xs by linear
// interpolation between closest ranks (the "type 7" definition of R and
// NumPy's default), so results can be checked against either. NaN when xs
// is empty.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return percentileSorted(s, p)
}

func percentileSorted(s []float64, p float64) float64 {
	p = min(max(p, 0), 100)
	rank := p / 100 * float64(len(s)-1)
	lo := int(math.Floor(rank))
	hi := int(math.Ceil(rank))
	frac := rank - float64(lo)
	return s[lo] + frac*(s[hi]-s[lo])
}

// chiSquare is Pearson's statistic of observed counts against expected
// counts; categories with zero expectation are skipped (they cannot occur).
func chiSquare(observed []int, expected []float64) float64 {
	var chi float64
	for i, o := range observed {
		if i >= len(expected) || expected[i] <= 0 {
			continue
		}
		d := float64(o) - expected[i]
		chi += d * d / expected[i]
	}
	return chi
}

// chiCritical001 holds the chi-square critical values at p = 0.001 for the
// degrees of freedom the spread section uses: a uniform picker exceeds them
// in one run out of a thousand, so a value above them is a real bias.
var chiCritical001 = map[int]float64{1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52, 9: 27.88}

// ms converts a duration to float milliseconds, the unit samples are kept in.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// fmtMS prints milliseconds with a precision that fits their size, switching
// to seconds from 10 s on, so sub-millisecond probes and 66 s resolutions
// both read naturally.
func fmtMS(v float64) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case v < 10:
		return fmt.Sprintf("%.2f ms", v)
	case v < 10000:
		return fmt.Sprintf("%.0f ms", v)
	default:
		return fmt.Sprintf("%.2f s", v/1000)
	}
}

// fmtSpreadMS prints a min–max range in the unit of its larger end.
func fmtSpreadMS(s summary) string {
	if s.n == 0 {
		return "—"
	}
	if s.n == 1 {
		return "(1 run)"
	}
	return fmtMS(s.min) + " – " + fmtMS(s.max)
}

// fmtNum prints a plain number with the given decimals.
func fmtNum(v float64, decimals int) string {
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf("%.*f", decimals, v)
}

// fmtSpreadNum is fmtSpreadMS for plain numbers.
func fmtSpreadNum(s summary, decimals int) string {
	if s.n == 0 {
		return "—"
	}
	if s.n == 1 {
		return "(1 run)"
	}
	return fmtNum(s.min, decimals) + " – " + fmtNum(s.max, decimals)
}
