package relay

import (
	"fmt"
	"sync"
	"time"

	"clusterplay/cluster"
	"clusterplay/defaults"
)

// The fail-back rule, apart from the probing and the moving so that it is
// tested on made-up times: when may the relay move back to a host that
// failed and recovered? Every function here takes the time it judges at;
// none reads a clock.

// Defaults of fail-back.
const (
	// DefaultFailBackProbe: a recovered host is asked at most this often.
	DefaultFailBackProbe = defaults.FailBackProbe
	// DefaultFailBackAfter: no fail-back sooner than this after the last
	// move, nor before the host has answered well for this long.
	DefaultFailBackAfter = defaults.FailBackAfter
	// failBackGoodInARow: the probes a host must answer well in a row.
	failBackGoodInARow = 3
)

// streak is what the probes said of one host lately.
type streak struct {
	good      int       // good answers in a row
	wellSince time.Time // when the first of them was asked
	lastBad   time.Time // the last bad answer, or failure of a relayed request; zero when none
	lastProbe time.Time // when it was last asked
}

// failBackState is the decision's view of one candidate host.
type failBackState struct {
	ranksAbove bool      // the policy prefers it to the serving host
	good       int       // good probe answers in a row
	wellSince  time.Time // when the first of them was asked
	lastMove   time.Time // the serving host's last change (a failover, or the resolution that chose it)
}

// failBackDue says whether the relay may move back to the host now, and
// in words why not. A host that flaps (up 2 s, down 2 s) never passes:
// its good answers in a row may reach three, but they never span after.
// (Its failure alone is no measure: while the failure memory skips it,
// it is not probed, and it may have been down all that time.)
func failBackDue(s failBackState, now time.Time, after time.Duration) (bool, string) {
	switch {
	case !s.ranksAbove:
		return false, "the policy does not rank it above the serving host"
	case s.good < failBackGoodInARow:
		return false, fmt.Sprintf("%d good answers in a row of %d", s.good, failBackGoodInARow)
	case now.Sub(s.lastMove) < after:
		return false, fmt.Sprintf("the last move was %s ago, fail-back waits %s", now.Sub(s.lastMove).Round(time.Millisecond), after)
	case now.Sub(s.wellSince) < after:
		return false, fmt.Sprintf("well for %s, fail-back waits %s", now.Sub(s.wellSince).Round(time.Millisecond), after)
	}
	return true, ""
}

// streaks keeps the probes' answers per host. Only the fail-back loop
// touches it.
type streaks map[*cluster.Host]*streak

// observe records one answer of h, to a probe sent at now. failedAt is when the failure
// memory last saw h fail: a failure of a relayed request after the streak
// began breaks it, as a bad probe would.
func (ss streaks) observe(h *cluster.Host, good bool, now, failedAt time.Time) *streak {
	s := ss[h]
	if s == nil {
		s = &streak{}
		ss[h] = s
	}
	if failedAt.After(s.lastBad) {
		s.lastBad = failedAt
		if !s.lastProbe.IsZero() && failedAt.After(s.lastProbe) {
			s.good = 0
		}
	}
	s.lastProbe = now
	if good {
		if s.good == 0 {
			s.wellSince = now
		}
		s.good++
	} else {
		s.good, s.lastBad = 0, now
	}
	return s
}

// forget drops what was said of h: it is no candidate any more (it serves,
// it is remembered as failed again, or it no longer ranks above).
func (ss streaks) forget(h *cluster.Host) { delete(ss, h) }

// FailBackRule is the rule for a caller that probes on its own: the
// session, when no relay runs (--relay=off). It is safe for concurrent
// use.
type FailBackRule struct {
	After time.Duration
	mu    sync.Mutex
	ss    streaks
}

// Observe records h's answer to a probe sent at at; failedAt is when the
// failure memory last saw h fail.
func (f *FailBackRule) Observe(h *cluster.Host, good bool, at, failedAt time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ss == nil {
		f.ss = streaks{}
	}
	f.ss.observe(h, good, at, failedAt)
}

// Forget drops what the probes said of h: it is no candidate now.
func (f *FailBackRule) Forget(h *cluster.Host) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ss.forget(h)
}

// Due says whether a move back to h, which the policy ranks above the
// serving host, is due at now, the serving host having changed last at
// lastMove; and in words why not.
func (f *FailBackRule) Due(h *cluster.Host, now, lastMove time.Time) (bool, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.ss[h]
	if s == nil {
		return false, "not probed"
	}
	return failBackDue(failBackState{ranksAbove: true, good: s.good, wellSince: s.wellSince, lastMove: lastMove}, now, f.After)
}
