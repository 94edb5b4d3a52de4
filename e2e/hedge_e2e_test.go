package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// Hedged requests through the real binary: the serving host holds the
// first byte of some requests for 2 s, the other hosts answer at once.

// hlsFiles cuts the demo clip into an HLS VOD of segSeconds segments.
func hlsFiles(t *testing.T, segSeconds string) map[string][]byte {
	t.Helper()
	ffmpeg := needTool(t, "ffmpeg")
	dir := t.TempDir()
	src := filepath.Join(dir, "src.mp4")
	os.WriteFile(src, assets.Clip, 0o644)
	hls := filepath.Join(dir, "hls")
	os.Mkdir(hls, 0o755)
	out, err := exec.Command(ffmpeg, "-v", "error", "-i", src, "-c", "copy", "-f", "hls", "-hls_time", segSeconds,
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
	return files
}

// firstRelayed holds the relay's first request (the engine's attempt
// before it carries no Via): the player's first.
func firstRelayed() loopback.Tail {
	var relayed atomic.Int64
	return func(r *http.Request, _ int64) bool {
		return r.Header.Get("Via") != "" && relayed.Add(1) == 1
	}
}

// hedgeTotals reads a JSON report's totals.
func hedgeTotals(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Totals map[string]any `json:"totals"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("report: %v\n%s", err, data)
	}
	return doc.Totals
}

// TestHedgeServesHeldRequestsFromAnotherHost: the serving host holds
// the player's first request 2 s; the next host holds its own second
// segment 2 s. Each is served by another host well within the 2 s (the
// winner of a hedge serves on), and hedge events and the report say so.
func TestHedgeServesHeldRequestsFromAnotherHost(t *testing.T) {
	files := hlsFiles(t, "2")
	a, heldA, err := loopback.SlowFirstBytes(files, 2*time.Second, firstRelayed())
	a = hosttest.Keep(t)(a, err)
	b, heldB, err := loopback.SlowFirstBytes(files, 2*time.Second, loopback.EveryNth(2, ".ts"))
	b = hosttest.Keep(t)(b, err)
	c := hosttest.Keep(t)(loopback.Good(files))
	report := filepath.Join(t.TempDir(), "report.json")
	code, evs := playJSON(t, nil, "--report", report, "--report-format", "json",
		"--host", a.URL, "--host", b.URL, "--host", c.URL, "hls/index.m3u8")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	hedges := named(evs, "hedge")
	if len(hedges) != 2 || heldA.Held() != 1 || heldB.Held() != 1 {
		t.Fatalf("%d hedges for %d+%d held requests: %v", len(hedges), heldA.Held(), heldB.Held(), hedges)
	}
	want := []struct {
		from, to           string
		fromIndex, toIndex float64
		suffix             string
	}{{a.URL, b.URL, 0, 1, ".m3u8"}, {b.URL, a.URL, 1, 0, ".ts"}}
	for i, h := range hedges {
		w := want[i]
		delay, _ := h["delay_ms"].(float64)
		path, _ := h["path"].(string)
		if h["host"] != w.from || h["index"] != w.fromIndex || h["to_host"] != w.to || h["to_index"] != w.toIndex ||
			h["winner"] != w.to || delay < 50 || delay > 1000 || !strings.HasSuffix(path, w.suffix) {
			t.Errorf("hedge %v: want a %s from host %v to host %v after 50 ms to 1 s, won by host %v", h, w.suffix, w.fromIndex, w.toIndex, w.toIndex)
		}
		served := false
		for _, f := range named(evs, "fetch") {
			el, _ := f["elapsed_ms"].(float64)
			if f["path"] == path && f["host"] == w.to && delay+el < 1500 {
				served = true
			}
		}
		if !served {
			t.Errorf("%s: no fetch from %s within 1.5 s of the request", path, w.to)
		}
	}
	totals := hedgeTotals(t, report)
	if totals["hedges"] != 2.0 || totals["hedges_won"] != 2.0 {
		t.Errorf("report: hedges %v, hedges_won %v; want 2 and 2", totals["hedges"], totals["hedges_won"])
	}
	endsAtClipEnd(t, evs)
}

// TestHedgeOffSendsNone: the same hosts with --hedge=off: the held
// requests wait (for the serving host, or until the connect timeout
// leaves it), and no hedge is sent.
func TestHedgeOffSendsNone(t *testing.T) {
	files := hlsFiles(t, "2")
	slow, held, err := loopback.SlowFirstBytes(files, 2*time.Second, firstRelayed())
	slow = hosttest.Keep(t)(slow, err)
	b := hosttest.Keep(t)(loopback.Good(files))
	report := filepath.Join(t.TempDir(), "report.json")
	code, evs := playJSON(t, nil, "--hedge=off", "--report", report, "--report-format", "json",
		"--host", slow.URL, "--host", b.URL, "hls/index.m3u8")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	if h := named(evs, "hedge"); len(h) != 0 || held.Held() < 1 {
		t.Fatalf("%d hedges with --hedge=off (%d requests held): %v\n%v", len(h), held.Held(), h, named(evs, "fetch"))
	}
	if totals := hedgeTotals(t, report); totals["hedges"] != 0.0 {
		t.Errorf("report: hedges %v, want 0", totals["hedges"])
	}
}

// TestHedgeSettingsRefuseBadValues: one clear line and the usage exit
// code, as for every setting.
func TestHedgeSettingsRefuseBadValues(t *testing.T) {
	for _, args := range [][]string{
		{"--hedge-budget", "150"},
		{"--hedge-budget", "-1"},
		{"--hedge-budget", "lots"},
		{"--hedge=maybe"},
	} {
		r := clusterplay(t, nil, append(args, "--host", "http://127.0.0.1:1/v", "clip.mp4")...)
		lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
		if r.code != 2 || len(lines) != 1 || !strings.Contains(r.stderr, "hedge") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line naming the flag", args, r.code, r.stderr)
		}
	}
}

// TestNoHedgeWhenEveryHostIsSlow: every host holds every first byte
// 300 ms alike; that is the network, not a host, and nothing is hedged.
func TestNoHedgeWhenEveryHostIsSlow(t *testing.T) {
	files := hlsFiles(t, "2")
	var args []string
	for range 3 {
		h, _, err := loopback.SlowFirstBytes(files, 300*time.Millisecond, loopback.Always())
		args = append(args, "--host", hosttest.Keep(t)(h, err).URL)
	}
	code, evs := playJSON(t, nil, append(args, "--stall-timeout", "30s", "hls/index.m3u8")...)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	if h := named(evs, "hedge"); len(h) != 0 {
		t.Fatalf("%d hedges when every host is slow: %v", len(h), h)
	}
	endsAtClipEnd(t, evs)
}
