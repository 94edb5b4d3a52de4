package e2e

import (
	"testing"
	"time"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestPhasesInJSON: --json carries each attempt's phases as *_ms fields,
// only those the attempt began: a refused host only connect_ms, a host
// that waits before its headers a ttfb_ms at least that long, TLS only
// over HTTPS.
func TestPhasesInJSON(t *testing.T) {
	const wait = 300 * time.Millisecond
	slow := hosttest.Keep(t)(loopback.SlowHeaders(wait))
	tlsHost := hosttest.Keep(t)(loopback.GoodTLS(files))
	refused := hosttest.Refused(t)
	tests := []struct {
		host      string
		event     string
		want, not []string
	}{
		{refused, "connect_failed", []string{"connect_ms"}, []string{"dns_ms", "tls_ms", "ttfb_ms", "handshake_ms", "play_ms"}},
		{slow.URL, "resolved", []string{"connect_ms", "ttfb_ms"}, []string{"dns_ms", "tls_ms", "handshake_ms", "play_ms"}},
		{tlsHost.URL, "resolved", []string{"connect_ms", "tls_ms", "ttfb_ms"}, []string{"dns_ms", "handshake_ms", "play_ms"}},
	}
	for _, tt := range tests {
		r := clusterplay(t, nil, "--print-url", "--json", "--insecure", "--connect-count", "1", "--host", tt.host, "clip.mp4")
		evs := named(decodeLines(t, r.stdout), tt.event)
		if len(evs) != 1 {
			t.Errorf("%s: no %s in\n%s", tt.host, tt.event, r.stdout)
			continue
		}
		ev := evs[0]
		for _, f := range tt.want {
			if v, ok := ev[f].(float64); !ok || v < 0 {
				t.Errorf("%s %s: %s = %v, want a number", tt.host, tt.event, f, ev[f])
			}
		}
		for _, f := range tt.not {
			if _, ok := ev[f]; ok {
				t.Errorf("%s %s has %s, a phase it never began", tt.host, tt.event, f)
			}
		}
		if tt.host == slow.URL {
			if ttfb := ev["ttfb_ms"].(float64); ttfb < float64(wait.Milliseconds()) || ttfb > ev["elapsed_ms"].(float64) {
				t.Errorf("ttfb_ms %v: want at least the host's %v and at most the elapsed_ms %v", ttfb, wait, ev["elapsed_ms"])
			}
		}
	}
}
