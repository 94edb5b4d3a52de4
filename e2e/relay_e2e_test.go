package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// needTool returns the path of an ffmpeg tool, failing in CI and skipping
// elsewhere when it is missing.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		hosttest.Missing(t, fmt.Errorf("%s: %w", name, loopback.ErrFFmpegMissing))
		t.Fatal(err)
	}
	return p
}

// clipFrames counts the video frames of the demo clip, as ffprobe decodes
// them.
func clipFrames(t *testing.T) int {
	t.Helper()
	probe := needTool(t, "ffprobe")
	path := filepath.Join(t.TempDir(), assets.ClipName)
	os.WriteFile(path, assets.Clip, 0o644)
	out, err := exec.Command(probe, "-v", "error", "-select_streams", "v:0", "-count_frames",
		"-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("ffprobe said %q", out)
	}
	return n
}

// startRelayMode runs `clusterplay relay --json` and returns its command,
// the URL from its listening event, and the channel of its later events.
func startRelayMode(t *testing.T, args ...string) (*exec.Cmd, string, <-chan map[string]any) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"relay", "--json", "--state-dir", t.TempDir()}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() {
		t.Fatal("no listening event")
	}
	var first map[string]any
	if json.Unmarshal(sc.Bytes(), &first) != nil || first["event"] != "listening" {
		t.Fatalf("first line %q, want the listening event", sc.Text())
	}
	evs := make(chan map[string]any, 1000)
	go func() {
		defer close(evs)
		for sc.Scan() {
			var ev map[string]any
			if json.Unmarshal(sc.Bytes(), &ev) == nil {
				evs <- ev
			}
		}
	}()
	return cmd, first["url"].(string), evs
}

// TestRelayModeKeepsFFmpegDecoding: ffmpeg reads the clip through
// `clusterplay relay` while the serving host is killed mid-transfer, and
// decodes every frame.
func TestRelayModeKeepsFFmpegDecoding(t *testing.T) {
	ffmpeg := needTool(t, "ffmpeg")
	want := clipFrames(t)
	serving := hosttest.Keep(t)(loopback.Throttled(media, int64(len(assets.Clip))/2)) // 2 s for the clip
	backup := hosttest.Keep(t)(loopback.Good(media))
	_, url, evs := startRelayMode(t, "--host", serving.URL, "--host", backup.URL)
	// Kill the serving host a little into the transfer: once it has seen
	// the probe and the relay's GET. The host announces no request, so
	// its count is polled.
	go func() {
		for deadline := time.Now().Add(20 * time.Second); serving.Requests() < 2 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
		serving.Kill()
	}()
	out, err := exec.Command(ffmpeg, "-v", "error", "-i", url+assets.ClipName, "-map", "0:v", "-f", "framemd5", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg: %v", err)
	}
	got := 0
	for _, l := range strings.Split(string(out), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			got++
		}
	}
	if got != want {
		t.Errorf("ffmpeg decoded %d frames through the relay, the clip has %d", got, want)
	}
	seamless := false
	deadline := time.After(5 * time.Second)
	for !seamless {
		select {
		case ev := <-evs:
			seamless = ev["event"] == "failover" && ev["seamless"] == true && ev["to_host"] == backup.URL
		case <-deadline:
			t.Fatal("no seamless failover event")
		}
	}
}

// TestRelayModeSignalsAndListen: SIGTERM exits 0, SIGINT 130; a public
// address is refused unless asked for.
func TestRelayModeSignalsAndListen(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(media))
	for sig, want := range map[syscall.Signal]int{syscall.SIGTERM: 0, syscall.SIGINT: 130} {
		cmd, _, _ := startRelayMode(t, "--host", good.URL)
		cmd.Process.Signal(sig)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if code := exitCodeOf(err); code != want {
				t.Errorf("%v: exit %d, want %d", sig, code, want)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%v: still running after 5 s", sig)
		}
	}
	r := clusterplay(t, nil, "relay", "--listen", "0.0.0.0:0", "--host", good.URL)
	if r.code != 2 || !strings.Contains(r.stderr, "--listen-public") {
		t.Errorf("a public --listen: exit %d, %q", r.code, r.stderr)
	}
}

