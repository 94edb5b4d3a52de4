package report

import (
	"time"

	"clusterplay/events"
)

// faultKind is the event a fault plan publishes before each fault it
// injects (rule, host, path, action). The fault plans define its
// constant in the events vocabulary; the report names it by its word so
// that it reads the events of either.
const faultKind = events.Kind("fault")

// faultWindow is how long before a stall an injected fault still counts
// as its cause: a fault that delays or cuts a segment empties the
// player's cache some seconds later, not at once.
const faultWindow = 10 * time.Second

// faultRule names the rule a fault event comes from, as the plan names
// it (a Message stands in for it in the tests of this package).
func faultRule(e events.Event) string {
	if e.Rule != "" {
		return e.Rule
	}
	if e.Message != "" {
		return e.Message
	}
	return "unnamed"
}

// stallCauses counts the stalls that an injected fault may have caused
// (a fault event from faultWindow before the stall began to its end) and
// the others. last ends a stall still open.
func (s *Summary) stallCauses(last time.Time) (fromFaults, other int) {
	for _, st := range s.stallSpans {
		to := st.to
		if to.IsZero() {
			to = last
		}
		if s.faultBetween(st.from.Add(-faultWindow), to) {
			fromFaults++
		} else {
			other++
		}
	}
	return fromFaults, other
}

func (s *Summary) faultBetween(from, to time.Time) bool {
	for _, t := range s.faultTimes {
		if !t.Before(from) && !t.After(to) {
			return true
		}
	}
	return false
}
