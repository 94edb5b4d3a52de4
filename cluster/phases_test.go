package cluster

import (
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestHTTPPhases resolves against real loopback hosts and checks which
// phases each attempt reports and, where the host sets it, how long.
func TestHTTPPhases(t *testing.T) {
	t.Parallel()
	const (
		timeout    = 1500 * time.Millisecond
		headerWait = 300 * time.Millisecond
	)
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	tlsHost := hosttest.Keep(t)(loopback.GoodTLS(testFiles))
	slow := hosttest.Keep(t)(loopback.SlowHeaders(headerWait))
	silent := hosttest.Keep(t)(loopback.Silent())
	type want struct{ dns, connect, tls, ttfb bool }
	tests := []struct {
		name    string
		url     string
		kind    events.Kind
		want    want
		minTTFB time.Duration // the host's own wait before its first byte
	}{
		{"plain HTTP", good.URL, events.Resolved, want{connect: true, ttfb: true}, 0},
		// An IP address is looked up nowhere; a name is.
		{"by name", strings.Replace(good.URL, "127.0.0.1", "localhost", 1), events.Resolved, want{dns: true, connect: true, ttfb: true}, 0},
		{"TLS", tlsHost.URL, events.Resolved, want{connect: true, tls: true, ttfb: true}, 0},
		{"slow first byte", slow.URL, events.Resolved, want{connect: true, ttfb: true}, headerWait},
		// A refused connect is a connect that was tried: it is reported,
		// and nothing after it is.
		{"refused", hosttest.Refused(t), events.ConnectFailed, want{connect: true}, 0},
		// Stuck waiting for the first byte: the phase runs to the timeout
		// (less the connect before it).
		{"silent", silent.URL, events.ConnectFailed, want{connect: true, ttfb: true}, timeout * 9 / 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := sequential(timeout)
			opts.ConnectCount, opts.Insecure = 1, true
			_, _, evs := resolveHosts(t, opts, "clip.mp4", tt.url)
			got := ofKind(evs, tt.kind)
			if len(got) != 1 {
				t.Fatalf("%d %s events in %s", len(got), tt.kind, kinds(evs))
			}
			ev := got[0]
			p := ev.Phases
			checkPhase(t, "dns", p.DNS, tt.want.dns)
			checkPhase(t, "connect", p.Connect, tt.want.connect)
			checkPhase(t, "tls", p.TLS, tt.want.tls)
			checkPhase(t, "ttfb", p.TTFB, tt.want.ttfb)
			checkPhase(t, "handshake", p.Handshake, false)
			checkPhase(t, "play", p.Play, false)
			if tt.minTTFB > 0 {
				// Generous on the upper side: a loaded machine is slow,
				// never fast.
				if p.TTFB < tt.minTTFB || p.TTFB > tt.minTTFB+time.Second {
					t.Errorf("ttfb %v, want %v or a little more", p.TTFB, tt.minTTFB)
				}
			}
			if sum := p.DNS + p.Connect + p.TLS + p.TTFB; ev.Kind == events.ConnectFailed && sum > ev.Elapsed {
				t.Errorf("phases add up to %v, more than the attempt's %v", sum, ev.Elapsed)
			}
		})
	}
}

func checkPhase(t *testing.T, name string, d time.Duration, want bool) {
	t.Helper()
	switch {
	case want && d <= 0:
		t.Errorf("%s_ms absent, want it", name)
	case !want && d != 0:
		t.Errorf("%s_ms = %v, want it absent", name, d)
	}
}

// TestPhasesSumOverRedirects: a redirect is a second connection, whose
// phases add to the first's.
func TestPhasesSumOverRedirects(t *testing.T) {
	t.Parallel()
	const wait = 200 * time.Millisecond
	slow := hosttest.Keep(t)(loopback.SlowHeaders(wait))
	hop := hosttest.Keep(t)(loopback.Redirect(1, slow.URL))
	_, err, evs := resolveHosts(t, sequential(2*time.Second), "clip.mp4", hop.URL)
	if err != nil {
		t.Fatalf("Resolve: %v; %s", err, kinds(evs))
	}
	p := ofKind(evs, events.Resolved)[0].Phases
	if p.TTFB < wait || p.Connect <= 0 {
		t.Errorf("phases %+v: want the slow host's first byte (≥ %v) in the sum", p, wait)
	}
}

// TestStopwatchIgnoresLateReports: a dial that lost reports after the
// attempt is over; what the attempt returned does not change.
func TestStopwatchIgnoresLateReports(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	var mu sync.Mutex
	w := &stopwatch{now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }}
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	// Two addresses race: the second wins after 3 ms; the first reports
	// its failure later, which must not stretch the phase.
	w.begin(stepConnect)
	advance(time.Millisecond)
	w.begin(stepConnect)
	advance(2 * time.Millisecond)
	w.end(stepConnect, true)
	advance(5 * time.Millisecond)
	w.end(stepConnect, false)
	w.begin(stepTTFB)
	advance(4 * time.Millisecond)
	p := w.phases()
	advance(time.Second)
	w.end(stepTTFB, true)
	w.begin(stepDNS)
	if p.Connect != 3*time.Millisecond || p.TTFB != 4*time.Millisecond {
		t.Errorf("phases %+v: want connect 3ms, ttfb 4ms (cut at the attempt's end)", p)
	}
	if again := w.phases(); again != p {
		t.Errorf("phases changed after the attempt: %+v, then %+v", p, again)
	}
}
