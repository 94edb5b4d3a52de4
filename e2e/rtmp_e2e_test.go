package e2e

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
	"clusterplay/playback"
)

// End-to-end tests of RTMP clusters: the built binary, headless, against a
// real nginx-rtmp (hosttest.Nginx fails the test when nginx is missing and
// CI=true, and skips it with the install command otherwise).

// TestRTMPConfigObjectsPlayFromThirdHost: a config file lists three RTMP
// hosts as the original plugin's objects; the first refuses the
// connection, the second (a fake server) rejects the application, and the
// clip plays to its end from the third, a real nginx-rtmp.
func TestRTMPConfigObjectsPlayFromThirdHost(t *testing.T) {
	good := hosttest.Nginx(t, hosttest.ClipDir(t))
	refusedHost := hosttest.RTMPAt(t, hosttest.Refused(t))
	rejecting := hosttest.Keep(t)(loopback.RejectingRTMP())
	config := filepath.Join(t.TempDir(), "rtmp.yaml")
	yaml := "hosts: [{host: '" + refusedHost + "'}, {host: '" + rejecting.URL + "'}, {host: '" + good.URL + "'}]\n"
	if err := os.WriteFile(config, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}

	code, events := playJSON(t, nil, "--config", config, assets.ClipName)
	if code != 0 {
		t.Fatalf("exit %d; events:\n%s\nnginx:\n%s", code, lines(events), good.Log())
	}
	failed := named(events, "connect_failed")
	wantClass := map[string]string{refusedHost: "refused", rejecting.URL: "rejected"}
	if len(failed) != 2 {
		t.Fatalf("connect_failed events:\n%s", lines(failed))
	}
	for _, f := range failed {
		host, _ := f["host"].(string)
		if want, ok := wantClass[host]; !ok || f["class"] != want {
			t.Errorf("connect_failed %v, want class %q for %s", f, want, host)
		}
		delete(wantClass, host)
	}
	starts := named(events, "start")
	if len(starts) != 1 || starts[0]["url"] != good.URL+"/"+assets.ClipName || starts[0]["index"] != 2.0 {
		t.Fatalf("start events:\n%s", lines(starts))
	}
	if f := named(events, "failover"); len(f) != 0 {
		t.Errorf("failovers from a healthy host:\n%s", lines(f))
	}
	endsAtClipEnd(t, events)
	t.Logf("first connect -> first frame: %v", between(t, events[0], starts[0]))
}

// TestRTMPServingNginxKilledViaBinary: the nginx serving the clip is killed
// as the first frame is reported (with a short buffer nginx-rtmp sends only
// about 1.5 s ahead, so the player is left well short of the end); a
// second nginx takes over and the clip plays to its end.
func TestRTMPServingNginxKilledViaBinary(t *testing.T) {
	serving := hosttest.Nginx(t, hosttest.ClipDir(t))
	backup := hosttest.Nginx(t, hosttest.ClipDir(t))
	var killedAt time.Time
	code, events := playJSON(t, func(ev map[string]any, _ *os.Process) {
		if ev["event"] == "start" && ev["host"] == serving.URL && killedAt.IsZero() {
			serving.Kill()
			killedAt = time.Now()
		}
	}, "--mpv", "stream-lavf-o="+shortRTMPBuffer, "--host", serving.URL, "--host", backup.URL, assets.ClipName)
	if code != 0 {
		t.Fatalf("exit %d; events:\n%s", code, lines(events))
	}
	f := named(events, "failover")
	if len(f) != 1 || f[0]["host"] != serving.URL || f[0]["to_host"] != backup.URL {
		t.Fatalf("failover events:\n%s\nall events:\n%s", lines(f), lines(events))
	}
	starts := named(events, "start")
	if len(starts) != 2 || starts[1]["url"] != backup.URL+"/"+assets.ClipName {
		t.Fatalf("start events:\n%s", lines(starts))
	}
	endsAtClipEnd(t, events)
	if !killedAt.IsZero() {
		if at, err := time.Parse(time.RFC3339Nano, starts[1]["ts"].(string)); err == nil {
			// The player plays out what it had buffered before it sees the
			// end; failover -> start is the gap a viewer sees.
			t.Logf("kill -> first frame from the backup: %v; failover (%v at %vs) -> first frame: %v",
				at.Sub(killedAt).Round(time.Millisecond), f[0]["class"], f[0]["position"], between(t, f[0], starts[1]))
		}
	}
}

