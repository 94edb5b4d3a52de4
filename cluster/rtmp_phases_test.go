package cluster

import (
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestRTMPPhases: an RTMP attempt reports connect, handshake and play
// against nginx-rtmp, TLS too over rtmps, and stops at the step a faulty
// server stops it in.
func TestRTMPPhases(t *testing.T) {
	const timeout = 800 * time.Millisecond
	n := hosttest.Nginx(t, hosttest.ClipDir(t))
	proxy := hosttest.Keep(t)(loopback.TLSProxy(n.Addr, "/vod"))
	refused, err := loopback.Refused()
	if err != nil {
		t.Fatal(err)
	}
	type want struct{ connect, tls, handshake, play bool }
	tests := []struct {
		name  string
		url   string
		kind  events.Kind
		want  want
		stuck func(events.Phases) time.Duration // the step that runs to the timeout
	}{
		{"nginx", n.URL, events.Resolved, want{connect: true, handshake: true, play: true}, nil},
		{"rtmps", proxy.URL, events.Resolved, want{connect: true, tls: true, handshake: true, play: true}, nil},
		{"refused", hosttest.RTMPAt(t, refused), events.ConnectFailed, want{connect: true}, nil},
		{"connect rejected", hosttest.Keep(t)(loopback.RejectingRTMP()).URL, events.ConnectFailed,
			want{connect: true, handshake: true, play: true}, nil},
		{"stuck in the handshake", hosttest.Keep(t)(loopback.MidHandshakeRTMP()).URL, events.ConnectFailed,
			want{connect: true, handshake: true}, func(p events.Phases) time.Duration { return p.Handshake }},
		{"no answer to connect", hosttest.Keep(t)(loopback.HandshakeOnlyRTMP()).URL, events.ConnectFailed,
			want{connect: true, handshake: true, play: true}, func(p events.Phases) time.Duration { return p.Play }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := rtmpOpts(timeout)
			opts.Insecure = true
			_, _, evs := resolveHosts(t, opts, assets.ClipName, tt.url)
			got := ofKind(evs, tt.kind)
			if len(got) != 1 {
				t.Fatalf("want one %s:%s", tt.kind, rtmpDump(evs))
			}
			p := got[0].Phases
			checkPhase(t, "dns", p.DNS, false)
			checkPhase(t, "connect", p.Connect, tt.want.connect)
			checkPhase(t, "tls", p.TLS, tt.want.tls)
			checkPhase(t, "ttfb", p.TTFB, false)
			checkPhase(t, "handshake", p.Handshake, tt.want.handshake)
			checkPhase(t, "play", p.Play, tt.want.play)
			if tt.stuck != nil {
				if d := tt.stuck(p); d < timeout*8/10 || d > timeout+time.Second {
					t.Errorf("the step it was stuck in took %v, want about the %v timeout", d, timeout)
				}
			}
			t.Logf("%+v", p)
		})
	}
}
