package relay

import (
	"testing"
	"time"
)

const ms = time.Millisecond

func TestHedgeDelay(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		p95      time.Duration
		measured bool
		buf      PlayerBuffer
		bufKnown bool
		want     time.Duration
	}{
		{name: "the host's p95", p95: 120 * ms, measured: true, want: 120 * ms},
		{name: "never under 50 ms", p95: 3 * ms, measured: true, want: 50 * ms},
		{name: "unmeasured", want: unmeasuredHedgeDelay},
		{name: "a deep buffer changes nothing", p95: 300 * ms, measured: true,
			buf: PlayerBuffer{Cached: 10 * time.Second, Playing: true, At: now}, bufKnown: true, want: 300 * ms},
		{name: "a short buffer: half of it", p95: 300 * ms, measured: true,
			buf: PlayerBuffer{Cached: 400 * ms, Playing: true, At: now}, bufKnown: true, want: 200 * ms},
		{name: "what played since it was seen is gone", p95: 300 * ms, measured: true,
			buf: PlayerBuffer{Cached: 400 * ms, Playing: true, At: now.Add(-200 * ms)}, bufKnown: true, want: 100 * ms},
		{name: "an empty buffer: still 50 ms", p95: 300 * ms, measured: true,
			buf: PlayerBuffer{Playing: true, At: now}, bufKnown: true, want: 50 * ms},
		{name: "not playing yet: the buffer says nothing", p95: 300 * ms, measured: true,
			buf: PlayerBuffer{At: now}, bufKnown: true, want: 300 * ms},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := hedgeDelay(tc.p95, tc.measured, tc.buf, tc.bufKnown, now); got != tc.want {
				t.Errorf("hedgeDelay = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestWorthHedgingTo(t *testing.T) {
	for _, tc := range []struct {
		name         string
		p95          time.Duration
		measured     bool
		typical      time.Duration
		typicalKnown bool
		waited       time.Duration
		want         bool
	}{
		{name: "a fast host", p95: 5 * ms, measured: true, waited: 50 * ms, want: true},
		{name: "as slow as the wait", p95: 2 * time.Second, measured: true, waited: 2 * time.Second, want: false},
		{name: "slower than the wait", p95: 3 * time.Second, measured: true, waited: 2 * time.Second, want: false},
		{name: "hardly faster: a coin's toss", p95: 290 * ms, measured: true, waited: 300 * ms, want: false},
		{name: "unmeasured, nothing known", waited: 50 * ms, want: true},
		{name: "unmeasured, the hosts are fast", typical: 4 * ms, typicalKnown: true, waited: 50 * ms, want: true},
		{name: "unmeasured, every host is slow", typical: 400 * ms, typicalKnown: true, waited: 410 * ms, want: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := worthHedgingTo(tc.p95, tc.measured, tc.typical, tc.typicalKnown, tc.waited); got != tc.want {
				t.Errorf("worthHedgingTo = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestHedgeBudget: at most the share of the last minute's requests, plus
// a burst of 2; what is older than a minute no longer counts.
func TestHedgeBudget(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	b := hedgeBudget{percent: 5}
	sent := func(at time.Time) int {
		n := 0
		for b.allow(at) {
			b.spend(at)
			n++
		}
		return n
	}
	b.request(t0)
	if n := sent(t0); n != 2 {
		t.Fatalf("one request: %d hedges, want the burst of 2", n)
	}
	for i := range 99 {
		b.request(t0.Add(time.Duration(i) * 100 * ms))
	}
	at := t0.Add(10 * time.Second)
	if n := sent(at); n != 5 {
		t.Fatalf("100 requests: %d more hedges, want 5 (5 %% of 100, plus 2, less the 2 sent)", n)
	}
	// A minute later none of it counts: the burst again.
	later := t0.Add(80 * time.Second)
	b.request(later)
	if n := sent(later); n != 2 {
		t.Fatalf("a minute on: %d hedges, want 2", n)
	}
	off := hedgeBudget{percent: 0}
	for range 1000 {
		off.request(t0)
	}
	if n := 0; off.allow(t0) {
		for off.allow(t0) {
			off.spend(t0)
			n++
		}
		if n != 2 {
			t.Fatalf("budget 0: %d hedges, want the burst alone", n)
		}
	}
}

func TestPercentile(t *testing.T) {
	samples := make([]time.Duration, 20)
	for i := range samples {
		samples[i] = time.Duration(20-i) * ms
	}
	for _, tc := range []struct {
		p    int
		in   []time.Duration
		want time.Duration
		ok   bool
	}{
		{p: 95, in: samples, want: 19 * ms, ok: true},
		{p: 50, in: samples, want: 10 * ms, ok: true},
		{p: 95, in: samples[:1], want: 20 * ms, ok: true},
		{p: 95, in: nil},
	} {
		got, ok := percentile(tc.in, tc.p)
		if got != tc.want || ok != tc.ok {
			t.Errorf("p%d of %d samples = %s %v, want %s %v", tc.p, len(tc.in), got, ok, tc.want, tc.ok)
		}
	}
}