// shortRTMPBuffer keeps nginx-rtmp 1.5 s ahead of the time since play
// began, where by default it runs 4 s ahead (ffmpeg's 3 s buffer plus
// 1 s): at 4 s, a player slow to show the first frame of the 6 s clip
// already holds nearly all of it, and the kill ends the stream within the
// early-EOF margin of the end, which is a clean end and no failover. It
// keeps the binary's own reconnect settings, which --mpv replaces.
const shortRTMPBuffer = playback.NoReconnect + ",rtmp_buffer=500"

// endsAtClipEnd: the last event is end with reason eof within 1 s of the
// clip's duration.
func endsAtClipEnd(t *testing.T, events []map[string]any) {
	t.Helper()
	last := events[len(events)-1]
	pos, _ := last["position"].(float64)
	if last["event"] != "end" || last["reason"] != "eof" || math.Abs(pos-assets.ClipDuration.Seconds()) > 1 {
		t.Errorf("last event %v, want end eof within 1s of %v", last, assets.ClipDuration)
	}
}

// between is the time from event a to event b by their ts fields.
func between(t *testing.T, a, b map[string]any) time.Duration {
	t.Helper()
	ta, errA := time.Parse(time.RFC3339Nano, a["ts"].(string))
	tb, errB := time.Parse(time.RFC3339Nano, b["ts"].(string))
	if errA != nil || errB != nil {
		t.Fatalf("ts fields: %v, %v", errA, errB)
	}
	return tb.Sub(ta).Round(time.Millisecond)
}

// lines prints events one a line, for failure messages.
func lines(events []map[string]any) string {
	var b strings.Builder
	for _, ev := range events {
		b.WriteString("  ")
		for _, k := range []string{"event", "host", "index", "to_host", "url", "class", "error", "reason", "position", "duration"} {
			if v, ok := ev[k]; ok {
				b.WriteString(k + "=" + fmt.Sprint(v) + " ")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestPrintURLPlayableForRTMP: the URL --print-url prints for a clip in a
// subdirectory of an RTMP application plays as printed (ffprobe splits it
// as mpv does), and resolved names the application and play path.
func TestPrintURLPlayableForRTMP(t *testing.T) {
	probe := needTool(t, "ffprobe")
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", assets.ClipName), assets.Clip, 0o644); err != nil {
		t.Fatal(err)
	}
	ng := hosttest.Nginx(t, dir)
	r := clusterplay(t, nil, "--print-url", "--host", ng.URL, "sub/"+assets.ClipName)
	url := strings.TrimSpace(r.stdout)
	if r.code != 0 || url == "" {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if out, err := exec.Command(probe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", url).CombinedOutput(); err != nil {
		t.Errorf("ffprobe %s: %v\n%s", url, err, out)
	}
	j := clusterplay(t, nil, "--print-url", "--json", "--host", ng.URL, "sub/"+assets.ClipName)
	var resolved map[string]any
	for _, ev := range decodeLines(t, j.stdout) {
		if ev["event"] == "resolved" {
			resolved = ev
		}
	}
	if resolved["app"] != "vod" || resolved["playpath"] != "mp4:sub/"+assets.ClipName || resolved["tcurl"] == nil {
		t.Errorf("resolved %v, want app vod and playpath mp4:sub/%s", resolved, assets.ClipName)
	}
}
