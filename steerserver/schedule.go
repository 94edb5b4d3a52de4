// Package steerserver is `clusterplay steer`: a Content Steering server
// for testers. It serves a steering manifest (VERSION, TTL, RELOAD-URI,
// PATHWAY-PRIORITY, PATHWAY-CLONES) from a schedule of priority lists over
// time, with windows that answer 410, 429 or 5xx instead, and says every
// request it gets (its _HLS_pathway or _DASH_pathway and the throughput
// the player measured) as an event. Any player's HLS or DASH stream can be
// pointed at it.
package steerserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// DefaultTTL is the TTL the draft gives a steering manifest without one;
// the server always writes the TTL it means.
const DefaultTTL = 300 * time.Second

// maxSchedule bounds the schedule file: a tester writes a few lines.
const maxSchedule = 1 << 20

// Schedule is what the server answers, and when.
type Schedule struct {
	// TTL is the TTL of every answer whose step does not set its own.
	TTL time.Duration
	// ReloadURI is the RELOAD-URI of every answer; empty: the path asked.
	ReloadURI string
	// Clones is PATHWAY-CLONES, passed through as written.
	Clones []map[string]any
	// Steps are the answers in time order; the first begins at 0.
	Steps []Step
}

// Step is the answer from At (since the server began) until the next
// step's At.
type Step struct {
	At time.Duration
	// Priority is PATHWAY-PRIORITY, when Status is 200.
	Priority []string
	// TTL overrides the schedule's TTL; 0 keeps it.
	TTL time.Duration
	// Status is 200 (a steering manifest), 410 (stop steering), 429
	// (come back after RetryAfter) or a 5xx (a failing server).
	Status     int
	RetryAfter time.Duration
}

// seconds is a duration written as "20s", "1m30s" or a number of seconds.
type seconds time.Duration

func (s *seconds) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a duration is a number of seconds or like 20s", n.Line)
	}
	if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
		if f < 0 || f > 1e9 {
			return fmt.Errorf("line %d: duration %s out of range", n.Line, n.Value)
		}
		*s = seconds(time.Duration(f * float64(time.Second)))
		return nil
	}
	d, err := time.ParseDuration(n.Value)
	if err != nil || d < 0 {
		return fmt.Errorf("line %d: %q is not a duration (a number of seconds or like 20s)", n.Line, n.Value)
	}
	*s = seconds(d)
	return nil
}

// fileSchedule is the YAML as written (docs/steering.md).
type fileSchedule struct {
	TTL       *seconds         `yaml:"ttl"`
	ReloadURI string           `yaml:"reload-uri"`
	Clones    []map[string]any `yaml:"pathway-clones"`
	Steps     []fileStep       `yaml:"schedule"`
}

type fileStep struct {
	At         seconds  `yaml:"at"`
	Priority   []string `yaml:"priority"`
	TTL        seconds  `yaml:"ttl"`
	Status     int      `yaml:"status"`
	RetryAfter seconds  `yaml:"retry-after"`
	line       int
}

func (f *fileStep) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a step is a mapping (at, priority, ttl, status, retry-after)", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch k := n.Content[i]; k.Value {
		case "at", "priority", "ttl", "status", "retry-after":
		default:
			return fmt.Errorf("line %d: field %s not known in a step (at, priority, ttl, status, retry-after)", k.Line, k.Value)
		}
	}
	type plain fileStep
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*f = fileStep(p)
	f.line = n.Line
	return nil
}

// Parse reads a schedule; its error is one line that names the file's
// line where it can.
func Parse(data []byte) (*Schedule, error) {
	if len(data) > maxSchedule {
		return nil, fmt.Errorf("schedule larger than %d bytes", maxSchedule)
	}
	var f fileSchedule
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, errors.New(oneLine(strings.TrimPrefix(err.Error(), "yaml: ")))
	}
	s := &Schedule{TTL: DefaultTTL, ReloadURI: f.ReloadURI, Clones: f.Clones}
	if f.TTL != nil {
		s.TTL = time.Duration(*f.TTL)
	}
	if s.TTL < time.Second {
		return nil, errors.New("ttl: at least 1s")
	}
	if len(f.Steps) == 0 {
		return nil, errors.New("schedule: no steps (a list of at/priority)")
	}
	for i, fs := range f.Steps {
		st, err := checkStep(fs, i, s.Steps)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", fs.line, err)
		}
		s.Steps = append(s.Steps, st)
	}
	return s, nil
}

// checkStep turns one written step into a Step, given those before it.
func checkStep(fs fileStep, i int, before []Step) (Step, error) {
	st := Step{At: time.Duration(fs.At), Priority: fs.Priority, TTL: time.Duration(fs.TTL),
		Status: fs.Status, RetryAfter: time.Duration(fs.RetryAfter)}
	if st.Status == 0 {
		st.Status = 200
	}
	switch {
	case i == 0 && st.At != 0:
		return st, errors.New("the first step must be at 0s")
	case i > 0 && st.At <= before[i-1].At:
		return st, fmt.Errorf("at %s is not after the step before (%s)", st.At, before[i-1].At)
	case st.Status != 200 && st.Status != 410 && st.Status != 429 && (st.Status < 500 || st.Status > 599):
		return st, fmt.Errorf("status %d: only 200, 410, 429 or 5xx", st.Status)
	case st.Status == 200 && len(st.Priority) == 0:
		return st, errors.New("a step that answers 200 needs a priority list")
	case st.Status != 200 && len(st.Priority) > 0:
		return st, fmt.Errorf("a step that answers %d has no priority list", st.Status)
	case st.RetryAfter > 0 && st.Status != 429:
		return st, errors.New("retry-after belongs to status 429")
	case st.TTL != 0 && st.TTL < time.Second:
		return st, errors.New("ttl: at least 1s")
	}
	seen := map[string]bool{}
	for _, p := range st.Priority {
		if p == "" || strings.ContainsAny(p, ",\"") || seen[p] {
			return st, fmt.Errorf("pathway %q: empty, repeated, or with a comma or a quote", p)
		}
		seen[p] = true
	}
	return st, nil
}

// At is the step in force at elapsed since the server began.
func (s *Schedule) At(elapsed time.Duration) Step {
	st := s.Steps[0]
	for _, next := range s.Steps[1:] {
		if next.At > elapsed {
			break
		}
		st = next
	}
	if st.TTL == 0 {
		st.TTL = s.TTL
	}
	return st
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
