package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// longHLS writes into a new directory an HLS media playlist of the demo
// clip played twice (12 one-second MPEG-TS segments, named relatively),
// made with ffmpeg, and returns the directory.
func longHLS(t *testing.T) string {
	t.Helper()
	ffmpeg := needTool(t, "ffmpeg")
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), assets.ClipName)
	if err := os.WriteFile(src, assets.Clip, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "hls")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"-hide_banner", "-nostdin", "-v", "error", "-stream_loop", "1", "-i", src, "-c", "copy",
		"-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod",
		"-hls_segment_filename", filepath.Join(out, "seg%d.ts"), filepath.Join(out, "index.m3u8")}
	if msg, err := exec.Command(ffmpeg, args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, msg)
	}
	return dir
}

func writePlan(t *testing.T, plan string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(p, []byte(plan), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFaultPlanFailsSegmentsOfHostZero: a plan that fails segments 5-8 of
// host 0 with 503, HLS through the relay, the real binary: playback goes
// on from host 1 for those four segments with no rebuffer, to the end,
// and the report counts 4 injected faults; host 0 serves the segments
// after them again.
func TestFaultPlanFailsSegmentsOfHostZero(t *testing.T) {
	dir := longHLS(t)
	h0 := hosttest.Keep(t)(loopback.GoodDir(dir))
	h1 := hosttest.Keep(t)(loopback.GoodDir(dir))
	plan := writePlan(t, "seed: 42\nrules:\n  - host: 0\n    kind: segment\n    segments: 5-8\n    action: status 503\n")
	reportFile := filepath.Join(t.TempDir(), "report.json")
	code, evs := playJSON(t, nil, "--faults", plan, "--report", reportFile, "--host", h0.URL, "--host", h1.URL, "hls/index.m3u8")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	faultEvs := named(evs, "fault")
	var paths []string
	for _, f := range faultEvs {
		paths = append(paths, f["path"].(string))
		if f["host"] != h0.URL || f["rule"] != "rule1" || f["action"] != "status 503" || f["index"] != 0.0 {
			t.Errorf("fault event %v", f)
		}
	}
	if got := strings.Join(paths, " "); got != "hls/seg5.ts hls/seg6.ts hls/seg7.ts hls/seg8.ts" {
		t.Errorf("faults injected into %q, want segments 5 to 8", got)
	}
	servedBy := map[string]string{}
	for _, f := range named(evs, "fetch") {
		servedBy[f["path"].(string)] = f["host"].(string)
	}
	for i := range 12 {
		seg := fmt.Sprintf("hls/seg%d.ts", i)
		want := h0.URL
		if i >= 5 && i <= 8 {
			want = h1.URL
		}
		if servedBy[seg] != want {
			t.Errorf("%s served by %q, want %q", seg, servedBy[seg], want)
		}
	}
	// The faults fail four requests, not host 0: no resolution, no
	// failover, and the failure memory holds nothing against it.
	if n, f := len(named(evs, "resolved")), len(named(evs, "failover")); n != 1 || f != 0 {
		t.Errorf("%d resolutions and %d failovers, want the first resolution alone", n, f)
	}
	for _, s := range named(evs, "state") {
		if s["state"] == "buffering" && len(named(evs, "start")) > 0 {
			t.Errorf("a rebuffer: %v", s)
		}
	}
	data, err := os.ReadFile(reportFile)
	if err != nil {
		t.Fatal(err)
	}
	var report struct {
		Hosts []struct {
			FaultsInjected int `json:"faults_injected"`
		} `json:"hosts"`
		Totals struct {
			FaultsInjected int `json:"faults_injected"`
			Stalls         int `json:"stalls"`
			Failovers      int `json:"failovers"`
		} `json:"totals"`
	}
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatal(err)
	}
	if report.Totals.FaultsInjected != 4 || len(report.Hosts) != 2 || report.Hosts[0].FaultsInjected != 4 || report.Totals.Stalls != 0 {
		t.Errorf("report %s: want 4 injected faults, all on host 0, and no stall", data)
	}
}

// TestBadFaultPlanExitsTwo: a plan that does not parse, or names an
// unknown key, kind or action, ends the run with exit 2 and FILE:LINE of
// the offending value before any host is contacted.
func TestBadFaultPlanExitsTwo(t *testing.T) {
	host := hosttest.Keep(t)(loopback.Good(files))
	for _, tc := range []struct{ plan, want string }{
		{"rules:\n  - host: 0\n    action: status 503\n    colour: red\n", ":4: unknown key \"colour\""},
		{"rules:\n  - host: 0\n    kind: segmnt\n    action: hang\n", ":3: kind: unknown kind \"segmnt\""},
		{"seed: 1\nrules:\n  - action: explode\n", ":3: action: unknown action \"explode\""},
		{"rules: [\n", ":1: not YAML"},
	} {
		plan := writePlan(t, tc.plan)
		r := clusterplay(t, nil, "--faults", plan, "--no-video", "--no-tui", "--host", host.URL, "clip.mp4")
		if r.code != 2 || !strings.Contains(r.stderr, plan+tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %s%s", tc.plan, r.code, r.stderr, plan, tc.want)
		}
	}
	r := clusterplay(t, nil, "--faults", filepath.Join(t.TempDir(), "none.yaml"), "--no-video", "--no-tui", "--host", host.URL, "clip.mp4")
	if r.code != 2 || !strings.Contains(r.stderr, "none.yaml") {
		t.Errorf("a missing plan: exit %d, stderr %q", r.code, r.stderr)
	}
	if n := host.Requests(); n != 0 {
		t.Errorf("the host got %d requests: a bad plan must stop the run before any", n)
	}
}

// TestInjectAndClearFaultsOnTheSocket: `clusterplay ctl PATH inject
// RULE` adds a rule while the clip plays (host 0 sends each segment at
// the clip's rate, so segments are still to come): the next segments of
// host 0 are served by host 1, each after a fault event of the rule the
// reply names; after clear_faults host 0 serves again.
func TestInjectAndClearFaultsOnTheSocket(t *testing.T) {
	dir := longHLS(t)
	rate := int64(float64(len(assets.Clip)) / assets.ClipDuration.Seconds())
	h0 := hosttest.NginxHTTP(t, dir, loopback.NginxHTTPOptions{LimitRate: rate})
	h1 := hosttest.Keep(t)(loopback.GoodDir(dir))
	sock := filepath.Join(t.TempDir(), "ctl.sock")
	_, lines, _ := startJSON(t, "--control-socket", sock, "--host", h0.URL, "--host", h1.URL, "hls/index.m3u8")
	waitEvent := followEvents(t, lines)
	waitEvent("start", is("start"))
	code, out, errOut := ctlRun(t, sock, "inject", "{host: 0, kind: segment, action: status 503}")
	if code != 0 || out != `{"rule":"inject1"}` {
		t.Fatalf("inject: exit %d, %q, %s", code, out, errOut)
	}
	f := waitEvent("a fault of inject1", is("fault"))
	if f["rule"] != "inject1" || f["host"] != h0.URL || f["action"] != "status 503" {
		t.Errorf("fault event %v", f)
	}
	waitEvent("a segment from host 1", func(ev map[string]any) bool {
		return ev["event"] == "fetch" && ev["path"] == f["path"] && ev["host"] == h1.URL
	})
	if code, _, errOut := ctlRun(t, sock, "clear_faults"); code != 0 {
		t.Fatalf("clear_faults: exit %d, %s", code, errOut)
	}
	waitEvent("a segment from host 0 again", func(ev map[string]any) bool {
		path, _ := ev["path"].(string)
		return ev["event"] == "fetch" && strings.HasSuffix(path, ".ts") && ev["host"] == h0.URL
	})
	if code, _, errOut := ctlRun(t, sock, "inject", "{host: 0, action: explode}"); code != 1 || !strings.Contains(errOut, `unknown action "explode"`) {
		t.Errorf("a bad rule: exit %d, %s", code, errOut)
	}
	ctlRun(t, sock, "quit")
}

// TestRelayModeAppliesAPlan: `clusterplay relay --faults` applies the
// plan to what a player asks: a cut after 100000 bytes of host 0's
// response, which the relay continues from host 1 with every byte in
// place, after a fault event; a window from the relay's start selects.
func TestRelayModeAppliesAPlan(t *testing.T) {
	h0 := hosttest.Keep(t)(loopback.Good(media))
	h1 := hosttest.Keep(t)(loopback.Good(media))
	plan := writePlan(t, "rules:\n  - {host: 0, kind: range, from: 0s, until: 1h, action: reset after 100000 bytes}\n")
	_, url, evs := startRelayMode(t, "--faults", plan, "--host", h0.URL, "--host", h1.URL)
	resp, err := http.Get(url + assets.ClipName)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !bytes.Equal(body, assets.Clip) {
		t.Fatalf("%d bytes (the clip's: %v), %v", len(body), bytes.Equal(body, assets.Clip), err)
	}
	var seen []string
	deadline := time.After(10 * time.Second)
	for len(seen) < 2 {
		select {
		case ev := <-evs:
			switch ev["event"] {
			case "fault":
				if ev["rule"] != "rule1" || ev["action"] != "reset after 100000 bytes" || ev["host"] != h0.URL {
					t.Errorf("fault event %v", ev)
				}
				seen = append(seen, "fault")
			case "failover":
				if ev["offset"] != 100000.0 || ev["to_host"] != h1.URL || ev["expires_at"] != nil {
					t.Errorf("failover %v", ev)
				}
				seen = append(seen, "failover")
			}
		case <-deadline:
			t.Fatalf("saw %v within 10 s, want a fault then a failover", seen)
		}
	}
	if strings.Join(seen, " ") != "fault failover" {
		t.Errorf("saw %v, want the fault before the failover", seen)
	}
}
