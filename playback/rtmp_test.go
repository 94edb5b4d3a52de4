package playback

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"clusterplay/events"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
	"clusterplay/player"
)

// nginxRTMP starts a real nginx-rtmp serving the test clip, as clip.mp4
// and as dir/clip.mp4. A missing nginx fails the test in CI, where it
// means a broken set-up.
func nginxRTMP(t *testing.T) *loopback.NginxHost {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{assets.ClipName, inDir} {
		if err := os.WriteFile(filepath.Join(dir, name), assets.Clip, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return hosttest.Nginx(t, dir)
}

// shortRTMPBuffer keeps nginx-rtmp 1.5 s ahead of the time since play
// began when it sends a VOD clip, where by default it runs the client's
// buffer (ffmpeg's default, 3 s) plus 1 s ahead. At 4 s ahead, a player
// that took 0.7 s to show the first frame of the 6 s clip already holds
// all but its last 1.3 s, and a kill then ends the stream within EarlyEOF
// of the end: a clean end, not a failover. Tests that kill the serving
// nginx play with this.
const shortRTMPBuffer = NoReconnect + ",rtmp_buffer=500"

// inDir is the clip in a subdirectory of nginx's play directory: ffmpeg
// alone would ask for the application "vod/dir".
const inDir = "dir/" + assets.ClipName

func TestRTMPPlaysToTheEnd(t *testing.T) {
	good := nginxRTMP(t)
	refusedRTMP := hosttest.RTMPAt(t, hosttest.Refused(t))
	h := start(t, []string{refusedRTMP, good.URL}, Options{})
	out, evs := h.run(t, 60*time.Second)
	if out != Played {
		t.Fatalf("outcome %v; evs:\n%s", out, describe(evs))
	}
	s := only(evs, events.Start)
	if len(s) != 1 || s[0].URL != good.URL+"/"+assets.ClipName {
		t.Errorf("start evs %+v", s)
	}
	endsAtTheEnd(t, evs)
}

// TestRTMPServingNginxKilled: the nginx that serves the clip is killed
// mid-clip; a second nginx takes over at the position and the clip plays
// to its end.
func TestRTMPServingNginxKilled(t *testing.T) {
	serving := nginxRTMP(t)
	backup := nginxRTMP(t)
	h := startWith(t, []string{serving.URL, backup.URL}, Options{StallTimeout: 2 * time.Second}, shortRTMPBuffer)
	wait := h.beside(func() error { return killOncePlaying(h, serving) })
	out, evs := h.run(t, 60*time.Second)
	if err := wait(); err != nil {
		t.Fatalf("%v; evs:\n%s", err, describe(evs))
	}
	if out != Played {
		t.Fatalf("outcome %v; evs:\n%s", out, describe(evs))
	}
	f := only(evs, events.Failover)
	if len(f) != 1 || f[0].Host != serving.URL || f[0].ToHost != backup.URL {
		t.Fatalf("failovers %+v; evs:\n%s", f, describe(evs))
	}
	endsAtTheEnd(t, evs)
}

// killOncePlaying kills the serving nginx as soon as its clip is seen to
// play: past the first frame, with mpv holding only what nginx sent ahead.
func killOncePlaying(h *harness, serving *loopback.NginxHost) error {
	first, ok := h.next(20*time.Second, kind(events.Start))
	if !ok {
		return errors.New("no start from the serving nginx")
	}
	if _, ok := h.next(20*time.Second, playedFrom(first.Host, first.Position, 100*time.Millisecond)); !ok {
		return errors.New("the serving nginx's clip never moved")
	}
	serving.Kill()
	return nil
}

// TestRTMPClipInDirectory: the clip lies in a directory under the
// application; the session tells mpv the application and the stream, and
// the clip plays to its end.
func TestRTMPClipInDirectory(t *testing.T) {
	n := nginxRTMP(t)
	h := start(t, []string{n.URL}, Options{Clip: inDir})
	out, evs := h.run(t, 60*time.Second)
	if out != Played {
		t.Fatalf("outcome %v; evs:\n%s\nnginx:\n%s", out, describe(evs), n.Log())
	}
	s := only(evs, events.Start)
	if len(s) != 1 || s[0].URL != n.URL+"/"+inDir {
		t.Errorf("start evs %+v", s)
	}
	endsAtTheEnd(t, evs)
	loads := h.player.Loads()
	want := [][2]string{{"rtmp_app", "vod"}, {"rtmp_playpath", "mp4:" + inDir}, {"rtmp_tcurl", n.URL}}
	if len(loads) != 1 || !reflect.DeepEqual(loads[0].opts, want) {
		t.Errorf("loads %+v, want one with options %q", loads, want)
	}
}

// TestRTMPRedirectedClipInDirectory: the first host redirects the probe
// to nginx (as Wowza's load balancer does); mpv plays the final URL, split
// by what the redirect changed.
func TestRTMPRedirectedClipInDirectory(t *testing.T) {
	n := nginxRTMP(t)
	lb := hosttest.Keep(t)(loopback.RedirectingRTMP(n.URL))
	h := start(t, []string{lb.URL}, Options{Clip: inDir})
	out, evs := h.run(t, 60*time.Second)
	if out != Played {
		t.Fatalf("outcome %v; evs:\n%s\nnginx:\n%s", out, describe(evs), n.Log())
	}
	s := only(evs, events.Start)
	if len(s) != 1 || s[0].URL != n.URL+"/"+inDir || s[0].Host != lb.URL {
		t.Errorf("start evs %+v", s)
	}
	endsAtTheEnd(t, evs)
	if loads := h.player.Loads(); len(loads) != 1 || len(loads[0].opts) == 0 || loads[0].opts[0][1] != "vod" {
		t.Errorf("loads %+v, want rtmp_app=vod", loads)
	}
}

// TestRTMPFailsOverToHTTP: a mixed cluster. The serving nginx dies, an
// HTTP host takes over, and its load carries no RTMP options.
func TestRTMPFailsOverToHTTP(t *testing.T) {
	serving := nginxRTMP(t)
	backup := hosttest.Keep(t)(loopback.Good(map[string][]byte{inDir: assets.Clip}))
	h := startWith(t, []string{serving.URL, backup.URL}, Options{Clip: inDir, StallTimeout: 2 * time.Second}, shortRTMPBuffer)
	wait := h.beside(func() error { return killOncePlaying(h, serving) })
	out, evs := h.run(t, 60*time.Second)
	if err := wait(); err != nil {
		t.Fatalf("%v; evs:\n%s", err, describe(evs))
	}
	if out != Played {
		t.Fatalf("outcome %v; evs:\n%s", out, describe(evs))
	}
	endsAtTheEnd(t, evs)
	loads := h.player.Loads()
	if len(loads) != 2 || loads[0].opts == nil || loads[1].opts != nil || loads[1].url != backup.URL+"/"+inDir {
		t.Errorf("loads %+v, want the RTMP one with options, then the HTTP one without", loads)
	}
	// ffmpeg's shorter probe is for RTMP; an HTTP load goes back to the
	// player's own.
	if len(loads) == 2 && (loads[0].probe != rtmpProbe || loads[1].probe != (player.DemuxerProbe{})) {
		t.Errorf("demuxer probes %+v then %+v, want %+v then none", loads[0].probe, loads[1].probe, rtmpProbe)
	}
}
