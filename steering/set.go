package steering

import (
	"slices"
	"sync"
	"time"

	"clusterplay/clock"
)

// DefaultPenalty is how long a pathway whose request failed is passed
// over (--pathway-penalty), as hls.js and Media3 do.
const DefaultPenalty = 5 * time.Minute

// Reasons a Set gives for a move, as the pathway event names them.
const (
	ReasonSteering    = "steering"
	ReasonFailure     = "failure"
	ReasonPenaltyOver = "penalty_over"
	ReasonUser        = "user"
)

// Set is a stream's pathways (or DASH service locations): the order
// steering ranks them in, their penalties, and the one in use. The
// pathway used is the first of the priority not penalised (a user's pick
// while it is not penalised and steering has not changed its mind); when
// every one is penalised, the one whose penalty ends first. A Set is safe
// for concurrent use.
type Set struct {
	clock   clock.Clock
	penalty time.Duration

	mu       sync.Mutex
	ids      []string // every pathway, in the order first known
	priority []string // steering's order; ids' order until it speaks
	until    map[string]time.Time
	pinned   string // the user's pick
	current  string
	pending  string // the reason of the next move
}

// NewSet makes a set of ids, ranked in that order until steering speaks.
func NewSet(c clock.Clock, penalty time.Duration, ids []string) *Set {
	if penalty <= 0 {
		penalty = DefaultPenalty
	}
	s := &Set{clock: clock.Or(c), penalty: penalty, until: map[string]time.Time{}}
	s.Add(ids...)
	s.current = s.choose(s.clock.Now())
	return s
}

// Add makes ids known (a clone's pathways), ranked after those known.
func (s *Set) Add(ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range ids {
		if !slices.Contains(s.ids, id) {
			s.ids = append(s.ids, id)
		}
	}
}

// IDs are the pathways known, in the order first known.
func (s *Set) IDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ids)
}

// SetPriority is steering's answer: the pathways in order. Pathways it
// does not name are not used while one it names is left. It reports
// whether the order changed.
func (s *Set) SetPriority(order []string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	var known []string
	for _, id := range order {
		if slices.Contains(s.ids, id) {
			known = append(known, id)
		}
	}
	if len(known) == 0 || slices.Equal(known, s.priority) {
		return false
	}
	s.priority, s.pinned, s.pending = known, "", ReasonSteering
	return true
}

// Priority is the order in force: steering's, else the order known.
func (s *Set) Priority() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.order())
}

func (s *Set) order() []string {
	if len(s.priority) > 0 {
		return s.priority
	}
	return s.ids
}

// Penalise passes id over until the penalty ends, and returns when.
func (s *Set) Penalise(id, reason string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	until := s.clock.Now().Add(s.penalty)
	s.until[id] = until
	if id == s.current {
		s.pending = reason
	}
	if s.pinned == id {
		s.pinned = ""
	}
	return until
}

// PenaltyUntil is when id's penalty ends; zero when it has none now.
func (s *Set) PenaltyUntil(id string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.until[id]; u.After(s.clock.Now()) {
		return u
	}
	return time.Time{}
}

// Pin makes id the pathway in use by the user's choice, until it is
// penalised or steering changes its order. False when id is unknown.
func (s *Set) Pin(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(s.ids, id) {
		return false
	}
	delete(s.until, id)
	s.pinned, s.pending = id, ReasonUser
	return true
}

// Next is the pathway after the one in use, in the order in force, that
// is not penalised; "" when there is none.
func (s *Set) Next() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	order, now := s.order(), s.clock.Now()
	at := slices.Index(order, s.current)
	for k := 1; k < len(order); k++ {
		id := order[(at+k+len(order))%len(order)]
		if !s.until[id].After(now) {
			return id
		}
	}
	return ""
}

// Current is the pathway in use, as last picked.
func (s *Set) Current() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current
}

// Move is a change of the pathway in use.
type Move struct {
	From, To, Reason string
}

// Pick is the pathway a request beginning now goes to, and the move that
// took it there when it is not the one last used.
func (s *Set) Pick() (string, *Move) {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := s.choose(s.clock.Now())
	if want == s.current {
		s.pending = "" // what happened moved nothing
		return want, nil
	}
	reason := s.pending
	if reason == "" {
		reason = ReasonPenaltyOver
	}
	mv := &Move{From: s.current, To: want, Reason: reason}
	s.current, s.pending = want, ""
	return want, mv
}

// Ahead are the pathways a failed request may continue on, best first:
// those not penalised in the order in force, then the penalised ones by
// the end of their penalty, without except.
func (s *Set) Ahead(except ...string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	var free, penalised []string
	for _, id := range s.rankAll() {
		switch {
		case slices.Contains(except, id):
		case s.until[id].After(now):
			penalised = append(penalised, id)
		default:
			free = append(free, id)
		}
	}
	slices.SortStableFunc(penalised, func(a, b string) int { return s.until[a].Compare(s.until[b]) })
	return append(free, penalised...)
}

// rankAll is the order in force, then the known pathways it leaves out.
func (s *Set) rankAll() []string {
	out := slices.Clone(s.order())
	for _, id := range s.ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func (s *Set) choose(now time.Time) string {
	if s.pinned != "" && !s.until[s.pinned].After(now) {
		return s.pinned
	}
	order := s.order()
	for _, id := range order {
		if !s.until[id].After(now) {
			return id
		}
	}
	best := ""
	for _, id := range s.rankAll() {
		if best == "" || s.until[id].Before(s.until[best]) {
			best = id
		}
	}
	return best
}
