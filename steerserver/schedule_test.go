package steerserver

import (
	"strings"
	"testing"
	"time"
)

func TestParseSchedule(t *testing.T) {
	s, err := Parse([]byte(`
ttl: 10
reload-uri: next.json
pathway-clones:
  - BASE-ID: a
    ID: c
    URI-REPLACEMENT: {HOST: c.example}
schedule:
  - at: 0s
    priority: [a, b]
  - at: 30
    priority: [b, a]
    ttl: 2
  - at: 1m
    status: 429
    retry-after: 5s
  - at: 70s
    status: 503
  - at: 80s
    status: 410
`))
	if err != nil {
		t.Fatal(err)
	}
	if s.TTL != 10*time.Second || s.ReloadURI != "next.json" || len(s.Clones) != 1 || len(s.Steps) != 5 {
		t.Fatalf("parsed %+v", s)
	}
	for _, c := range []struct {
		at     time.Duration
		status int
		first  string
		ttl    time.Duration
	}{
		{0, 200, "a", 10 * time.Second},
		{29 * time.Second, 200, "a", 10 * time.Second},
		{30 * time.Second, 200, "b", 2 * time.Second},
		{65 * time.Second, 429, "", 10 * time.Second},
		{75 * time.Second, 503, "", 10 * time.Second},
		{time.Hour, 410, "", 10 * time.Second},
	} {
		st := s.At(c.at)
		first := ""
		if len(st.Priority) > 0 {
			first = st.Priority[0]
		}
		if st.Status != c.status || first != c.first || st.TTL != c.ttl {
			t.Errorf("at %s: %d %q ttl %s, want %d %q ttl %s", c.at, st.Status, first, st.TTL, c.status, c.first, c.ttl)
		}
	}
}

func TestParseScheduleDefaultTTL(t *testing.T) {
	s, err := Parse([]byte("schedule:\n  - priority: [a]\n"))
	if err != nil || s.At(0).TTL != DefaultTTL {
		t.Fatalf("%v %+v", err, s)
	}
}

// Every mistake is one line that says what and, where it can, the line.
func TestParseScheduleMistakes(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"", "no steps"},
		{"schedule: []", "no steps"},
		{"ttl: 0\nschedule:\n  - priority: [a]", "ttl: at least 1s"},
		{"ttl: soon\nschedule:\n  - priority: [a]", `"soon" is not a duration`},
		{"schedule:\n  - at: 5s\n    priority: [a]", "line 2: the first step must be at 0s"},
		{"schedule:\n  - priority: [a]\n  - at: 0\n    priority: [b]", "line 3: at 0s is not after"},
		{"schedule:\n  - status: 404", "status 404: only 200, 410, 429 or 5xx"},
		{"schedule:\n  - at: 0", "needs a priority list"},
		{"schedule:\n  - status: 410\n    priority: [a]", "answers 410 has no priority list"},
		{"schedule:\n  - priority: [a]\n    retry-after: 3", "retry-after belongs to status 429"},
		{"schedule:\n  - priority: [a, a]", `pathway "a": empty, repeated`},
		{"schedule:\n  - priority: ['a,b']", `pathway "a,b"`},
		{"schedule:\n  - priority: [a]\n    prio: [b]", "line 3: field prio not known"},
		{"shedule:\n  - priority: [a]", "field shedule not found"},
		{"schedule:\n  - [a]", "a step is a mapping"},
		{"schedule: {", "line"},
		{strings.Repeat("#", maxSchedule+1), "larger than"},
	} {
		_, err := Parse([]byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v, want one line with %q", c.yaml, err, c.want)
		}
	}
}
