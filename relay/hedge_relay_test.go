package relay

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// Hedged requests against real loopback hosts whose first bytes have a
// tail: some requests are held before any byte of the answer.

// hedgingRelay is a relay over hosts with hedging on, the serving host
// being the first.
func hedgingRelay(t *testing.T, on bool, budget float64, hosts ...*loopback.Host) *harness {
	t.Helper()
	urls := make([]string, len(hosts))
	for i, h := range hosts {
		urls[i] = h.URL + "/v"
	}
	h := startRelayOpts(t, func(o *Options) {
		o.Hedge, o.HedgeBudget, o.ReadTimeout, o.ConnectTimeout = on, budget, 5*time.Second, 5*time.Second
	}, urls...)
	h.relay.SetCurrent(h.relay.opts.Engine.Hosts()[0])
	return h
}

// resolvingRelay is hedgingRelay whose first request is resolved by the
// engine, as a playback's is: its attempt measures the host first.
func resolvingRelay(t *testing.T, budget float64, hosts ...*loopback.Host) *harness {
	t.Helper()
	h := hedgingRelay(t, true, budget, hosts...)
	h.relay.SetCurrent(nil)
	return h
}

// rangeOf asks the relay for bytes from..from+n-1 and checks them.
func rangeOf(t *testing.T, h *harness, from, n int) time.Duration {
	t.Helper()
	began := time.Now()
	resp, body, err := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": fmt.Sprintf("bytes=%d-%d", from, from+n-1)})
	if err != nil || resp.StatusCode != 206 || !bytes.Equal(body, payload[from:from+n]) {
		t.Fatalf("range %d+%d: %d, %d bytes, %v", from, n, resp.StatusCode, len(body), err)
	}
	return time.Since(began)
}

// TestHedgeServesAHeldRequestFromAnotherHost: the serving host holds
// its third request's first byte for 2 s; that request is served by the
// other host well within the 2 s, a hedge event says so, and the winner
// serves the requests after it.
func TestHedgeServesAHeldRequestFromAnotherHost(t *testing.T) {
	slow, held, err := loopback.SlowFirstBytes(files, 2*time.Second, loopback.EveryNth(3, ".mp4"))
	slow = hosttest.Keep(t)(slow, err)
	good := hosttest.Keep(t)(loopback.Good(files))
	h := hedgingRelay(t, true, 5, slow, good)
	for i := range 6 {
		if took := rangeOf(t, h, i*100_000, 100_000); took > time.Second {
			t.Errorf("request %d took %s: not hedged", i, took)
		}
	}
	evs := h.events()
	hedges := of(evs, events.Hedge)
	if held.Held() != 1 || len(hedges) != 1 {
		t.Fatalf("%d requests held, %d hedges %+v; want 1 and 1", held.Held(), len(hedges), hedges)
	}
	if e := hedges[0]; e.Host != slow.URL+"/v" || e.Index != 0 || e.ToHost != good.URL+"/v" || e.ToIndex != 1 ||
		e.Winner != e.ToHost || e.Delay < minHedgeDelay || e.Delay > time.Second || e.Path != "clip.mp4" {
		t.Errorf("hedge %+v: want from host 0 to host 1 after 50 ms to 1 s, won by host 1", e)
	}
	if slow.Requests() != 3 || good.Requests() != 4 {
		t.Errorf("%d requests to host 0, %d to host 1: want 3 (the held one the third) and 4 (the hedge, then the rest)",
			slow.Requests(), good.Requests())
	}
	for _, e := range of(evs, events.ConnectFailed) {
		t.Errorf("a hedge blamed a host: %+v", e)
	}
}

// TestHedgeTheFirstRequest: the very first request of a playback, before
// the relay measured any host, is hedged too.
func TestHedgeTheFirstRequest(t *testing.T) {
	slow, _, err := loopback.SlowFirstBytes(files, 2*time.Second, func(_ *http.Request, n int64) bool { return n == 1 })
	slow = hosttest.Keep(t)(slow, err)
	good := hosttest.Keep(t)(loopback.Good(files))
	h := hedgingRelay(t, true, 5, slow, good)
	if took := rangeOf(t, h, 0, 100_000); took > time.Second {
		t.Errorf("the first request took %s: not hedged", took)
	}
	hedges := of(h.events(), events.Hedge)
	if len(hedges) != 1 || hedges[0].Winner != good.URL+"/v" {
		t.Fatalf("hedges %+v, want one won by host 1", hedges)
	}
}

