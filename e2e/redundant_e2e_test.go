package e2e

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// redundantHosts are two real nginx hosts serving the same HLS (made with
// ffmpeg) and the same master naming the MPEG-TS variant on each, in
// host order: redundant variants. Each response goes at twice the clip's
// rate, so that segments are still being fetched once playback has begun.
func redundantHosts(t *testing.T) (a, b *loopback.NginxHTTPHost) {
	t.Helper()
	needTool(t, "ffmpeg")
	rate := 2 * int64(float64(len(assets.Clip))/assets.ClipDuration.Seconds())
	dirA, dirB := t.TempDir(), t.TempDir()
	a = hosttest.NginxHTTP(t, dirA, loopback.NginxHTTPOptions{LimitRate: rate})
	b = hosttest.NginxHTTP(t, dirB, loopback.NginxHTTPOptions{LimitRate: rate})
	src := filepath.Join(t.TempDir(), assets.ClipName)
	if err := os.WriteFile(src, assets.Clip, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := loopback.MakeRedundantStreams(src, []loopback.Pathway{{Dir: dirA, Origin: a.URL}, {Dir: dirB, Origin: b.URL}}); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// TestRedundantVariantsShownAsOne: through `clusterplay relay`, a master
// whose variant repeats on a second host is shown with the variant once,
// pointing at the relay.
func TestRedundantVariantsShownAsOne(t *testing.T) {
	a, _ := redundantHosts(t)
	_, url, _ := startRelayMode(t, "--host", a.URL)
	resp, err := http.Get(url + loopback.RedundantMaster)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if n := strings.Count(string(body), "#EXT-X-STREAM-INF"); resp.StatusCode != 200 || n != 1 {
		t.Fatalf("%d, %d variants shown, want 1:\n%s", resp.StatusCode, n, body)
	}
	if !strings.Contains(string(body), url+"~pw/0/index.m3u8") {
		t.Errorf("the variant does not point at the relay:\n%s", body)
	}
}

// TestRedundantVariantHostKilled: the host of the first occurrence is
// killed while it sends a segment; the rest comes from the second
// occurrence's host seamlessly (a pathway event, reason failure), no
// buffering after the first frame, and the clip plays to its end.
func TestRedundantVariantHostKilled(t *testing.T) {
	a, b := redundantHosts(t)
	started, killed := false, false
	code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
		started = started || ev["event"] == "start"
		p, _ := ev["path"].(string)
		if started && !killed && ev["event"] == "fetch" && strings.HasSuffix(p, ".ts") {
			killed = true
			a.Kill()
		}
	}, "--host", a.URL, "--host", b.URL, loopback.RedundantMaster)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	endsAtClipEnd(t, evs)
	noBufferingAfterStart(t, evs)
	moved := false
	for _, p := range named(evs, "pathway") {
		moved = moved || (p["from"] == a.URL[:strings.Index(a.URL[7:], "/")+7] && p["reason"] == "failure")
	}
	if !moved {
		t.Errorf("no pathway event away from the first occurrence's host for the failure:\n%s", lines(named(evs, "pathway")))
	}
	fromB := 0
	for _, f := range segmentFetches(evs) {
		if strings.HasPrefix(f["host"].(string), b.URL) {
			fromB++
		}
	}
	if fromB == 0 {
		t.Errorf("no segment came from the second occurrence's host")
	}
}
