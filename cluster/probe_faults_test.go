package cluster

import (
	"context"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/faults"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestProbeFaults injects each action a probe can feel into host 0's
// attempts against two real loopback hosts: the fault is said before the
// attempt fails, host 1 wins, and host 0 is not remembered as failed. A
// delay short of the timeout only holds the attempt.
func TestProbeFaults(t *testing.T) {
	for _, tc := range []struct {
		action  string
		class   events.Class // of host 0's connect_failed; "" when it wins
		atLeast time.Duration
	}{
		{action: "status 503", class: events.ClassStatus},
		{action: "reset", class: events.ClassReset},
		{action: "hang", class: events.ClassTimeout, atLeast: 500 * time.Millisecond},
		{action: "slow-headers 5s", class: events.ClassTimeout, atLeast: 500 * time.Millisecond},
		{action: "delay 200ms", atLeast: 200 * time.Millisecond},
	} {
		t.Run(tc.action, func(t *testing.T) {
			h0 := hosttest.Keep(t)(loopback.Good(testFiles))
			h1 := hosttest.Keep(t)(loopback.Good(testFiles))
			plan, err := faults.Parse("plan.yaml", []byte("rules:\n  - {host: 0, kind: probe, action: "+tc.action+"}\n"))
			if err != nil {
				t.Fatal(err)
			}
			opts := racing(0, 1, 500*time.Millisecond)
			opts.Faults = faults.NewInjector(plan, nil)
			e, err := New([]HostSpec{{URL: h0.URL}, {URL: h1.URL}}, opts, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			rec := record(e)
			res, err := e.Resolve(context.Background(), "clip.mp4")
			evs := rec.stop(e)
			if err != nil {
				t.Fatal(err)
			}
			want, wantKinds := 1, "connect fault connect_failed connect resolved"
			if tc.class == "" {
				want, wantKinds = 0, "connect fault resolved"
			}
			if res.Host.Index != want || kinds(evs) != wantKinds {
				t.Fatalf("resolved to host %d with %q, want %d with %q", res.Host.Index, kinds(evs), want, wantKinds)
			}
			if tc.class != "" && (evs[2].Class != tc.class || !evs[2].ExpiresAt.IsZero()) {
				t.Errorf("connect_failed %+v, want class %s and no expiry", evs[2], tc.class)
			}
			if f := evs[1]; f.Rule != "rule1" || f.Index != 0 || f.Path != "clip.mp4" {
				t.Errorf("fault event %+v", f)
			}
			if e.Remembered(e.Hosts()[0]) {
				t.Error("host 0 is remembered as failed for an injected fault")
			}
			if el := evs[len(evs)-1].Elapsed; el < tc.atLeast {
				t.Errorf("resolved after %s, want at least %s", el, tc.atLeast)
			}
			if tc.class != "" && h0.Requests() != 0 {
				t.Errorf("host 0 got %d requests: a failed probe must not reach it", h0.Requests())
			}
		})
	}
}
