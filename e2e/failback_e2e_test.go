package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// Fail-back with the real binary and libmpv, against loopback hosts that
// go down and come back on the same port. The stream is an HLS VOD of the
// clip five times over (30 s), served at 1.2 times its bitrate on each
// connection so that the player asks for segments all through the
// playback, even two at a time; the settings are
// the short ones of a test: probes every 500 ms, no fail-back sooner than
// 3 s after a move or a failure.

// failBackHLS makes the 30 s HLS VOD: its files by clip path, and its size.
func failBackHLS(t *testing.T) (map[string][]byte, int64) {
	t.Helper()
	ffmpeg := needTool(t, "ffmpeg")
	dir := t.TempDir()
	src := filepath.Join(dir, "src.mp4")
	if err := os.WriteFile(src, assets.Clip, 0o644); err != nil {
		t.Fatal(err)
	}
	hls := filepath.Join(dir, "hls")
	if err := os.Mkdir(hls, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ffmpeg, "-v", "error", "-stream_loop", "4", "-i", src, "-c", "copy", "-f", "hls", "-hls_time", "1",
		"-hls_playlist_type", "vod", "-hls_segment_filename", filepath.Join(hls, "seg%d.ts"), filepath.Join(hls, "index.m3u8")).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	files := map[string][]byte{}
	var size int64
	entries, _ := os.ReadDir(hls)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(hls, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files["hls/"+e.Name()] = b
		size += int64(len(b))
	}
	return files, size
}

const hlsLength = 5 * assets.ClipDuration

// failBackHosts starts host 0, which can go down and come back, and host
// 1, both at 1.2 times the stream's bitrate.
func failBackHosts(t *testing.T) (*loopback.Revivable, *loopback.Host) {
	t.Helper()
	files, size := failBackHLS(t)
	rate := int64(float64(size) / hlsLength.Seconds() * 1.2)
	primary, err := loopback.RevivableThrottled(files, rate)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { primary.Close() })
	backup := hosttest.Keep(t)(loopback.Throttled(files, rate))
	return primary, backup
}

var shortFailBack = []string{"--fail-back-probe", "500ms", "--fail-back-after", "3s"}

// downThenUp returns the event hook of a playback that takes host down
// 1.5 s after the first frame and brings it back 2 s later.
func downThenUp(t *testing.T, host *loopback.Revivable) func(map[string]any, *os.Process) {
	var once sync.Once
	return func(ev map[string]any, _ *os.Process) {
		if ev["event"] != "start" {
			return
		}
		once.Do(func() {
			go func() {
				time.Sleep(1500 * time.Millisecond)
				host.Down()
				time.Sleep(2 * time.Second)
				if err := host.Up(); err != nil {
					t.Error(err)
				}
			}()
		})
	}
}

// TestFailBackToARecoveredHost: host 0 goes down 1.5 s into the playback,
// which moves to host 1; host 0 comes back 2 s later, and the playback
// returns to it (a failover of class fail_back, from host 1 to host 0),
// without a reload of the player, and plays to its end: exit 0.
func TestFailBackToARecoveredHost(t *testing.T) {
	primary, backup := failBackHosts(t)
	code, evs := playJSON(t, downThenUp(t, primary), append(shortFailBack, "--host", primary.URL, "--host", backup.URL, "hls/index.m3u8")...)
	if code != 0 {
		t.Fatalf("exit %d: %v", code, evs)
	}
	var away, back int = -1, -1
	for i, ev := range evs {
		if ev["event"] != "failover" {
			continue
		}
		switch {
		case ev["class"] == "fail_back":
			if back >= 0 || ev["host"] != backup.URL || ev["to_host"] != primary.URL || ev["to_index"] != 0.0 || ev["seamless"] != true {
				t.Errorf("fail-back %v: want one, seamless, from host 1 to host 0; failovers %v", ev, named(evs, "failover"))
			}
			back = i
		case back < 0 && ev["to_host"] == backup.URL:
			away = i
		}
	}
	if away < 0 || back < away {
		t.Fatalf("failovers %v: want one to host 1, then a fail_back to host 0", named(evs, "failover"))
	}
	fetchedFromPrimary := false
	for _, ev := range evs[back:] {
		fetchedFromPrimary = fetchedFromPrimary || (ev["event"] == "fetch" && ev["index"] == 0.0)
	}
	if !fetchedFromPrimary {
		t.Errorf("no fetch from host 0 after the fail-back: %v", named(evs, "fetch"))
	}
	if n := len(named(evs, "start")); n != 1 {
		t.Errorf("%d start events: the player was reloaded", n)
	}
	endsAt(t, evs, hlsLength)
}

// TestFailBackMidProgressiveFile: the same with one long MP4 (the clip
// five times over, 30 s): the player's one request is moved back to host
// 0 by a planned splice at the current offset, the player never reloaded.
func TestFailBackMidProgressiveFile(t *testing.T) {
	primary, backup, size := longMP4Hosts(t)
	code, evs := playJSON(t, downThenUp(t, primary), append(shortFailBack, "--host", primary.URL, "--host", backup.URL, "long.mp4")...)
	if code != 0 {
		t.Fatalf("exit %d: %v", code, evs)
	}
	var fb []map[string]any
	for _, ev := range named(evs, "failover") {
		if ev["class"] == "fail_back" {
			fb = append(fb, ev)
		}
	}
	if len(fb) != 1 || fb[0]["to_host"] != primary.URL || fb[0]["host"] != backup.URL || fb[0]["seamless"] != true {
		t.Fatalf("fail-backs %v, want one from host 1 to host 0; failovers %v", fb, named(evs, "failover"))
	}
	if off, _ := fb[0]["offset"].(float64); off <= 0 || off >= float64(size) {
		t.Errorf("fail-back at offset %v: want a splice inside the file", fb[0]["offset"])
	}
	if n := len(named(evs, "start")); n != 1 {
		t.Errorf("%d start events: the player was reloaded", n)
	}
	endsAt(t, evs, hlsLength)
}

