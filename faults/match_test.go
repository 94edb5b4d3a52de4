package faults

import (
	"fmt"
	"testing"
	"time"
)

// fakeClock is the time the injector reads, moved by the test.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func plan(t *testing.T, src string) *Plan {
	t.Helper()
	p, err := Parse("plan.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func seg(host int, i int64) Request {
	return Request{Host: host, HostURL: "http://h" + itoa(host) + "/", Kind: Segment, Segment: i, Sequence: 100 + i, Start: 0}
}

func TestSelectors(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule string
		req  Request
		hit  bool
	}{
		{"host index", "host: 1", seg(1, 0), true},
		{"other host", "host: 1", seg(0, 0), false},
		{"URL prefix", "host: http://h1/", seg(1, 0), true},
		{"URL prefix, other", "host: http://h1/", seg(0, 0), false},
		{"kind", "kind: manifest", Request{Kind: Manifest, Segment: -1, Sequence: -1}, true},
		{"other kind", "kind: manifest", seg(0, 3), false},
		{"any kind", "kind: any", Request{Kind: Probe, Segment: -1, Sequence: -1}, true},
		{"probe", "kind: probe", Request{Kind: Probe, Segment: -1, Sequence: -1}, true},
		{"range", "kind: range", Request{Kind: Range, Segment: -1, Sequence: -1, Start: 500}, true},
		{"segment in range", "segments: 5-8", seg(0, 8), true},
		{"segment below", "segments: 5-8", seg(0, 4), false},
		{"segment above", "segments: 5-8", seg(0, 9), false},
		{"one segment", "segments: 3", seg(0, 3), true},
		{"every 3rd", "segments: every 3", seg(0, 5), true},
		{"not every 3rd", "segments: every 3", seg(0, 4), false},
		{"no segment", "segments: 0-100", Request{Kind: Range, Segment: -1, Sequence: -1}, false},
		{"sequence", "sequence: 105", seg(0, 5), true},
		{"other sequence", "sequence: 105", seg(0, 6), false},
	} {
		in := NewInjector(plan(t, "rules:\n  - "+tc.rule+"\n    action: status 503\n"), nil)
		if _, hit := in.Match(tc.req); hit != tc.hit {
			t.Errorf("%s: hit %v, want %v", tc.name, hit, tc.hit)
		}
	}
}

func TestTimeWindowsRunFromTheFirstFrame(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	for _, tc := range []struct {
		name  string
		rule  string
		since time.Duration // since the first frame; -1: before it
		hit   bool
	}{
		{"before the first frame", "from: 0s", -1, false},
		{"untimed before the first frame", "kind: segment", -1, true},
		{"before from", "from: 10s", 9 * time.Second, false},
		{"at from", "from: 10s", 10 * time.Second, true},
		{"in the window", "from: 10s\n    until: 20s", 15 * time.Second, true},
		{"at until", "from: 10s\n    until: 20s", 20 * time.Second, false},
		{"cycle up", "cycle: {up: 20s, down: 10s}", 19 * time.Second, false},
		{"cycle down", "cycle: {up: 20s, down: 10s}", 25 * time.Second, true},
		{"cycle up again", "cycle: {up: 20s, down: 10s}", 31 * time.Second, false},
		{"cycle down again", "cycle: up 20s down 10s", 55 * time.Second, true},
		{"cycle from from", "from: 5s\n    cycle: up 2s down 2s", 8 * time.Second, true},
		{"cycle from from, up", "from: 5s\n    cycle: up 2s down 2s", 6 * time.Second, false},
	} {
		in := NewInjector(plan(t, "rules:\n  - "+tc.rule+"\n    action: hang\n"), clock.now)
		if tc.since >= 0 {
			in.FirstFrame(clock.t)
			clock.t = clock.t.Add(tc.since)
		}
		if _, hit := in.Match(seg(0, 0)); hit != tc.hit {
			t.Errorf("%s: hit %v, want %v", tc.name, hit, tc.hit)
		}
		clock.t = time.Unix(1000, 0)
	}
}

func TestDrawsRepeatWithTheSeedWhateverTheOrder(t *testing.T) {
	src := "seed: %d\nrules:\n  - probability: 0.5\n    action: status 503\n"
	hits := func(seed int, order []int64) map[int64]bool {
		in := NewInjector(plan(t, sprintf(src, seed)), nil)
		out := map[int64]bool{}
		for _, i := range order {
			_, out[i] = in.Match(seg(0, i))
		}
		return out
	}
	forward := make([]int64, 200)
	backward := make([]int64, 200)
	for i := range forward {
		forward[i], backward[i] = int64(i), int64(199-i)
	}
	a, b, c := hits(42, forward), hits(42, backward), hits(7, forward)
	n, differ := 0, 0
	for i := range int64(200) {
		if a[i] != b[i] {
			t.Fatalf("segment %d: hit %v in one order, %v in the other", i, a[i], b[i])
		}
		if a[i] {
			n++
		}
		if a[i] != c[i] {
			differ++
		}
	}
	if n < 70 || n > 130 {
		t.Errorf("probability 0.5 hit %d of 200", n)
	}
	if differ == 0 {
		t.Errorf("another seed drew the same")
	}
	// The attempt number is part of the request: the next host's try is
	// drawn afresh.
	in := NewInjector(plan(t, sprintf(src, 42)), nil)
	same := 0
	for i := range int64(200) {
		r := seg(0, i)
		_, h1 := in.Match(r)
		r.Attempt = 1
		_, h2 := in.Match(r)
		if h1 == h2 {
			same++
		}
	}
	if same == 200 {
		t.Errorf("the attempt number changes no draw")
	}
}

func TestInjectReplaceClear(t *testing.T) {
	in := NewInjector(plan(t, "rules:\n  - host: 0\n    action: hang\n"), nil)
	r, err := ParseRule("{host: 1, action: status 500}", "")
	if err != nil {
		t.Fatal(err)
	}
	if name := in.Add(r); name != "inject1" {
		t.Errorf("named %q", name)
	}
	if h, ok := in.Match(seg(1, 0)); !ok || h.Rule != "inject1" || h.Action.Code != 500 {
		t.Errorf("got %+v %v", h, ok)
	}
	key, _ := ParseRule("{host: 1, action: corrupt}", "")
	in.Replace("key1", key)
	in.Replace("inject1", nil)
	if h, ok := in.Match(seg(1, 0)); !ok || h.Rule != "key1" {
		t.Errorf("got %+v %v", h, ok)
	}
	in.Clear()
	if h, ok := in.Match(seg(0, 0)); ok {
		t.Errorf("cleared, yet %+v", h)
	}
	var none *Injector
	if _, ok := none.Match(seg(0, 0)); ok {
		t.Error("a nil injector matched")
	}
}

func sprintf(f string, a ...any) string { return fmt.Sprintf(f, a...) }
