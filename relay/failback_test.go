package relay

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"clusterplay/clock"
	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// Fail-back against real loopback hosts that go down and come back, on
// short settings: failures expire after 300 ms, probes every 100 ms, no
// fail-back sooner than 800 ms after a move or a failure.
const (
	fbExpiry = 300 * time.Millisecond
	fbProbe  = 100 * time.Millisecond
	fbAfter  = 800 * time.Millisecond
)

func startFailBackRelay(t *testing.T, on bool, hosts ...string) *harness {
	t.Helper()
	specs := make([]cluster.HostSpec, len(hosts))
	for i, h := range hosts {
		specs[i] = cluster.HostSpec{URL: h}
	}
	opts := cluster.DefaultOptions()
	opts.ConnectTimeout = time.Second
	opts.FailureExpiry = fbExpiry
	bus := events.NewBus()
	e, err := cluster.New(specs, opts, nil, bus)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{bus: bus, done: make(chan struct{})}
	ch := bus.Subscribe()
	go func() {
		defer close(h.done)
		for ev := range ch {
			h.mu.Lock()
			h.evs = append(h.evs, ev)
			h.mu.Unlock()
		}
	}()
	// The default read timeout: a host down is seen by its reset, and a
	// loaded machine must not pass for a silent host.
	h.relay, err = Start(Options{Engine: e, Bus: bus, ReadTimeout: DefaultReadTimeout, ConnectTimeout: time.Second,
		FailBack: on, FailBackProbe: fbProbe, FailBackAfter: fbAfter})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.relay.Close() })
	return h
}

// seen returns the events so far, leaving the stream open.
func (h *harness) seen() []events.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]events.Event(nil), h.evs...)
}

func failBacks(evs []events.Event) []events.Event {
	var out []events.Event
	for _, ev := range of(evs, events.Failover) {
		if ev.Class == events.ClassFailBack {
			out = append(out, ev)
		}
	}
	return out
}

func keepRevivable(t *testing.T, files map[string][]byte, rate int64) *loopback.Revivable {
	t.Helper()
	v, err := loopback.RevivableThrottled(files, rate)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// TestFailBackAtTheNextRequest: requests one after another, as HLS makes
// them. The primary goes down (the next request fails over to host 1),
// comes back, and a later request is served by it again, with a failover
// of class fail_back; with fail-back off, every later request stays on
// host 1.
func TestFailBackAtTheNextRequest(t *testing.T) {
	for _, on := range []bool{true, false} {
		primary := keepRevivable(t, files, 0)
		backup := hosttest.Keep(t)(loopback.Good(files))
		h := startFailBackRelay(t, on, primary.URL+"/v", backup.URL+"/v")
		fetchOnce := func() {
			resp, body, err := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": "bytes=0-9999"})
			if err != nil || resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, payload[:10000]) {
				t.Fatalf("a request: %d, %d bytes, %v", resp.StatusCode, len(body), err)
			}
		}
		fetchOnce()
		primary.Down()
		moved := time.Now() // the move to host 1 is no sooner
		fetchOnce()
		if cur := h.relay.Current(); cur == nil || cur.Index != 1 {
			t.Fatalf("on %v: serving %v after the primary went down, want host 1", on, cur)
		}
		if err := primary.Up(); err != nil {
			t.Fatal(err)
		}
		back := time.Time{}
		began := time.Now()
		for time.Since(began) < 4*time.Second && back.IsZero() {
			fetchOnce()
			if len(failBacks(h.seen())) > 0 {
				back = time.Now()
			}
			time.Sleep(50 * time.Millisecond)
		}
		evs := h.events()
		fb := failBacks(evs)
		if !on {
			if len(fb) != 0 {
				t.Errorf("fail-back off, yet %v", fb)
			}
			continue
		}
		if len(fb) != 1 || fb[0].Host != backup.URL+"/v" || fb[0].ToHost != primary.URL+"/v" || fb[0].ToIndex != 0 || !fb[0].Seamless {
			t.Fatalf("fail-backs %+v, want one from host 1 to host 0", fb)
		}
		if took := back.Sub(moved); took < fbAfter {
			t.Errorf("failed back %v after the move to host 1, sooner than %v", took, fbAfter)
		}
		fetches := of(evs, events.Fetch)
		if last := fetches[len(fetches)-1]; last.Index != 0 {
			t.Errorf("the request after the fail-back came from host %d", last.Index)
		}
	}
}

