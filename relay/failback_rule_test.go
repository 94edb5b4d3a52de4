package relay

import (
	"testing"
	"time"

	"clusterplay/cluster"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func TestFailBackDue(t *testing.T) {
	const after = 30 * time.Second
	for _, tc := range []struct {
		name string
		s    failBackState
		now  time.Duration
		want bool
	}{
		{"ready", failBackState{ranksAbove: true, good: 3, wellSince: at(0), lastMove: at(0)}, 30 * time.Second, true},
		{"more good answers are as good", failBackState{ranksAbove: true, good: 7, lastMove: at(0)}, 31 * time.Second, true},
		{"ranks below", failBackState{ranksAbove: false, good: 3, lastMove: at(0)}, time.Hour, false},
		{"two good answers", failBackState{ranksAbove: true, good: 2, lastMove: at(0)}, time.Hour, false},
		{"moved too lately", failBackState{ranksAbove: true, good: 3, lastMove: at(time.Second)}, 30 * time.Second, false},
		{"well too shortly", failBackState{ranksAbove: true, good: 3, wellSince: at(5 * time.Second), lastMove: at(0)},
			34 * time.Second, false},
		{"well long enough", failBackState{ranksAbove: true, good: 3, wellSince: at(5 * time.Second), lastMove: at(0)},
			35 * time.Second, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, why := failBackDue(tc.s, at(tc.now), after)
			if got != tc.want {
				t.Errorf("due %v (%s), want %v", got, why, tc.want)
			}
			if !got && why == "" {
				t.Error("not due, and no word why")
			}
		})
	}
}

// simulate probes a host every probe from from to until, the host answering
// well when up(t) says so; the serving host last moved at 0 and the
// candidate failed at 0. It returns when the rule first allows a
// fail-back, or -1.
func simulate(probe, from, after, until time.Duration, up func(time.Duration) bool) time.Duration {
	h := &cluster.Host{}
	ss := streaks{}
	for d := from + probe; d <= until; d += probe {
		s := ss.observe(h, up(d), at(d), at(0))
		st := failBackState{ranksAbove: true, good: s.good, wellSince: s.wellSince, lastMove: at(0)}
		if due, _ := failBackDue(st, at(d), after); due {
			return d
		}
	}
	return -1
}

// TestFailBackNeverWhileItFlaps: a host up 2 s, down 2 s never earns a
// fail-back, however often it is probed, at the defaults and at the short
// settings of the tests; a host that comes back for good does, once it has
// answered three times and stayed well for after (a host first probed
// as it comes up, after the failure memory skipped it while it was down,
// is held to that too).
func TestFailBackNeverWhileItFlaps(t *testing.T) {
	flapping := func(d time.Duration) bool { return (d/(2*time.Second))%2 == 1 } // down 0-2 s, up 2-4 s, ...
	back := func(d time.Duration) bool { return d >= 10*time.Second }
	for _, tc := range []struct {
		name         string
		probe, after time.Duration
		from         time.Duration // not probed before: the failure memory skips it
		up           func(time.Duration) bool
		want         time.Duration // -1: never
	}{
		{"flaps, defaults", DefaultFailBackProbe, DefaultFailBackAfter, 0, flapping, -1},
		{"flaps, short settings", 500 * time.Millisecond, 3 * time.Second, 0, flapping, -1},
		{"flaps, first probed as it comes up", 500 * time.Millisecond, 3 * time.Second, 1900 * time.Millisecond, flapping, -1},
		{"flaps, probes at its period", 4 * time.Second, 3 * time.Second, 0, flapping, -1},
		{"flaps, probes faster than it", 100 * time.Millisecond, 3 * time.Second, 0, flapping, -1},
		{"back at 10 s, short settings", 500 * time.Millisecond, 3 * time.Second, 0, back, 13 * time.Second},
		{"back at 10 s, defaults", DefaultFailBackProbe, DefaultFailBackAfter, 0, back, 40 * time.Second}, // good at 10, 20, 30, 40 s
		{"always well", 500 * time.Millisecond, 3 * time.Second, 0, func(time.Duration) bool { return true }, 3500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := simulate(tc.probe, tc.from, tc.after, 10*time.Minute, tc.up); got != tc.want {
				t.Errorf("fail-back at %v, want %v", got, tc.want)
			}
		})
	}
}

// TestStreakBrokenByARelayedFailure: a relayed request that fails after
// the last probe starts the good answers again from none.
func TestStreakBrokenByARelayedFailure(t *testing.T) {
	h := &cluster.Host{}
	ss := streaks{}
	ss.observe(h, true, at(1*time.Second), at(0))
	ss.observe(h, true, at(2*time.Second), at(0))
	s := ss.observe(h, true, at(3*time.Second), at(2500*time.Millisecond))
	if s.good != 1 || !s.lastBad.Equal(at(2500*time.Millisecond)) {
		t.Errorf("after a failure between probes: %d good, last bad %v; want 1 and the failure's time", s.good, s.lastBad)
	}
	s = ss.observe(h, false, at(4*time.Second), at(2500*time.Millisecond))
	if s.good != 0 || !s.lastBad.Equal(at(4*time.Second)) {
		t.Errorf("after a bad answer: %d good, last bad %v", s.good, s.lastBad)
	}
	ss.forget(h)
	if len(ss) != 0 {
		t.Error("forget kept the host")
	}
}