// longMP4Hosts serves the clip five times over (30 s) as one MP4, at 1.5
// times its bitrate: host 0 can go down and come back.
func longMP4Hosts(t *testing.T) (*loopback.Revivable, *loopback.Host, int) {
	t.Helper()
	ffmpeg := needTool(t, "ffmpeg")
	dir := t.TempDir()
	src, long := filepath.Join(dir, "src.mp4"), filepath.Join(dir, "long.mp4")
	if err := os.WriteFile(src, assets.Clip, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(ffmpeg, "-v", "error", "-stream_loop", "4", "-i", src, "-c", "copy",
		"-movflags", "+faststart", long).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	b, err := os.ReadFile(long)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"long.mp4": b}
	// 1.5 times: one connection at a time, and at less the relay would
	// judge a host slower than the stream once the player's cache runs low.
	rate := int64(float64(len(b)) / hlsLength.Seconds() * 1.5)
	primary, err := loopback.RevivableThrottled(files, rate)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { primary.Close() })
	return primary, hosttest.Keep(t)(loopback.Throttled(files, rate)), len(b)
}

// TestFailBackWithoutTheRelay: with --relay=off mpv reads host 0 itself;
// it goes down, playback fails over to host 1 (a reload), host 0 comes
// back, and the clip is reloaded from host 0 at the position: a failover
// of class fail_back, not seamless. The clip plays to its end: exit 0.
func TestFailBackWithoutTheRelay(t *testing.T) {
	primary, backup, _ := longMP4Hosts(t)
	code, evs := playJSON(t, downThenUp(t, primary),
		append(shortFailBack, "--relay=off", "--host", primary.URL, "--host", backup.URL, "long.mp4")...)
	if code != 0 {
		t.Fatalf("exit %d: %v", code, evs)
	}
	var fb []map[string]any
	for _, ev := range named(evs, "failover") {
		if ev["class"] == "fail_back" {
			fb = append(fb, ev)
		}
	}
	if len(fb) != 1 || fb[0]["to_host"] != primary.URL || fb[0]["host"] != backup.URL || fb[0]["seamless"] == true {
		t.Fatalf("fail-backs %v, want one reload from host 1 to host 0; failovers %v", fb, named(evs, "failover"))
	}
	starts := named(evs, "start")
	if len(starts) < 3 || starts[len(starts)-1]["host"] != primary.URL {
		t.Errorf("starts %v: want the last from host 0, after the failover's and the fail-back's loads", starts)
	}
	endsAt(t, evs, hlsLength)
}

// TestFailBackOff: with --fail-back=off, the playback stays on host 1
// after host 0 recovers, as before fail-back existed, and no fetch after
// the move comes from host 0.
func TestFailBackOff(t *testing.T) {
	primary, backup := failBackHosts(t)
	code, evs := playJSON(t, downThenUp(t, primary),
		append(shortFailBack, "--fail-back=off", "--host", primary.URL, "--host", backup.URL, "hls/index.m3u8")...)
	if code != 0 {
		t.Fatalf("exit %d: %v", code, evs)
	}
	away := -1
	for i, ev := range evs {
		if ev["event"] == "failover" && ev["class"] == "fail_back" {
			t.Errorf("--fail-back=off, yet %v", ev)
		}
		if away < 0 && ev["event"] == "failover" && ev["to_host"] == backup.URL {
			away = i
		}
	}
	if away < 0 {
		t.Fatalf("no failover to host 1: %v", named(evs, "failover"))
	}
	for _, ev := range evs[away:] {
		if ev["event"] == "fetch" && ev["index"] == 0.0 {
			t.Errorf("a fetch from host 0 after the move, with --fail-back=off: %v", ev)
		}
	}
	endsAt(t, evs, hlsLength)
}

// TestNoFailBackToAFlappingHost: host 0 flaps, down 2 s then up 2 s over
// and over, from 1.5 s into the playback. Its up halves answer more than
// three probes in a row, yet the playback never returns to it: it never
// stays well for --fail-back-after.
func TestNoFailBackToAFlappingHost(t *testing.T) {
	primary, backup := failBackHosts(t)
	var once sync.Once
	code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
		if ev["event"] == "start" {
			once.Do(func() { time.AfterFunc(1500*time.Millisecond, func() { primary.Flap(2*time.Second, 2*time.Second) }) })
		}
	}, append(shortFailBack, "--host", primary.URL, "--host", backup.URL, "hls/index.m3u8")...)
	if code != 0 {
		t.Fatalf("exit %d: %v", code, evs)
	}
	moved := false
	for _, ev := range named(evs, "failover") {
		if ev["class"] == "fail_back" {
			t.Errorf("failed back to a flapping host: %v", ev)
		}
		moved = moved || ev["to_host"] == backup.URL
	}
	if !moved {
		t.Errorf("no failover to host 1: %v", named(evs, "failover"))
	}
	endsAt(t, evs, hlsLength)
}

// endsAt checks that the playback ended at the end of a stream of length.
func endsAt(t *testing.T, evs []map[string]any, length time.Duration) {
	t.Helper()
	last := evs[len(evs)-1]
	pos, _ := last["position"].(float64)
	if last["event"] != "end" || last["reason"] != "eof" || pos < length.Seconds()-1.5 {
		t.Errorf("last event %v, want end eof near %v", last, length)
	}
}