// TestFailBackMidBody: one long response (a progressive file). The
// primary goes down mid-body and the relay splices onto host 1; the
// primary comes back, and the relay splices back onto it at the current
// offset (a planned splice, with the overlap check). The player gets
// every byte in one response.
func TestFailBackMidBody(t *testing.T) {
	const rate = 1 << 20 // 3 s for the payload
	primary := keepRevivable(t, files, rate)
	backup := hosttest.Keep(t)(loopback.Throttled(files, rate))
	h := startFailBackRelay(t, true, primary.URL+"/v", backup.URL+"/v")
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		time.Sleep(400 * time.Millisecond)
		primary.Down()
		time.Sleep(200 * time.Millisecond)
		if err := primary.Up(); err != nil {
			t.Error(err)
		}
	}()
	resp, err := http.Get(h.relay.URL("clip.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	wg.Wait()
	if err != nil || !bytes.Equal(body, payload) {
		t.Fatalf("%d bytes of %d, %v: the response is not the file", len(body), len(payload), err)
	}
	evs := h.events()
	fb := failBacks(evs)
	if len(fb) != 1 || fb[0].ToIndex != 0 || fb[0].Index != 1 || fb[0].Offset <= 0 || fb[0].Offset >= int64(len(payload)) {
		t.Fatalf("fail-backs %+v, want one mid-body from host 1 to host 0", fb)
	}
	if f := of(evs, events.Failover); len(f) != 2 || f[0].ToIndex != 1 {
		t.Errorf("failovers %+v, want the one to host 1, then the fail-back", f)
	}
}

// TestNoFailBackWhileItFlaps: a primary that flaps (up 600 ms, down
// 600 ms: up shorter than the fail-back-after of 800 ms) is never
// returned to, though it answers three probes in a row in each up.
func TestNoFailBackWhileItFlaps(t *testing.T) {
	primary := keepRevivable(t, files, 0)
	backup := hosttest.Keep(t)(loopback.Good(files))
	h := startFailBackRelay(t, true, primary.URL+"/v", backup.URL+"/v")
	if _, _, err := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": "bytes=0-9"}); err != nil {
		t.Fatal(err)
	}
	primary.Flap(600*time.Millisecond, 600*time.Millisecond)
	for began := time.Now(); time.Since(began) < 5*time.Second; {
		resp, body, err := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": "bytes=0-9"})
		if err != nil || resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, payload[:10]) {
			t.Fatalf("a request: %d, %v", resp.StatusCode, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	evs := h.events()
	if fb := failBacks(evs); len(fb) != 0 {
		t.Errorf("failed back to a flapping host: %+v", fb)
	}
	if len(of(evs, events.Failover)) == 0 {
		t.Error("no failover to host 1: the flap was never seen")
	}
}

// TestFailBackOnTheClock: the loop on a fake clock, at the defaults. The
// primary failed at 0 and answers well from then on: it is probed once
// per --fail-back-probe (10 s) and no more often, and the move is planned
// at 40 s, once its good answers (10, 20, 30, 40 s) span
// --fail-back-after (30 s); the next request then comes from it.
func TestFailBackOnTheClock(t *testing.T) {
	primary := hosttest.Keep(t)(loopback.Good(files))
	backup := hosttest.Keep(t)(loopback.Good(files))
	fake := clock.NewFake(t0)
	opts := cluster.DefaultOptions()
	opts.Clock = fake
	bus := events.NewBus()
	e, err := cluster.New([]cluster.HostSpec{{URL: primary.URL + "/v"}, {URL: backup.URL + "/v"}}, opts, nil, bus)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Start(Options{Engine: e, Bus: bus, FailBack: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	hosts := e.Hosts()
	e.MarkFailed(hosts[0])
	r.SetCurrent(hosts[1])
	if resp, _, err := get(t, r.URL("clip.mp4"), map[string]string{"Range": "bytes=0-99"}); err != nil || resp.StatusCode != 206 {
		t.Fatalf("the first request: %v %v", resp.StatusCode, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fake.BlockUntil(ctx, 1); err != nil { // the loop's ticker
		t.Fatal(err)
	}
	probed := func(want int64) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for primary.Requests() < want && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond) // a probe too many would show by now
		if got := primary.Requests(); got != want {
			t.Fatalf("at %v: the primary was asked %d times, want %d", fake.Now().Sub(t0), got, want)
		}
	}
	for i := int64(1); i <= 3; i++ {
		fake.Advance(5 * time.Second)
		probed(i - 1)
		fake.Advance(5 * time.Second)
		probed(i)
		if to := r.failBackTarget(hosts[1]); to != nil {
			t.Fatalf("at %v, %d good answers: a fail-back planned", fake.Now().Sub(t0), i)
		}
	}
	fake.Advance(10 * time.Second)
	probed(4)
	deadline := time.Now().Add(5 * time.Second)
	for r.failBackTarget(hosts[1]) == nil && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if to := r.failBackTarget(hosts[1]); to != hosts[0] {
		t.Fatalf("at 40 s: planned %v, want the primary", to)
	}
	if resp, _, err := get(t, r.URL("clip.mp4"), map[string]string{"Range": "bytes=0-99"}); err != nil || resp.StatusCode != 206 {
		t.Fatalf("the request after: %v %v", resp.StatusCode, err)
	}
	if cur := r.Current(); cur != hosts[0] || primary.Requests() != 5 {
		t.Errorf("after the fail-back: serving %v, the primary asked %d times; want it, 5", cur, primary.Requests())
	}
}

// TestFailBackProbesLikeEveryRequest: the probes go out with the
// headers and TLS settings of every request to the hosts. A primary that
// answers only with the token header, or only over TLS the relay is told
// not to verify, is failed back to; it would never be if a probe came
// without them.
func TestFailBackProbesLikeEveryRequest(t *testing.T) {
	tokenOnly := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Header.Get("X-Edge-Token") != "s3cret" {
			http.Error(w, "no token", http.StatusForbidden)
			return
		}
		http.ServeContent(w, req, "clip.mp4", time.Time{}, bytes.NewReader(payload))
	})))
	tlsHost := hosttest.Keep(t)(loopback.GoodTLS(files))
	for _, tc := range []struct {
		name     string
		primary  string
		header   http.Header
		insecure bool
	}{
		{"a token header", tokenOnly.URL + "/v", http.Header{"X-Edge-Token": {"s3cret"}}, false},
		{"TLS not verified", tlsHost.URL + "/v", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			backup := hosttest.Keep(t)(loopback.Good(files))
			opts := cluster.DefaultOptions()
			opts.FailureExpiry = fbExpiry
			opts.Header, opts.Insecure = tc.header, tc.insecure
			bus := events.NewBus()
			e, err := cluster.New([]cluster.HostSpec{{URL: tc.primary}, {URL: backup.URL + "/v"}}, opts, nil, bus)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Start(Options{Engine: e, Bus: bus, Header: tc.header, Insecure: tc.insecure,
				FailBack: true, FailBackProbe: fbProbe, FailBackAfter: fbAfter})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			hosts := e.Hosts()
			e.MarkFailed(hosts[0])
			r.SetCurrent(hosts[1])
			if resp, _, err := get(t, r.URL("clip.mp4"), map[string]string{"Range": "bytes=0-99"}); err != nil || resp.StatusCode != 206 {
				t.Fatalf("the first request: %v %v", resp.StatusCode, err)
			}
			deadline := time.Now().Add(5 * time.Second)
			for r.failBackTarget(hosts[1]) == nil && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if to := r.failBackTarget(hosts[1]); to != hosts[0] {
				t.Errorf("no fail-back planned to the primary within 5 s (planned %v)", to)
			}
		})
	}
}
