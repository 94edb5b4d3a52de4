package relay

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/faults"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

func injector(t *testing.T, src string) *faults.Injector {
	t.Helper()
	p, err := faults.Parse("plan.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return faults.NewInjector(p, nil)
}

// firstIndex is the place in evs of the first event of kind k, or -1.
func firstIndex(evs []events.Event, k events.Kind) int {
	return slices.IndexFunc(evs, func(e events.Event) bool { return e.Kind == k })
}

// TestEveryRelayAction injects each action into host 0 of two real
// loopback hosts and checks what the player gets, which host served it,
// and that host 0 is held to nothing.
func TestEveryRelayAction(t *testing.T) {
	for _, tc := range []struct {
		action   string
		failover events.Class // the seamless move it causes; "" none
		fromOne  bool         // served whole by host 1
		atLeast  time.Duration
		corrupt  bool
	}{
		{action: "status 503", fromOne: true},
		{action: "hang", fromOne: true, atLeast: time.Second},
		{action: "delay 400ms", atLeast: 400 * time.Millisecond},
		{action: "slow-headers 400ms", atLeast: 400 * time.Millisecond},
		{action: "slow-headers 5s", fromOne: true, atLeast: time.Second},
		{action: "reset after 100000 bytes", failover: events.ClassReset},
		{action: "stall after 100000 bytes for 5s", failover: events.ClassTimeout},
		{action: "stall after 100000 bytes for 100ms", atLeast: 100 * time.Millisecond},
		{action: "truncate after 100000 bytes", failover: events.ClassEarlyEOF},
		{action: "throttle 4MB/s", atLeast: 600 * time.Millisecond},
		{action: "corrupt", corrupt: true},
	} {
		t.Run(tc.action, func(t *testing.T) {
			h0 := hosttest.Keep(t)(loopback.Good(files))
			h1 := hosttest.Keep(t)(loopback.Good(files))
			inj := injector(t, "rules:\n  - host: 0\n    kind: range\n    action: "+tc.action+"\n")
			h := startRelayWith(t, "", inj, h0.URL+"/v", h1.URL+"/v")
			began := time.Now()
			resp, body, err := get(t, h.relay.URL("clip.mp4"), nil)
			took := time.Since(began)
			want := payload
			if tc.corrupt {
				want = bytes.Clone(payload)
				for i := range want {
					want[i] ^= 0xA5
				}
			}
			if err != nil || resp.StatusCode != 200 || !bytes.Equal(body, want) {
				t.Fatalf("got %d, %d bytes (the file's: %v), %v", resp.StatusCode, len(body), bytes.Equal(body, payload), err)
			}
			if took < tc.atLeast {
				t.Errorf("took %s, want at least %s", took, tc.atLeast)
			}
			// The next request, the plan cleared, goes to host 0 again.
			inj.Clear()
			if _, body, err := get(t, h.relay.URL("clip.mp4"), nil); err != nil || !bytes.Equal(body, payload) {
				t.Fatalf("the second request: %d bytes, %v", len(body), err)
			}
			if h.relay.opts.Engine.Remembered(h.relay.opts.Engine.Hosts()[0]) {
				t.Error("host 0 is remembered as failed for an injected fault")
			}
			evs := h.events()
			faultsSaid := of(evs, events.Fault)
			if len(faultsSaid) != 1 || faultsSaid[0].Index != 0 || faultsSaid[0].Rule != "rule1" || faultsSaid[0].Path != "clip.mp4" {
				t.Fatalf("fault events: %+v", faultsSaid)
			}
			if a, _ := faults.ParseAction(tc.action); faultsSaid[0].Action != a.String() {
				t.Errorf("fault action %q, want %q", faultsSaid[0].Action, a.String())
			}
			if fi, fe := firstIndex(evs, events.Fault), firstIndex(evs, events.Fetch); fe >= 0 && fe < fi {
				t.Errorf("a fetch came before the fault event")
			}
			fetches := of(evs, events.Fetch)
			if last := fetches[len(fetches)-1]; last.Index != 0 {
				t.Errorf("the request after the fault went to host %d", last.Index)
			}
			fos := of(evs, events.Failover)
			switch {
			case tc.failover == "" && len(fos) > 0:
				t.Errorf("unexpected failover %+v", fos[0])
			case tc.failover != "" && (len(fos) != 1 || fos[0].Class != tc.failover || !fos[0].Seamless || fos[0].Offset != 100000 ||
				!fos[0].ExpiresAt.IsZero()):
				t.Errorf("failovers %+v, want one seamless %s at 100000 that blames nobody", fos, tc.failover)
			}
			for _, e := range of(evs, events.ConnectFailed) {
				t.Errorf("a failure counted against a host: %+v", e)
			}
			servedByOne := fetches[0].Index == 1
			if tc.fromOne != servedByOne {
				t.Errorf("first fetch from host %d", fetches[0].Index)
			}
		})
	}
}

// TestCorruptIsCaughtByTheOverlapCheck: a host whose bytes a rule
// corrupts is a host serving another file, and a splice onto it is
// refused by the overlap check; the next host continues the response.
func TestCorruptIsCaughtByTheOverlapCheck(t *testing.T) {
	h0 := hosttest.Keep(t)(loopback.Good(files))
	h1 := hosttest.Keep(t)(loopback.Good(files))
	h2 := hosttest.Keep(t)(loopback.Good(files))
	inj := injector(t, `rules:
  - {host: 0, action: reset after 200000 bytes}
  - {host: 1, action: corrupt}
`)
	h := startRelayWith(t, "", inj, h0.URL+"/v", h1.URL+"/v", h2.URL+"/v")
	resp, body, err := get(t, h.relay.URL("clip.mp4"), nil)
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(body, payload) {
		t.Fatalf("got %d, %d bytes (the file's: %v), %v", resp.StatusCode, len(body), bytes.Equal(body, payload), err)
	}
	evs := h.events()
	var mismatch []events.Event
	for _, e := range of(evs, events.ConnectFailed) {
		if e.Class == events.ClassMismatch {
			mismatch = append(mismatch, e)
		}
	}
	if len(mismatch) != 1 || mismatch[0].Index != 1 {
		t.Fatalf("mismatch events %+v, want one for host 1", mismatch)
	}
	fos := of(evs, events.Failover)
	if len(fos) != 1 || fos[0].ToIndex != 2 || fos[0].Offset != 200000 {
		t.Fatalf("failovers %+v, want one to host 2 at 200000", fos)
	}
	if n := len(of(evs, events.Fault)); n != 2 {
		t.Errorf("%d fault events, want 2", n)
	}
}

// TestSeedRepeatsThroughTheRelay: the same plan and seed fail the same
// requests, run after run, whatever the order they come in.
func TestSeedRepeatsThroughTheRelay(t *testing.T) {
	h0 := hosttest.Keep(t)(loopback.Good(files))
	h1 := hosttest.Keep(t)(loopback.Good(files))
	plan := "seed: 7\nrules:\n  - {host: 0, kind: range, probability: 0.5, action: status 503}\n"
	// hits asks for ranges at starts, one after the other, and returns
	// those that host 1 served: the ones the rule failed on host 0.
	hits := func(starts []int) map[int]bool {
		h := startRelayWith(t, "", injector(t, plan), h0.URL+"/v", h1.URL+"/v")
		out := map[int]bool{}
		for i, start := range starts {
			rng := fmt.Sprintf("bytes=%d-%d", start, start+999)
			if _, body, err := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": rng}); err != nil ||
				!bytes.Equal(body, payload[start:start+1000]) {
				t.Fatalf("%s: %d bytes, %v", rng, len(body), err)
			}
			fetch := h.waitFor(t, events.Fetch, i+1)
			out[start] = fetch.Index == 1
		}
		h.events()
		return out
	}
	starts := []int{0, 10000, 20000, 30000, 40000, 50000, 60000, 70000, 80000, 90000, 100000, 110000}
	a := hits(starts)
	reversed := slices.Clone(starts)
	slices.Reverse(reversed)
	b := hits(reversed)
	n := 0
	for _, s := range starts {
		if a[s] != b[s] {
			t.Errorf("range at %d: failed %v one run, %v the other", s, a[s], b[s])
		}
		if a[s] {
			n++
		}
	}
	if n == 0 || n == len(starts) {
		t.Errorf("probability 0.5 failed %d of %d", n, len(starts))
	}
}

// waitFor waits until the harness has seen n events of kind k and
// returns the nth.
func (h *harness) waitFor(t *testing.T, k events.Kind, n int) events.Event {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		h.mu.Lock()
		got := of(h.evs, k)
		h.mu.Unlock()
		if len(got) >= n {
			return got[n-1]
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no %d %s events within 5s", n, k)
	return events.Event{}
}

// TestAFaultOnALongBodyEndsWithItsRule: a progressive file is one long
// request; a throttle on it ends when its rule goes (clear_faults), and
// the rest of the file comes at the host's pace, from the same host.
func TestAFaultOnALongBodyEndsWithItsRule(t *testing.T) {
	h0 := hosttest.Keep(t)(loopback.Good(files))
	inj := injector(t, "rules:\n  - {host: 0, action: throttle 200KB/s}\n")
	h := startRelayWith(t, "", inj, h0.URL+"/v")
	time.AfterFunc(500*time.Millisecond, inj.Clear)
	began := time.Now()
	_, body, err := get(t, h.relay.URL("clip.mp4"), nil)
	if err != nil || !bytes.Equal(body, payload) {
		t.Fatalf("%d bytes, %v", len(body), err)
	}
	// 3 MiB at 200 KB/s would take 15 s.
	if took := time.Since(began); took > 8*time.Second {
		t.Errorf("took %s: the throttle outlived its rule", took)
	}
	if fos := of(h.events(), events.Failover); len(fos) != 0 {
		t.Errorf("failovers %+v", fos)
	}
}
