package faults

import (
	"strings"
	"testing"
	"time"
)

func TestParseTheIssuesExample(t *testing.T) {
	src := `seed: 42
rules:
  - host: 0                 # index in the host list, or a URL prefix
    kind: segment
    segments: 5-8
    from: 10s
    until: 20s
    cycle: {up: 20s, down: 10s}
    probability: 0.5
    action: status 503
  - name: edge-b
    host: http://127.0.0.1:8081/
    sequence: every 3
    cycle: up 2s down 1s
    action: stall after 64KB for 5s
`
	p, err := Parse("plan.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if p.Seed != 42 || len(p.Rules) != 2 {
		t.Fatalf("got seed %d and %d rules", p.Seed, len(p.Rules))
	}
	r := p.Rules[0]
	want := Rule{Name: "rule1", Line: 3, HostIndex: 0, Kind: Segment, From: 10 * time.Second, Until: 20 * time.Second,
		Up: 20 * time.Second, Down: 10 * time.Second, Probability: 0.5, Action: Action{Verb: Status, Code: 503}}
	if r.Name != want.Name || r.Line != want.Line || r.HostIndex != 0 || r.Kind != want.Kind || r.From != want.From ||
		r.Until != want.Until || r.Up != want.Up || r.Down != want.Down || r.Probability != 0.5 || r.Action != want.Action {
		t.Errorf("got %+v", r)
	}
	if r.Segments.Lo != 5 || r.Segments.Hi != 8 {
		t.Errorf("segments: got %+v", r.Segments)
	}
	r = p.Rules[1]
	if r.Name != "edge-b" || r.HostPrefix != "http://127.0.0.1:8081/" || r.Sequence.Every != 3 || r.Up != 2*time.Second ||
		r.Action != (Action{Verb: Stall, Bytes: 64000, For: 5 * time.Second}) || r.Kind != AnyKind {
		t.Errorf("got %+v", r)
	}
}

func TestBadPlansSayFileAndLine(t *testing.T) {
	for _, tc := range []struct {
		src, want string
	}{
		{"seed: 1\nrules:\n  - host: 0\n    action: explode\n", `plan.yaml:4: action: unknown action "explode"`},
		{"rules:\n  - kind: segmnt\n    action: hang\n", `plan.yaml:2: kind: unknown kind "segmnt"`},
		{"rules:\n  - host: 0\n    colour: red\n    action: hang\n", `plan.yaml:3: unknown key "colour"`},
		{"seeds: 1\n", `plan.yaml:1: unknown key "seeds"`},
		{"rules:\n  - host: 0\n", `plan.yaml:2: a rule needs an action`},
		{"rules:\n  - action: status 42\n", `plan.yaml:2: action: "status 42": the status must be`},
		{"rules:\n  - segments: 8-5\n    action: hang\n", `plan.yaml:2: segments: "8-5"`},
		{"rules:\n  - probability: 2\n    action: hang\n", `plan.yaml:2: probability: "2" is not a number from 0 to 1`},
		{"rules:\n  - from: soon\n    action: hang\n", `plan.yaml:2: from: "soon" is not a duration`},
		{"rules:\n  - cycle: {up: 1s}\n    action: hang\n", `plan.yaml:2: cycle: a cycle needs an up and a down time`},
		{"rules: [\n", `plan.yaml:1: not YAML`},
		{"seed: x\n", `plan.yaml:1: seed: "x" is not a whole number`},
		{"rules:\n  - host: edge\n    action: hang\n", `plan.yaml:2: host: "edge" is neither`},
		{"rules:\n  - action: throttle fast\n", `plan.yaml:2: action: "fast" is not a rate`},
	} {
		_, err := Parse("plan.yaml", []byte(tc.src))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %s…", tc.src, err, tc.want)
		}
	}
}

func TestActionsParseAndPrint(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Action
		text string
	}{
		{"status 503", Action{Verb: Status, Code: 503}, "status 503"},
		{"delay 2s", Action{Verb: Delay, For: 2 * time.Second}, "delay 2s"},
		{"hang", Action{Verb: Hang}, "hang"},
		{"reset after 1000 bytes", Action{Verb: Reset, Bytes: 1000}, "reset after 1000 bytes"},
		{"reset", Action{Verb: Reset}, "reset after 0 bytes"},
		{"stall after 1KiB for 1500ms", Action{Verb: Stall, Bytes: 1024, For: 1500 * time.Millisecond}, "stall after 1024 bytes for 1.5s"},
		{"throttle 200KB/s", Action{Verb: Throttle, Rate: 200000}, "throttle 200000B/s"},
		{"throttle 2Mbit/s", Action{Verb: Throttle, Rate: 250000}, "throttle 250000B/s"},
		{"throttle 800 kbps", Action{Verb: Throttle, Rate: 100000}, "throttle 100000B/s"},
		{"truncate after 100 bytes", Action{Verb: Truncate, Bytes: 100}, "truncate after 100 bytes"},
		{"corrupt", Action{Verb: Corrupt}, "corrupt"},
		{"slow-headers 3", Action{Verb: SlowHeaders, For: 3 * time.Second}, "slow-headers 3s"},
	} {
		a, err := ParseAction(tc.in)
		if err != nil || a != tc.want || a.String() != tc.text {
			t.Errorf("%q: got %+v %q %v", tc.in, a, a.String(), err)
		}
		if back, err := ParseAction(a.String()); err != nil || back != a {
			t.Errorf("%q: its text %q reads back as %+v %v", tc.in, a.String(), back, err)
		}
	}
	for _, bad := range []string{"", "status", "status 99", "delay", "hang now", "stall after 10 bytes", "truncate", "corrupt all", "nap 1s"} {
		if _, err := ParseAction(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParseRuleOneLine(t *testing.T) {
	for _, src := range []string{`{host: 1, kind: segment, action: status 503}`, `{"host": 1, "kind": "segment", "action": "status 503"}`} {
		r, err := ParseRule(src, "")
		if err != nil || r.HostIndex != 1 || r.Kind != Segment || r.Action.Code != 503 {
			t.Errorf("%s: got %+v %v", src, r, err)
		}
	}
	if _, err := ParseRule(`{host: 1, action: zap}`, ""); err == nil || !strings.Contains(err.Error(), `unknown action "zap"`) {
		t.Errorf("got %v", err)
	}
}
