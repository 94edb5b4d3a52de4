package abr

import "math"

// ewma is an exponentially weighted moving average whose samples weigh
// by the time they cover: a sample of two seconds moves the average as
// two samples of one second would, so the average forgets at the same
// pace in wall time whatever the length of the samples. After halfLife
// seconds of samples, what came before weighs half.
type ewma struct {
	halfLife float64 // seconds
	value    float64 // biased toward the zero it starts from; see get
	weight   float64 // seconds of samples taken
}

// add takes a sample of value covering seconds.
func (e *ewma) add(seconds, value float64) {
	if seconds <= 0 || e.halfLife <= 0 {
		return
	}
	keep := math.Pow(0.5, seconds/e.halfLife)
	e.value = keep*e.value + (1-keep)*value
	e.weight += seconds
}

// get is the average. The average starts at zero, so until many half-lives
// of samples are taken it is divided by the share of weight the samples
// hold (1 - 0.5^(weight/halfLife)): one sample alone is its own value,
// rather than a fraction of it.
func (e *ewma) get() (float64, bool) {
	if e.weight <= 0 || e.halfLife <= 0 {
		return 0, false
	}
	share := 1 - math.Pow(0.5, e.weight/e.halfLife)
	if share <= 0 {
		return 0, false
	}
	return e.value / share, true
}