// TestRelayedPlaybackNeverNotices: through the relay, a serving host
// killed mid-clip is left mid-body; mpv is not reloaded (one start), and
// the clip plays to its end.
func TestRelayedPlaybackNeverNotices(t *testing.T) {
	rate := int64(float64(len(assets.Clip)) / assets.ClipDuration.Seconds() * 1.3)
	serving := hosttest.Keep(t)(loopback.Throttled(media, rate))
	backup := hosttest.Keep(t)(loopback.Good(media))
	code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
		if ev["event"] == "start" {
			time.AfterFunc(1500*time.Millisecond, serving.Kill)
		}
	}, "--host", serving.URL, "--host", backup.URL, assets.ClipName)
	if code != 0 {
		t.Fatalf("exit %d: %v", code, evs)
	}
	f := named(evs, "failover")
	if len(f) != 1 || f[0]["seamless"] != true || f[0]["host"] != serving.URL || f[0]["to_host"] != backup.URL {
		t.Errorf("failovers %v, want one seamless from the serving host", f)
	}
	if n := len(named(evs, "start")); n != 1 {
		t.Errorf("%d start events: the player was reloaded", n)
	}
	for _, st := range named(evs, "state") {
		if st["state"] == "buffering" {
			t.Errorf("playback paused for data: %v", st)
		}
	}
	endsAtClipEnd(t, evs)
}

// TestRelayedHLSFollowsTheCluster: an HLS VOD made with ffmpeg, served by
// three hosts; the serving one dies mid-stream and the segments come from
// another without the player noticing.
func TestRelayedHLSFollowsTheCluster(t *testing.T) {
	ffmpeg := needTool(t, "ffmpeg")
	dir := t.TempDir()
	src := filepath.Join(dir, "src.mp4")
	os.WriteFile(src, assets.Clip, 0o644)
	hls := filepath.Join(dir, "hls")
	os.Mkdir(hls, 0o755)
	out, err := exec.Command(ffmpeg, "-v", "error", "-i", src, "-c", "copy", "-f", "hls", "-hls_time", "1",
		"-hls_playlist_type", "vod", "-hls_segment_filename", filepath.Join(hls, "seg%d.ts"), filepath.Join(hls, "index.m3u8")).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	files := map[string][]byte{}
	entries, _ := os.ReadDir(hls)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(hls, e.Name()))
		files["hls/"+e.Name()] = b
	}
	serving := hosttest.Keep(t)(loopback.Throttled(files, int64(len(assets.Clip))/4))
	b := hosttest.Keep(t)(loopback.Good(files))
	c := hosttest.Keep(t)(loopback.Good(files))
	killed := false
	code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
		if ev["event"] == "start" && !killed {
			killed = true
			time.AfterFunc(1500*time.Millisecond, serving.Kill)
		}
	}, "--host", serving.URL, "--host", b.URL, "--host", c.URL, "hls/index.m3u8")
	if code != 0 {
		t.Fatalf("exit %d: %v", code, evs)
	}
	if n := len(named(evs, "start")); n != 1 {
		t.Errorf("%d start events: the player was reloaded", n)
	}
	hosts := map[any]bool{}
	for _, f := range named(evs, "fetch") {
		hosts[f["host"]] = true
	}
	if len(hosts) < 2 || len(named(evs, "fetch")) < 4 {
		t.Errorf("segments came from %d hosts in %d fetches: %v", len(hosts), len(named(evs, "fetch")), named(evs, "fetch"))
	}
	endsAtClipEnd(t, evs)
}

// TestRelayLeavesAHostSlowerThanTheStream: a host at a third of the clip's
// bitrate starves the player; after the slow timeout the relay moves the
// rest of the response to another host (class slow), and the clip plays
// to its end far sooner than the slow host could have served it.
func TestRelayLeavesAHostSlowerThanTheStream(t *testing.T) {
	third := int64(float64(len(assets.Clip)) / assets.ClipDuration.Seconds() / 3)
	slow := hosttest.Keep(t)(loopback.Throttled(media, third))
	fast := hosttest.Keep(t)(loopback.Good(media))
	began := time.Now()
	code, evs := playJSON(t, nil, "--slow-timeout", "1s", "--stall-timeout", "30s", "--host", slow.URL, "--host", fast.URL, assets.ClipName)
	took := time.Since(began)
	if code != 0 {
		t.Fatalf("exit %d: %v", code, evs)
	}
	f := named(evs, "failover")
	if len(f) == 0 || f[0]["class"] != "slow" || f[0]["seamless"] != true || f[0]["to_host"] != fast.URL {
		t.Errorf("failovers %v, want a seamless one of class slow to the fast host", f)
	}
	endsAtClipEnd(t, evs)
	if limit := 3 * assets.ClipDuration; took > limit {
		t.Errorf("took %v: the slow host was kept (it alone needs %v)", took, 3*assets.ClipDuration)
	}
}