// TestHedgeOffSendsNone: with hedging off the held request waits for
// its host, and no hedge is sent.
func TestHedgeOffSendsNone(t *testing.T) {
	slow, held, err := loopback.SlowFirstBytes(files, 600*time.Millisecond, loopback.EveryNth(2, ".mp4"))
	slow = hosttest.Keep(t)(slow, err)
	good := hosttest.Keep(t)(loopback.Good(files))
	h := hedgingRelay(t, false, 5, slow, good)
	for i := range 4 {
		rangeOf(t, h, i*1000, 1000)
	}
	if n := len(of(h.events(), events.Hedge)); n != 0 || held.Held() != 2 || good.Requests() != 0 {
		t.Fatalf("%d hedges, %d held, %d requests to host 1; want 0, 2, 0", n, held.Held(), good.Requests())
	}
}

// TestNoHedgeWhenEveryHostIsSlow: every host holds every first byte
// alike; that is the network, and no hedge is sent.
func TestNoHedgeWhenEveryHostIsSlow(t *testing.T) {
	var hosts []*loopback.Host
	for range 3 {
		slow, _, err := loopback.SlowFirstBytes(files, 300*time.Millisecond, loopback.Always())
		hosts = append(hosts, hosttest.Keep(t)(slow, err))
	}
	h := resolvingRelay(t, 100, hosts...)
	for i := range 8 {
		rangeOf(t, h, i*1000, 1000)
	}
	if hedges := of(h.events(), events.Hedge); len(hedges) != 0 {
		t.Fatalf("%d hedges when every host is slow: %+v", len(hedges), hedges)
	}
	if n := hosts[1].Requests() + hosts[2].Requests(); n > 2 {
		t.Errorf("%d requests to the other hosts: more than the resolution's attempts", n)
	}
}

// byOffset holds the requests whose range starts in an even (parity 0)
// or odd (1) thousand of bytes. Two hosts of opposite parities never hold
// the same request, and asked for the thousands in turn, the host that
// served last holds the next: every request is held, every hedge would
// win, and nothing but the budget stops them.
func byOffset(parity int) loopback.Tail {
	return func(r *http.Request, _ int64) bool {
		var from int
		fmt.Sscanf(r.Header.Get("Range"), "bytes=%d-", &from)
		return (from/1000)%2 == parity
	}
}

// TestHedgeBudgetUnderALongTail: a tail that would have every request
// hedged; the hedges stay within 5 % of the requests plus 2.
func TestHedgeBudgetUnderALongTail(t *testing.T) {
	var hosts []*loopback.Host
	var held []*loopback.HeldFirstBytes
	for parity := range 2 {
		h, hf, err := loopback.SlowFirstBytes(files, 300*time.Millisecond, byOffset(parity))
		hosts, held = append(hosts, hosttest.Keep(t)(h, err)), append(held, hf)
	}
	h := hedgingRelay(t, true, 5, hosts...)
	const requests = 40
	for i := range requests {
		rangeOf(t, h, i*1000, 1000)
	}
	hedges := of(h.events(), events.Hedge)
	allowed := int(5.0/100*requests) + 2
	n := held[0].Held() + held[1].Held()
	if len(hedges) > allowed {
		t.Fatalf("%d hedges for %d requests (%d held): the budget allows %d", len(hedges), requests, n, allowed)
	}
	if len(hedges) < 2 || n < requests/3 {
		t.Fatalf("%d hedges, %d requests held: the tail was not hedged at all", len(hedges), n)
	}
}

// TestHedgeAfterAFewSlowAnswers: a host whose p95 a few slow answers
// raised (100 ms, of a median of a millisecond) still has its held
// request hedged to a host the relay never asked: that host is judged
// by the hosts' median, not by the very p95 the request has waited.
func TestHedgeAfterAFewSlowAnswers(t *testing.T) {
	slow, held, err := loopback.SlowFirstBytes(files, 2*time.Second, loopback.Always())
	slow = hosttest.Keep(t)(slow, err)
	good := hosttest.Keep(t)(loopback.Good(files))
	h := hedgingRelay(t, true, 5, slow, good)
	first := h.relay.opts.Engine.Hosts()[0]
	for i := range ttfbSamples {
		d := time.Millisecond
		if i%10 == 9 {
			d = 100 * time.Millisecond
		}
		h.relay.hedging.ttfb.add(first, d)
	}
	if took := rangeOf(t, h, 0, 1000); took > time.Second {
		t.Errorf("the held request took %s: not hedged", took)
	}
	hedges := of(h.events(), events.Hedge)
	if len(hedges) != 1 || hedges[0].Winner != good.URL+"/v" || held.Held() != 1 || hedges[0].Delay < 100*time.Millisecond {
		t.Fatalf("hedges %+v (%d held), want one after the p95 of 100 ms, won by host 1", hedges, held.Held())
	}
}
