package playback

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"clusterplay/logging/logtest"

	"clusterplay/assets"
	"clusterplay/logging"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
	"clusterplay/player"
)

type logBuffer = logtest.Buffer

// TestDecisionsAreLogged: each way a session leaves a host is logged with
// the numbers it was judged on, and so is the clip's real end.
func TestDecisionsAreLogged(t *testing.T) {
	const stallTimeout = time.Second
	tests := []struct {
		name    string
		serving func(t *testing.T) *loopback.Host
		judged  string // the decision that leaves the host
		check   func(m map[string]any) bool
		class   []string
	}{
		{"stalled before the first frame",
			func(t *testing.T) *loopback.Host {
				h := hosttest.Keep(t)(loopback.Good(clip))
				h.Stall() // headers answer the probe; the body never comes
				return h
			},
			"stall judged",
			func(m map[string]any) bool {
				return m["no_progress_s"].(float64) >= stallTimeout.Seconds() && m["stall_timeout"] == "1s" && m["first_frame_shown"] == false
			},
			[]string{"stall"}},
		{"cut mid-clip",
			func(t *testing.T) *loopback.Host {
				return hosttest.Keep(t)(loopback.CutAfter(clip, int64(len(assets.Clip)/3)))
			},
			"", // mpv tells a cut as an early end or as an error: either is logged
			nil,
			[]string{"early_eof", "playback"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			serving := tt.serving(t)
			backup := hosttest.Keep(t)(loopback.Good(clip))
			logs := &logBuffer{}
			log := logging.For(logging.New(logs, logging.Options{Level: slog.LevelDebug, JSON: true}), logging.Playback)
			h := start(t, []string{serving.URL, backup.URL}, Options{StallTimeout: stallTimeout, Log: log})
			if out, evs := h.run(t, 60*time.Second); out != Played {
				t.Fatalf("outcome %v; evs:\n%s", out, describe(evs))
			}
			if tt.judged != "" {
				j := logs.Lines(t, tt.judged)
				if len(j) != 1 || !tt.check(j[0]) {
					t.Errorf("%q logged as %v", tt.judged, j)
				}
			}
			f := logs.Lines(t, "failover started")
			if len(f) != 1 || f[0]["component"] != logging.Playback || f[0]["from"] != serving.URL || f[0]["index"] != 0.0 || !contains(tt.class, f[0]["class"].(string)) ||
				f[0]["position_s"] == nil || f[0]["blame"] != true {
				t.Errorf("failover logged as %v", f)
			}
			ends := logs.Lines(t, "end of file judged: the clip's end")
			if len(ends) != 1 {
				t.Fatalf("the clip's end logged as %v", ends)
			}
			e := ends[0]
			if e["margin_s"] != DefaultEarlyEOF.Seconds() || e["duration_s"].(float64) < assets.ClipDuration.Seconds()-0.5 ||
				e["duration_s"].(float64)-e["position_s"].(float64) > DefaultEarlyEOF.Seconds() {
				t.Errorf("the end judged on %v", e)
			}
		})
	}
}

// TestSessionDecisionsAreLogged: each way a session leaves a host is
// logged with the numbers it was judged on, and so is the clip's real end.
func TestSessionDecisionsAreLogged(t *testing.T) {
	t.Parallel()
	const stallTimeout = time.Second
	tests := []struct {
		name   string
		fault  func(h *harness)
		judged string // the decision that leaves the host
		check  func(m map[string]any) bool
		class  string
	}{
		{"stalled before the first frame",
			func(h *harness) { h.stall(stallTimeout + 2*watchInterval) },
			"stall judged",
			func(m map[string]any) bool {
				return m["no_progress_s"] == 1.2 && m["stall_timeout"] == "1s" && m["first_frame_shown"] == false
			},
			"stall"},
		{"cut mid-clip",
			func(h *harness) {
				h.begin(h.fake.Loads()[0])
				h.play(2 * time.Second)
				h.fail(player.ReasonEOF)
			},
			"end of file judged: early, a cut connection",
			func(m map[string]any) bool {
				return m["position_s"] == 2.0 && m["duration_s"] == clipEnd.Seconds() && m["short_by_s"] == 4.0 &&
					m["margin_s"] == DefaultEarlyEOF.Seconds() && m["first_frame_shown"] == true
			},
			"early_eof"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			serving := hosttest.Keep(t)(loopback.Good(clip))
			backup := hosttest.Keep(t)(loopback.Good(clip))
			logs := &logBuffer{}
			log := logging.For(logging.New(logs, logging.Options{Level: slog.LevelDebug, JSON: true}), logging.Playback)
			h := startFake(t, []string{serving.URL, backup.URL}, Options{StallTimeout: stallTimeout, Log: log})
			wait := h.runAside(t, context.Background())
			h.fake.nextLoad()
			tt.fault(h)
			h.begin(h.fake.nextLoad())
			h.playToTheEnd()
			if out, evs := wait(); out != Played {
				t.Fatalf("outcome %v; evs:\n%s", out, describe(evs))
			}
			if j := logs.Lines(t, tt.judged); len(j) != 1 || !tt.check(j[0]) {
				t.Errorf("%q logged as %v", tt.judged, j)
			}
			f := logs.Lines(t, "failover started")
			if len(f) != 1 || f[0]["component"] != logging.Playback || f[0]["from"] != serving.URL || f[0]["index"] != 0.0 ||
				f[0]["class"] != tt.class || f[0]["position_s"] == nil || f[0]["blame"] != true {
				t.Errorf("failover logged as %v", f)
			}
			ends := logs.Lines(t, "end of file judged: the clip's end")
			if len(ends) != 1 {
				t.Fatalf("the clip's end logged as %v", ends)
			}
			if e := ends[0]; e["margin_s"] != DefaultEarlyEOF.Seconds() || e["duration_s"] != clipEnd.Seconds() ||
				e["duration_s"].(float64)-e["position_s"].(float64) > DefaultEarlyEOF.Seconds() {
				t.Errorf("the end judged on %v", e)
			}
		})
	}
}
