package cluster

import (
	"context"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

func TestRanksAbove(t *testing.T) {
	specs := []HostSpec{
		{URL: "http://a.example/v", Priority: 1},
		{URL: "http://b.example/v", Priority: 1},
		{URL: "http://c.example/v", Priority: 2},
	}
	for _, tc := range []struct {
		name    string
		policy  string
		balance bool
		latency map[int]time.Duration // measured hosts
		a, b    int
		want    bool
	}{
		{"ordered: earlier above later", PolicyOrdered, false, nil, 0, 2, true},
		{"ordered: later not above earlier", PolicyOrdered, false, nil, 2, 0, false},
		{"ordered with load balancing: none above", PolicyOrdered, true, nil, 0, 2, false},
		{"random: none above", PolicyRandom, false, nil, 0, 2, false},
		{"weighted: lower priority value above", PolicyWeighted, false, nil, 1, 2, true},
		{"weighted: same group, none above", PolicyWeighted, false, nil, 0, 1, false},
		{"fastest: measured faster above", PolicyFastest, false, map[int]time.Duration{2: 10 * time.Millisecond, 0: 50 * time.Millisecond}, 2, 0, true},
		{"fastest: slower not above", PolicyFastest, false, map[int]time.Duration{2: 10 * time.Millisecond, 0: 50 * time.Millisecond}, 0, 2, false},
		{"fastest: unmeasured not above", PolicyFastest, false, map[int]time.Duration{0: 50 * time.Millisecond}, 2, 0, false},
		{"a host is not above itself", PolicyOrdered, false, nil, 1, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := DefaultOptions()
			opts.Select, opts.LoadBalance = tc.policy, tc.balance
			e, err := New(specs, opts, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			hosts := e.Hosts()
			for i, d := range tc.latency {
				e.mem.Succeeded(hosts[i].Key(), d)
			}
			if got := e.RanksAbove(hosts[tc.a], hosts[tc.b]); got != tc.want {
				t.Errorf("RanksAbove(%d, %d) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

// TestFailedAtAndRecovered: an expired failure keeps its time, and a
// recovery forgets it, keeping the latency.
func TestFailedAtAndRecovered(t *testing.T) {
	opts := DefaultOptions()
	opts.FailureExpiry = time.Millisecond
	e, err := New([]HostSpec{{URL: "http://a.example/v"}}, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := e.Hosts()[0]
	e.mem.Succeeded(h.Key(), 20*time.Millisecond)
	if !e.FailedAt(h).IsZero() {
		t.Fatal("a host that never failed has a failure")
	}
	e.MarkFailed(h)
	time.Sleep(5 * time.Millisecond)
	if e.Remembered(h) || e.FailedAt(h).IsZero() {
		t.Fatalf("expired: remembered %v, failed at %v; want not remembered, failure kept", e.Remembered(h), e.FailedAt(h))
	}
	e.Recovered(h)
	if !e.FailedAt(h).IsZero() {
		t.Error("a recovered host keeps its failure")
	}
	if d, ok := e.mem.Latency(h.Key()); !ok || d != 20*time.Millisecond {
		t.Errorf("latency %v %v after a recovery, want 20ms kept", d, ok)
	}
}

// TestProbeClip: fail-back's probe without the relay asks the host as an
// attempt does, and says nothing: no event, no change to the memory.
func TestProbeClip(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(map[string][]byte{"a.mp4": []byte("bytes")}))
	down := hosttest.Keep(t)(loopback.Status(503))
	bus := events.NewBus()
	ch := bus.Subscribe()
	e, err := New([]HostSpec{{URL: good.URL}, {URL: down.URL}}, DefaultOptions(), nil, bus)
	if err != nil {
		t.Fatal(err)
	}
	hosts := e.Hosts()
	if err := e.ProbeClip(context.Background(), hosts[0], "a.mp4"); err != nil {
		t.Errorf("a good host: %v", err)
	}
	if err := e.ProbeClip(context.Background(), hosts[1], "a.mp4"); err == nil {
		t.Error("a host answering 503 passed")
	}
	if good.Requests() != 1 || down.Requests() != 1 {
		t.Errorf("requests %d and %d, want one each", good.Requests(), down.Requests())
	}
	if !e.FailedAt(hosts[1]).IsZero() {
		t.Error("a probe recorded a failure")
	}
	bus.Close()
	for ev := range ch {
		t.Errorf("a probe published %v", ev.Kind)
	}
}
