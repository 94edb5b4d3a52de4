package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// noRangeHost serves content as the clip from a directory, as a loopback
// host that ignores Range, as `python3 -m http.server` does.
func noRangeHost(t *testing.T, content []byte) *loopback.Host {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, assets.ClipName), content, 0o644); err != nil {
		t.Fatal(err)
	}
	return hosttest.Keep(t)(loopback.NoRangeDir(dir))
}

// positions are the positions of the state events, in order.
func positions(evs []map[string]any) []float64 {
	var out []float64
	for _, st := range named(evs, "state") {
		if p, ok := st["position"].(float64); ok {
			out = append(out, p)
		}
	}
	return out
}

// TestRelayContinuesOnHostIgnoringRange: hosts [nginx, a host that
// ignores Range]; nginx, sending at 1.3 times the clip's rate, is killed
// 1.5 s into the playback, mid-body. The relay continues the response
// from the other host (it fetches the whole file and drops the bytes
// before the offset): one seamless failover, no reload, no refusal, the
// position never goes back to 0, and the clip plays to its end, exit 0.
func TestRelayContinuesOnHostIgnoringRange(t *testing.T) {
	rate := int64(float64(len(assets.Clip)) / assets.ClipDuration.Seconds() * 1.3)
	nginx := hosttest.NginxHTTP(t, hosttest.ClipDir(t), loopback.NginxHTTPOptions{LimitRate: rate})
	norange := noRangeHost(t, assets.Clip)
	code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
		if ev["event"] == "start" {
			time.AfterFunc(1500*time.Millisecond, nginx.Kill)
		}
	}, "--host", nginx.URL, "--host", norange.URL, assets.ClipName)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	endsAtClipEnd(t, evs)
	f := named(evs, "failover")
	if len(f) != 1 || f[0]["seamless"] != true || f[0]["host"] != nginx.URL || f[0]["to_host"] != norange.URL {
		t.Errorf("failovers %v, want one seamless from nginx to the host that ignores Range\n%s", f, lines(evs))
	}
	if n := len(named(evs, "start")); n != 1 {
		t.Errorf("%d start events: the player was reloaded\n%s", n, lines(evs))
	}
	for _, e := range named(evs, "connect_failed") {
		if e["host"] == norange.URL {
			t.Errorf("the host that ignores Range was refused: %v", e)
		}
	}
	neverBack(t, evs)
}

// neverBack fails the test when a state event's position is behind the
// one before it.
func neverBack(t *testing.T, evs []map[string]any) {
	t.Helper()
	ps := positions(evs)
	for i := 1; i < len(ps); i++ {
		if ps[i] < ps[i-1]-0.1 {
			t.Errorf("the position went back from %.2f to %.2f: %v", ps[i-1], ps[i], ps)
		}
	}
}

// TestHostIgnoringRangeWithAnotherFile: the same, but the host left serves
// another file under the clip's name (4 KiB longer): the response cannot
// continue there, and that is said once (a connect_failed of class
// mismatch naming both lengths), not as a string of failures; the player's
// own failover then loads that host's file at the position, and the run
// ends at the clip's end, exit 0.
func TestHostIgnoringRangeWithAnotherFile(t *testing.T) {
	rate := int64(float64(len(assets.Clip)) / assets.ClipDuration.Seconds() * 1.3)
	nginx := hosttest.NginxHTTP(t, hosttest.ClipDir(t), loopback.NginxHTTPOptions{LimitRate: rate})
	other := append(append([]byte(nil), assets.Clip...), make([]byte, 4096)...)
	norange := noRangeHost(t, other)
	code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
		if ev["event"] == "start" {
			time.AfterFunc(1500*time.Millisecond, nginx.Kill)
		}
	}, "--host", nginx.URL, "--host", norange.URL, assets.ClipName)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	endsAtClipEnd(t, evs)
	var said []map[string]any
	for _, e := range named(evs, "connect_failed") {
		if e["host"] == norange.URL {
			said = append(said, e)
		}
	}
	why := fmt.Sprintf("another file: %d bytes, the first host's %d", len(other), len(assets.Clip))
	if len(said) != 1 || said[0]["class"] != "mismatch" || !strings.Contains(said[0]["error"].(string), why) {
		t.Errorf("said of the other host %v, want one mismatch saying %q\n%s", said, why, lines(evs))
	}
	if n := len(named(evs, "failed")) + len(named(evs, "host_failed")); n > 1 {
		t.Errorf("%d failed and host_failed lines, want at most the first host's\n%s", n, lines(evs))
	}
	if f := named(evs, "failover"); len(f) != 1 || f[0]["to_host"] != norange.URL {
		t.Errorf("failovers %v, want one, to the other host", f)
	}
	neverBack(t, evs)
}

// TestStartOnHostIgnoringRange: --start 3s against a host that ignores
// Range alone starts at about 3 s, not at 0 (mpv, told by the relay that
// ranges are served, seeks, and the relay drops the bytes before the
// offset).
func TestStartOnHostIgnoringRange(t *testing.T) {
	norange := noRangeHost(t, assets.Clip)
	code, evs := playJSON(t, nil, "--start", "3s", "--host", norange.URL, assets.ClipName)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	starts := named(evs, "start")
	if len(starts) != 1 {
		t.Fatalf("start events %v", starts)
	}
	if p, _ := starts[0]["position"].(float64); p < 2.5 || p > 4 {
		t.Errorf("started at %.2f s, want about 3\n%s", p, lines(evs))
	}
	for _, st := range named(evs, "state") {
		if p, _ := st["position"].(float64); st["state"] == "playing" && p < 2.5 {
			t.Errorf("playing at %.2f s: %v", p, st)
		}
	}
	if strings.Contains(lines(evs), "connect_failed") {
		t.Errorf("a failure:\n%s", lines(evs))
	}
}
