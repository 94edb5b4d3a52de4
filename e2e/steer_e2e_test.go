package e2e

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"clusterplay/loopback"
)

// startSteer runs `clusterplay steer --json` on schedule and returns its
// command, its URL (from the listening event) and its later events.
func startSteer(t *testing.T, schedule string) (*exec.Cmd, string, <-chan map[string]any) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "schedule.yaml")
	if err := os.WriteFile(path, []byte(schedule), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "steer", "--json", "--listen", "127.0.0.1:0", path)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	var first map[string]any
	if !sc.Scan() || json.Unmarshal(sc.Bytes(), &first) != nil || first["event"] != "listening" {
		t.Fatalf("first line %q, want the listening event", sc.Text())
	}
	evs := make(chan map[string]any, 100)
	go func() {
		defer close(evs)
		for sc.Scan() {
			var ev map[string]any
			if json.Unmarshal(sc.Bytes(), &ev) == nil {
				evs <- ev
			}
		}
	}()
	return cmd, strings.TrimSuffix(first["url"].(string), "/"), evs
}

func nextEvent(t *testing.T, evs <-chan map[string]any) map[string]any {
	t.Helper()
	select {
	case ev := <-evs:
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	return nil
}

// TestSteerServesSchedule: the real binary serves the schedule's priority
// list, flips it on time, answers 429 with Retry-After and then 410, and
// says every request with the pathway and throughput the player sent;
// SIGTERM ends it with 0.
func TestSteerServesSchedule(t *testing.T) {
	cmd, base, evs := startSteer(t, `
ttl: 1
schedule:
  - at: 0s
    priority: [cdn-a, cdn-b]
  - at: 2s
    priority: [cdn-b, cdn-a]
  - at: 4s
    status: 429
    retry-after: 2
  - at: 6s
    status: 410
`)
	began := time.Now()
	get := func(query string) (*http.Response, map[string]any) {
		t.Helper()
		resp, err := http.Get(base + "/live/steer.json?" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var m map[string]any
		if resp.StatusCode == 200 && json.Unmarshal(body, &m) != nil {
			t.Fatalf("not a steering manifest: %s", body)
		}
		return resp, m
	}
	resp, m := get("_HLS_pathway=cdn-a&_HLS_throughput=4000000")
	want := map[string]any{"VERSION": 1.0, "TTL": 1.0, "RELOAD-URI": "/live/steer.json", "PATHWAY-PRIORITY": []any{"cdn-a", "cdn-b"}}
	if resp.StatusCode != 200 || !reflect.DeepEqual(m, want) {
		t.Fatalf("first answer %d %v, want %v", resp.StatusCode, m, want)
	}
	ev := nextEvent(t, evs)
	if ev["event"] != "steer_request" || ev["pathway"] != "cdn-a" || ev["throughput_bps"] != 4000000.0 ||
		ev["status"] != 200.0 || ev["path"] != "/live/steer.json" || ev["ttl"] != 1.0 {
		t.Fatalf("event %v", ev)
	}
	time.Sleep(time.Until(began.Add(2500 * time.Millisecond)))
	if _, m = get(`_DASH_pathway=%22cdn-a%22&_DASH_throughput=900000`); !reflect.DeepEqual(m["PATHWAY-PRIORITY"], []any{"cdn-b", "cdn-a"}) {
		t.Fatalf("after 2s: %v, want the flipped priority", m)
	}
	if ev = nextEvent(t, evs); ev["pathway"] != `"cdn-a"` || ev["throughput_bps"] != 900000.0 {
		t.Fatalf("DASH event %v", ev)
	}
	time.Sleep(time.Until(began.Add(4500 * time.Millisecond)))
	if resp, _ = get("_HLS_pathway=cdn-b"); resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Fatalf("after 4s: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if ev = nextEvent(t, evs); ev["status"] != 429.0 {
		t.Fatalf("429 event %v", ev)
	}
	time.Sleep(time.Until(began.Add(6500 * time.Millisecond)))
	if resp, _ = get("_HLS_pathway=cdn-b"); resp.StatusCode != 410 {
		t.Fatalf("after 6s: %d, want 410", resp.StatusCode)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var exit *exec.ExitError
	if err := cmd.Wait(); errors.As(err, &exit) || err != nil {
		t.Fatalf("after SIGTERM: %v, want exit 0", err)
	}
}

// TestSteerBadSchedule: a bad schedule or command line is one line on
// stderr and exit 2.
func TestSteerBadSchedule(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("schedule:\n  - at: 0s\n    status: 404\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"steer", bad}, "bad.yaml: line 2: status 404: only 200, 410, 429 or 5xx"},
		{[]string{"steer", filepath.Join(dir, "none.yaml")}, "schedule: open"},
		{[]string{"steer"}, "steer takes one SCHEDULE.yaml"},
		{[]string{"steer", "--listen", "nowhere", bad}, "status 404"},
		{[]string{"steer", "--bogus", bad}, "unknown flag: --bogus"},
	} {
		r := clusterplay(t, nil, c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line with %q", c.args, r.code, r.stderr, c.want)
		}
	}
	if r := clusterplay(t, nil, "steer", "--help"); r.code != 0 || !strings.Contains(r.stdout, "Usage: clusterplay steer") {
		t.Errorf("--help: exit %d, %q", r.code, r.stdout)
	}
}

// TestSteerServerSteersDASHPlayer: `clusterplay steer` is the steering
// server of a DASH stream that clusterplay plays (cdn-a, cdn-b: one nginx
// host each): its schedule ranks cdn-a first, then cdn-b once the player
// is under way. Its steer_request events carry the player's
// _DASH_pathway (quoted: "cdn-a", later "cdn-b") and, once segments came,
// its _DASH_throughput; the player's segments move to cdn-b.
func TestSteerServerSteersDASHPlayer(t *testing.T) {
	_, steerURL, steerEvs := startSteer(t, `
ttl: 1
schedule:
  - priority: [cdn-a, cdn-b]
  - at: 2s
    priority: [cdn-b, cdn-a]
`)
	hosts := dashLocations(t, loopback.DASHOptions{Steering: steerURL + "/live/steer.json"},
		loopback.ServiceLocation{Name: "cdn-a"}, loopback.ServiceLocation{Name: "cdn-b"})
	code, evs := playJSON(t, nil, "--host", hosts[0].URL, loopback.DASHBaseURLs)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	endsAtClipEnd(t, evs)
	var said []map[string]any
	for done := false; !done; {
		select {
		case ev := <-steerEvs:
			said = append(said, ev)
		case <-time.After(500 * time.Millisecond):
			done = true
		}
	}
	sawB, sawThroughput := false, false
	for _, ev := range said {
		if ev["event"] != "steer_request" || ev["path"] != "/live/steer.json" {
			t.Errorf("not the player's steering request: %v", ev)
		}
		p, _ := ev["pathway"].(string)
		if p != `"cdn-a"` && p != `"cdn-b"` {
			t.Errorf("_DASH_pathway %q, want a quoted service location", p)
		}
		sawB = sawB || p == `"cdn-b"`
		sawThroughput = sawThroughput || ev["throughput_bps"] != nil
	}
	if len(said) < 2 || !sawB || !sawThroughput {
		t.Errorf("steer_request events %v: want several, one naming \"cdn-b\", one with a throughput", said)
	}
	fromB := false
	for _, f := range dashSegments(evs) {
		fromB = fromB || f["pathway"] == "cdn-b"
	}
	if !fromB {
		t.Error("no segment came from cdn-b after the schedule ranked it first")
	}
}
