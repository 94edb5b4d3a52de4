package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestLocalShortageIsNotTheHostsFault runs clusterplay with few file
// descriptors and many attempts at once: the attempts the machine cannot
// open are said once as a local error and never remembered against the
// hosts; the good host still answers.
func TestLocalShortageIsNotTheHostsFault(t *testing.T) {
	var hosts []string
	for range 60 {
		hosts = append(hosts, "--host", hosttest.Keep(t)(loopback.Silent()).URL)
	}
	good := hosttest.Keep(t)(loopback.Good(files))
	hosts = append(hosts, "--host", good.URL, "clip.mp4")
	state := t.TempDir()
	args := append([]string{"--print-url", "--json", "--state-dir", state, "--failure-expiry", "1m", "--connect-count", "1",
		"--connect-timeout", "1s", "--race-delay", "10ms", "--max-inflight", "1000"}, hosts...)
	cmd := exec.Command("sh", append([]string{"-c", `ulimit -n 40 && exec "$0" "$@"`, binary}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if code := exitCodeOf(err); code != 0 {
		t.Fatalf("exit %d; stderr: %s\nstdout:\n%s", code, stderr.String(), out)
	}
	locals, failedHosts := 0, map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		switch {
		case ev["event"] == "local_error":
			locals++
		case ev["event"] == "connect_failed" && ev["class"] != "local":
			failedHosts[ev["host"].(string)] = true
		}
	}
	if locals != 1 {
		t.Errorf("%d local_error events, want exactly one (ulimit -n 40 and 60 silent hosts must run short)", locals)
	}
	data, err := os.ReadFile(filepath.Join(state, "memory.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Hosts map[string]struct {
			FailedAt string `json:"failed_at"`
		} `json:"hosts"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for host, r := range doc.Hosts {
		if r.FailedAt != "" && !failedHosts[host] {
			t.Errorf("%s remembered as failed, but it only met the machine's shortage", host)
		}
	}
}

// TestPassesBackOffWhenEveryHostFailsFast: with no failure memory to wait
// on, passes over a refusing host start 100 ms apart, doubling, instead
// of as fast as the machine goes.
func TestPassesBackOffWhenEveryHostFailsFast(t *testing.T) {
	r := clusterplay(t, nil, "--print-url", "--json", "--failure-expiry", "0", "--connect-count", "5",
		"--connect-timeout", "2s", "--host", hosttest.Refused(t), "clip.mp4")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1: %s", r.code, r.stderr)
	}
	var starts []time.Time
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var ev struct {
			TS    time.Time `json:"ts"`
			Event string    `json:"event"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Event == "connect" {
			starts = append(starts, ev.TS)
		}
	}
	if len(starts) != 5 {
		t.Fatalf("%d attempts, want 5", len(starts))
	}
	want := 100 * time.Millisecond
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < want*9/10 {
			t.Errorf("pass %d began %v after the one before, want at least %v", i+1, gap, want)
		}
		want *= 2
	}
}
