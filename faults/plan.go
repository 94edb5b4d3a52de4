// Package faults reads fault plans and decides, request by request, which
// fault the relay or the probe injects: rules that select requests by
// host, kind, segment and time since the first frame, with a probability
// drawn from a seed so that a run repeats exactly. It does no I/O of its
// own beyond reading the plan: the relay and the probe carry the actions
// out.
package faults

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Kind is what a request is for.
type Kind string

// The kinds of request a rule selects.
const (
	AnyKind  Kind = "any"
	Manifest Kind = "manifest" // an HLS playlist or a DASH manifest
	Segment  Kind = "segment"  // a media segment named by a playlist
	Range    Kind = "range"    // a request for a progressive file, ranged or whole
	Probe    Kind = "probe"    // an attempt of the engine
)

var kinds = []Kind{Manifest, Segment, Range, Probe, AnyKind}

// Plan is a parsed fault plan.
type Plan struct {
	Seed  int64
	Rules []*Rule
}

// Rule selects requests and says what to do to them.
type Rule struct {
	Name string // the `name` key, else "ruleN" from 1 in the plan's order
	Line int    // where the rule begins in its file; 0 for one injected
	// HostIndex is the host's place in the list (-1: any); HostPrefix a
	// URL prefix of the host's base URL or the request's URL.
	HostIndex  int
	HostPrefix string
	Kind       Kind
	Segments   Span // playlist index from 0
	Sequence   Span // media sequence number
	From       time.Duration
	Until      time.Duration // 0: no end
	Up, Down   time.Duration // a cycle: Up without the fault, then Down with it
	timed      bool          // from, until or cycle given: needs the first frame
	// Probability is the share of selected requests the action hits.
	Probability float64
	Action      Action
}

// Span selects segments: one, a range, or every Nth.
type Span struct {
	Set      bool
	Lo, Hi   int64 // inclusive
	Every    int64 // every Nth: the Nth, 2Nth, ... counting from 1
	Original string
}

func (s Span) contains(v int64) bool {
	switch {
	case !s.Set:
		return true
	case v < 0:
		return false // not a segment the playlist named
	case s.Every > 0:
		return (v+1)%s.Every == 0
	}
	return v >= s.Lo && v <= s.Hi
}

// ParseSpan reads "5", "5-8" or "every 3".
func ParseSpan(s string) (Span, error) {
	s = strings.TrimSpace(s)
	sp := Span{Set: true, Original: s}
	if n, ok := strings.CutPrefix(s, "every "); ok {
		v, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
		if err != nil || v < 1 {
			return sp, fmt.Errorf("%q: want every N with N at least 1", s)
		}
		sp.Every = v
		return sp, nil
	}
	a, b, isRange := strings.Cut(s, "-")
	lo, err1 := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
	hi := lo
	var err2 error
	if isRange {
		hi, err2 = strconv.ParseInt(strings.TrimSpace(b), 10, 64)
	}
	if err1 != nil || err2 != nil || lo < 0 || hi < lo {
		return sp, fmt.Errorf("%q: want N, N-M or \"every N\" (from 0)", s)
	}
	sp.Lo, sp.Hi = lo, hi
	return sp, nil
}

// Error is a mistake in a plan, at the line of the offending value.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.File == "" {
		return e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Parse parses a plan; errors name file and the line of the offending
// value.
func Parse(file string, data []byte) (*Plan, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{File: file, Line: yamlErrorLine(err), Msg: "not YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	p := &Plan{}
	if len(doc.Content) == 0 {
		return p, nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, &Error{File: file, Line: top.Line, Msg: "want a mapping with seed and rules"}
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch k.Value {
		case "seed":
			n, err := strconv.ParseInt(v.Value, 10, 64)
			if err != nil || v.Kind != yaml.ScalarNode {
				return nil, &Error{File: file, Line: v.Line, Msg: fmt.Sprintf("seed: %q is not a whole number", v.Value)}
			}
			p.Seed = n
		case "rules":
			if v.Kind != yaml.SequenceNode {
				return nil, &Error{File: file, Line: v.Line, Msg: "rules: want a list of rules"}
			}
			for j, rn := range v.Content {
				r, err := parseRule(rn, fmt.Sprintf("rule%d", j+1))
				if err != nil {
					err.File = file
					return nil, err
				}
				p.Rules = append(p.Rules, r)
			}
		default:
			return nil, &Error{File: file, Line: k.Line, Msg: fmt.Sprintf("unknown key %q; want seed or rules", k.Value)}
		}
	}
	return p, nil
}

// ParseRule reads one rule as a plan writes it, on one line in YAML's
// flow form or JSON: {host: 0, kind: segment, action: status 503}.
func ParseRule(s, name string) (*Rule, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
		return nil, fmt.Errorf("not a rule: %v", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("empty rule")
	}
	r, err := parseRule(doc.Content[0], name)
	if err != nil {
		return nil, fmt.Errorf("%s", err.Msg)
	}
	return r, nil
}

// yamlErrorLine finds "line N" in a YAML error; 1 when it says none.
func yamlErrorLine(err error) int {
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		rest := msg[i+5:]
		end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		if end < 0 {
			end = len(rest)
		}
		if n, err := strconv.Atoi(rest[:end]); err == nil {
			return n
		}
	}
	return 1
}
