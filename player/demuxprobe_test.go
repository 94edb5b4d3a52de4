package player

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestDemuxerProbeSetAndReset: the probe reaches mpv's options, and the
// zero probe restores what New left, --mpv's values included.
func TestDemuxerProbeSetAndReset(t *testing.T) {
	for _, tt := range []struct {
		name                   string
		extra                  [][2]string
		baseAnalyze, baseLavfO string
	}{
		{"defaults", nil, "0.000000", ""},
		{"--mpv", [][2]string{{"demuxer-lavf-analyzeduration", "7"}, {"demuxer-lavf-o", "probesize=100000"}}, "7.000000", "probesize=100000"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := newHeadless(t, Options{Extra: tt.extra})
			check := func(wantAnalyze, wantLavfO string) {
				t.Helper()
				a, o, err := p.demuxerProbe()
				if err != nil || a != wantAnalyze || o != wantLavfO {
					t.Fatalf("analyzeduration %q, demuxer-lavf-o %q (%v); want %q, %q", a, o, err, wantAnalyze, wantLavfO)
				}
			}
			check(tt.baseAnalyze, tt.baseLavfO)
			must(t, p.SetDemuxerProbe(DemuxerProbe{MaxDuration: 3 * time.Second, SkipFrameRate: true}))
			withFPS := "fpsprobesize=0"
			if tt.baseLavfO != "" {
				withFPS = tt.baseLavfO + "," + withFPS
			}
			check("3.000000", withFPS)
			must(t, p.SetDemuxerProbe(DemuxerProbe{MaxDuration: 1500 * time.Millisecond}))
			check("1.500000", tt.baseLavfO)
			must(t, p.SetDemuxerProbe(DemuxerProbe{}))
			check(tt.baseAnalyze, tt.baseLavfO)
			if err := p.SetDemuxerProbe(DemuxerProbe{MaxDuration: -time.Second}); !errors.Is(err, ErrInvalidParameter) {
				t.Errorf("a negative duration: %v, want ErrInvalidParameter", err)
			}
		})
	}
}

// TestDemuxerProbeKeepsTheLivePicture: a live stream loaded with the
// probe an RTMP load gets starts well before ffmpeg's own probe would let
// it (about 2.2 s), and with its video track: a probe too short for
// nginx's wait for a keyframe starts with the sound alone.
func TestDemuxerProbeKeepsTheLivePicture(t *testing.T) {
	n := nginxWithDir(t)
	clipPath := filepath.Join(t.TempDir(), assets.ClipName)
	must(t, os.WriteFile(clipPath, assets.Clip, 0o644))
	feed, err := loopback.StartLiveFeed(n.LiveURL+"/feed", clipPath)
	hosttest.Missing(t, err)
	must(t, err)
	t.Cleanup(feed.Stop)
	p := newHeadless(t, Options{StreamLavfO: "reconnect=0"})
	must(t, p.SetDemuxerProbe(DemuxerProbe{MaxDuration: 3 * time.Second, SkipFrameRate: true}))
	url := n.LiveURL + "/feed"
	var took []time.Duration
	for deadline := time.Now().Add(15 * time.Second); len(took) < 3; {
		t0 := time.Now()
		must(t, p.Load(url, 0))
		ev := waitStartOrEnd(t, p)
		if ev.Kind != EventStart {
			if time.Now().After(deadline) {
				t.Fatalf("live stream never started: %+v\nffmpeg: %s", ev, feed.Output())
			}
			// Until ffmpeg has published, nginx refuses the stream.
			time.Sleep(100 * time.Millisecond)
			continue
		}
		took = append(took, time.Since(t0).Round(time.Millisecond))
		if codec, err := p.m.GetPropertyString("video-codec"); err != nil || codec == "" {
			t.Errorf("load %d started without its video track (video-codec %q, %v)", len(took), codec, err)
		}
		must(t, p.Stop())
		waitKind(t, p, EventEnd)
	}
	t.Logf("Load -> Start of a live stream with the probe: %v", took)
	for _, d := range took {
		// One keyframe interval (1 s in the test clip), the connection and
		// the decoder's delay, with room for a loaded machine.
		if d > 2*time.Second {
			t.Errorf("a live load took %v to its first frame", d)
		}
	}
}
