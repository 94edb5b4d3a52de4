package faults

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"strings"
	"sync"
	"time"
)

// Request is what the relay or the probe is about to ask a host: all a
// rule selects by, and all a draw depends on.
type Request struct {
	Host    int    // the host's place in the list, from 0
	HostURL string // the host's base URL
	URL     string // the URL asked
	Kind    Kind   // never AnyKind
	// Segment is the request's place in its playlist (from 0), Sequence
	// its media sequence number; -1 when the request is no segment a
	// playlist named.
	Segment  int64
	Sequence int64
	Start    int64 // the first byte asked
	Attempt  int   // 0 for the first host asked for this request, 1 for the next...
}

// Hit is a rule that selected a request, and what it does.
type Hit struct {
	Rule   string
	Action Action
}

// Injector decides the fault of each request under a plan and the rules
// added while it runs. It is safe for concurrent use.
type Injector struct {
	now func() time.Time

	mu    sync.Mutex
	seed  int64
	rules []*Rule
	first time.Time // the first frame; zero before it
	added int       // rules injected so far, to name the next
}

// NewInjector returns an injector of plan (nil: no rule yet) on the clock
// now (nil: the wall clock).
func NewInjector(plan *Plan, now func() time.Time) *Injector {
	if now == nil {
		now = time.Now
	}
	in := &Injector{now: now}
	if plan != nil {
		in.seed, in.rules = plan.Seed, append([]*Rule(nil), plan.Rules...)
	}
	return in
}

// FirstFrame starts the clock of the rules' time windows; later calls
// change nothing.
func (in *Injector) FirstFrame(t time.Time) {
	if in == nil {
		return
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.first.IsZero() {
		in.first = t
	}
}

// Add adds a rule while the run goes on (the control socket's inject),
// naming it injectN when it has no name of its own; it returns the name.
func (in *Injector) Add(r *Rule) string {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.added++
	if r.Name == "" {
		r.Name = "inject" + itoa(in.added)
	}
	in.rules = append(in.rules, r)
	return r.Name
}

// HostRule is a rule that does a on every request to the host at index,
// attempts too: a host that is down fails them all.
func HostRule(index int, a Action) *Rule {
	return &Rule{HostIndex: index, Kind: AnyKind, Probability: 1, Action: a}
}

// Replace puts r in the place of the rule called name (nil: removes it),
// or adds it. The TUI's key keeps one rule per host this way.
func (in *Injector) Replace(name string, r *Rule) {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := in.rules[:0:0]
	for _, old := range in.rules {
		if old.Name != name {
			out = append(out, old)
		}
	}
	if r != nil {
		r.Name = name
		out = append(out, r)
	}
	in.rules = out
}

// Clear removes every rule, the plan's too.
func (in *Injector) Clear() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.rules = nil
}

// Rules returns the rules in force.
func (in *Injector) Rules() []*Rule {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]*Rule(nil), in.rules...)
}

// Match returns the first rule that selects req and whose draw hits, or
// false. A nil injector matches nothing.
func (in *Injector) Match(req Request) (Hit, bool) {
	if in == nil {
		return Hit{}, false
	}
	in.mu.Lock()
	rules, first, seed := in.rules, in.first, in.seed
	in.mu.Unlock()
	var since time.Duration
	if !first.IsZero() {
		since = in.now().Sub(first)
	}
	for _, r := range rules {
		if !r.selects(req, first.IsZero(), since) {
			continue
		}
		if r.Probability < 1 && draw(seed, r.Name, req) >= r.Probability {
			continue
		}
		return Hit{Rule: r.Name, Action: r.Action}, true
	}
	return Hit{}, false
}

// Holds reports whether the rule called name is still in force and
// still selects req: a fault on a long body (a progressive file is one
// request) ends when its window does, or when the rule is removed.
func (in *Injector) Holds(name string, req Request) bool {
	if in == nil {
		return false
	}
	in.mu.Lock()
	rules, first := in.rules, in.first
	in.mu.Unlock()
	var since time.Duration
	if !first.IsZero() {
		since = in.now().Sub(first)
	}
	for _, r := range rules {
		if r.Name == name {
			return r.selects(req, first.IsZero(), since)
		}
	}
	return false
}

// selects reports whether r selects req at since the first frame; a
// timed rule selects nothing before the first frame.
func (r *Rule) selects(req Request, beforeFirst bool, since time.Duration) bool {
	switch {
	case r.HostIndex >= 0 && r.HostIndex != req.Host:
		return false
	case r.HostPrefix != "" && !strings.HasPrefix(req.HostURL, r.HostPrefix) && !strings.HasPrefix(req.URL, r.HostPrefix):
		return false
	case r.Kind != AnyKind && r.Kind != req.Kind:
		return false
	case req.Kind == Probe && r.Action.Body() && r.Action.Verb != Reset:
		return false // a probe reads no body: only a reset reaches it
	case !r.Segments.contains(req.Segment) || !r.Sequence.contains(req.Sequence):
		return false
	case !r.timed:
		return true
	case beforeFirst || since < r.From || (r.Until > 0 && since >= r.Until):
		return false
	case r.Down > 0:
		phase := (since - r.From) % (r.Up + r.Down)
		return phase >= r.Up
	}
	return true
}

// draw is a number in [0, 1) that depends only on the seed, the rule and
// the request's identity, never on when or in which order requests come.
func draw(seed int64, rule string, req Request) float64 {
	h := fnv.New64a()
	var b [8]byte
	put := func(v int64) {
		binary.LittleEndian.PutUint64(b[:], uint64(v))
		h.Write(b[:])
	}
	put(seed)
	h.Write([]byte(rule))
	put(int64(req.Host))
	h.Write([]byte(req.Kind))
	put(req.Segment)
	put(req.Sequence)
	put(req.Start)
	put(int64(req.Attempt))
	// FNV's low bits mix poorly: a finaliser spreads them.
	x := h.Sum64()
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return float64(x>>11) / math.Exp2(53)
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
