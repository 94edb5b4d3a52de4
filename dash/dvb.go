package dash

import (
	"sort"
	"strings"
	"sync"
	"time"

	"clusterplay/clock"
)

// Selector chooses among one group's BaseURLs by the DVB-DASH rules
// (ETSI TS 103 285 §10.8.2.1): the lowest dvb:priority first; among
// equals, a random pick weighted by dvb:weight, kept while the set of
// candidates stays the same; a failure excludes the failed BaseURL's
// serviceLocation and every BaseURL of its priority until the failure
// expiry. A group none of whose BaseURLs carries serviceLocation,
// dvb:priority or dvb:weight is tried in document order, a failed one
// skipped until its expiry. Safe for concurrent use.
type Selector struct {
	mu     sync.Mutex
	clock  clock.Clock
	rand   *clock.Rand
	expiry time.Duration
	bases  []BaseURL
	dvb    bool // some BaseURL carries a DVB attribute: the DVB rules apply
	// Exclusions, each until its time: by serviceLocation, by priority
	// (DVB) and by URL (every failure).
	locations  map[string]time.Time
	priorities map[int]time.Time
	urls       map[string]time.Time
	// chosen is the pick in force, for the candidate set set.
	chosen int
	set    string
}

// NewSelector chooses among bases (in document order); a failure keeps a
// BaseURL out for expiry. c and r may be nil: the real clock and chance.
func NewSelector(bases []BaseURL, expiry time.Duration, c clock.Clock, r *clock.Rand) *Selector {
	s := &Selector{clock: clock.Or(c), rand: r, expiry: expiry, chosen: -1,
		locations: map[string]time.Time{}, priorities: map[int]time.Time{}, urls: map[string]time.Time{}}
	s.setBases(bases)
	return s
}

// SetBaseURLs takes the group anew (a live MPD reloaded); the exclusions
// stand, and the pick stands while the candidates are the same.
func (s *Selector) SetBaseURLs(bases []BaseURL) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setBases(bases)
}

func (s *Selector) setBases(bases []BaseURL) {
	s.bases = append([]BaseURL(nil), bases...)
	s.dvb = false
	for _, b := range bases {
		s.dvb = s.dvb || b.DVB
	}
}

// Pick is the BaseURL in use; false when every one is excluded (then the
// first of Order is the one to try).
func (s *Selector) Pick() (BaseURL, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.pick()
	if i < 0 {
		return BaseURL{}, false
	}
	return s.bases[i], true
}

// pick is the index of the BaseURL in use, or -1.
func (s *Selector) pick() int {
	cands := s.candidates()
	if len(cands) == 0 {
		s.chosen, s.set = -1, ""
		return -1
	}
	if !s.dvb {
		return cands[0] // document order
	}
	lowest := s.bases[cands[0]].Priority
	for _, i := range cands {
		lowest = min(lowest, s.bases[i].Priority)
	}
	var top []int
	for _, i := range cands {
		if s.bases[i].Priority == lowest {
			top = append(top, i)
		}
	}
	key := s.key(top)
	if key == s.set && s.chosen >= 0 {
		return s.chosen
	}
	s.chosen, s.set = s.draw(top), key
	return s.chosen
}

// draw picks one of idx at random, each as likely as its weight.
func (s *Selector) draw(idx []int) int {
	total := 0
	for _, i := range idx {
		total += s.bases[i].Weight
	}
	x := s.rand.Float64() * float64(total)
	for _, i := range idx {
		if x -= float64(s.bases[i].Weight); x < 0 {
			return i
		}
	}
	return idx[len(idx)-1]
}

// key names a candidate set, so that a pick is kept while it stands.
func (s *Selector) key(idx []int) string {
	var sb strings.Builder
	for _, i := range idx {
		sb.WriteString(s.bases[i].URL.String())
		sb.WriteByte(' ')
	}
	return sb.String()
}

// candidates are the indexes of the BaseURLs no exclusion holds now.
func (s *Selector) candidates() []int {
	now := s.clock.Now()
	var out []int
	for i := range s.bases {
		if !s.excludedUntil(i, now).After(now) {
			out = append(out, i)
		}
	}
	return out
}

// excludedUntil is until when a BaseURL is excluded (in the past: not).
func (s *Selector) excludedUntil(i int, now time.Time) time.Time {
	b := s.bases[i]
	until := s.urls[b.URL.String()]
	if t, ok := s.locations[b.ServiceLocation]; ok && b.ServiceLocation != "" && t.After(until) {
		until = t
	}
	if t, ok := s.priorities[b.Priority]; ok && s.dvb && t.After(until) {
		until = t
	}
	return until
}

// Fail excludes the BaseURL that failed (named by its URL) by the rules,
// until the failure expiry.
func (s *Selector) Fail(failed BaseURL) {
	s.mu.Lock()
	defer s.mu.Unlock()
	until := s.clock.Now().Add(s.expiry)
	s.urls[failed.URL.String()] = until
	if !s.dvb {
		return
	}
	if failed.ServiceLocation != "" {
		s.locations[failed.ServiceLocation] = until
	}
	s.priorities[failed.Priority] = until
}

// Order is every BaseURL in the order to try them: the pick first, then
// the other candidates by priority (document order among equals), then
// the excluded ones by the end of their exclusion, the soonest first.
func (s *Selector) Order() []BaseURL {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	first := s.pick()
	idx := make([]int, len(s.bases))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		i, j := idx[a], idx[b]
		if (i == first) != (j == first) {
			return i == first
		}
		ti, tj := s.excludedUntil(i, now), s.excludedUntil(j, now)
		ei, ej := ti.After(now), tj.After(now)
		switch {
		case ei != ej:
			return !ei
		case ei:
			return ti.Before(tj)
		case s.dvb:
			return s.bases[i].Priority < s.bases[j].Priority
		}
		return false
	})
	out := make([]BaseURL, len(idx))
	for k, i := range idx {
		out[k] = s.bases[i]
	}
	return out
}
