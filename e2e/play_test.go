package e2e

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

var media = map[string][]byte{assets.ClipName: assets.Clip}

// playJSON runs a headless playback with --json, calls onEvent for each
// event as it arrives (with the process, to signal it), and returns the
// exit code and all events.
func playJSON(t *testing.T, onEvent func(map[string]any, *os.Process), args ...string) (int, []map[string]any) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"--json", "--no-video"}, args...)...)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+filepath.Join(t.TempDir(), "state"), "XDG_CONFIG_HOME="+t.TempDir())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(90*time.Second, func() { cmd.Process.Kill() })
	defer timer.Stop()
	var events []map[string]any
	scanner := bufio.NewScanner(stdout)
	for scanner.Scan() {
		var ev map[string]any
		if err := json.Unmarshal(scanner.Bytes(), &ev); err != nil {
			t.Errorf("not a JSON line: %q", scanner.Text())
			continue
		}
		events = append(events, ev)
		if onEvent != nil {
			onEvent(ev, cmd.Process)
		}
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode(), events
	case err != nil:
		t.Fatal(err)
	}
	return 0, events
}

func named(events []map[string]any, name string) []map[string]any {
	var out []map[string]any
	for _, ev := range events {
		if ev["event"] == name {
			out = append(out, ev)
		}
	}
	return out
}

func TestPlaysHeadlessThroughDeadHosts(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(media))
	hang := hosttest.Keep(t)(loopback.Hang())
	code, events := playJSON(t, nil, "--host", hosttest.Refused(t), "--host", hang.URL, "--host", good.URL, assets.ClipName)
	if code != 0 {
		t.Fatalf("exit %d; events %v", code, events)
	}
	starts := named(events, "start")
	if len(starts) != 1 || starts[0]["url"] != good.URL+"/"+assets.ClipName {
		t.Errorf("start events %v", starts)
	}
	last := events[len(events)-1]
	if last["event"] != "end" || last["reason"] != "eof" {
		t.Errorf("last event %v, want end eof", last)
	}
}

// TestKillingServingHostFailsOver is the "done when": the host
// that serves the clip is killed mid-clip, and the clip still plays to its
// end from another host.
func TestKillingServingHostFailsOver(t *testing.T) {
	rate := int64(float64(len(assets.Clip)) / assets.ClipDuration.Seconds() * 1.3)
	serving := hosttest.Keep(t)(loopback.Throttled(media, rate))
	backup := hosttest.Keep(t)(loopback.Good(media))
	code, events := playJSON(t, func(ev map[string]any, _ *os.Process) {
		if ev["event"] == "start" && ev["host"] == serving.URL {
			// Let it play 1.5 s first, so the kill lands mid-clip: --json
			// carries no progress to wait on, as ticks stay internal.
			time.AfterFunc(1500*time.Millisecond, serving.Kill)
		}
	}, "--host", serving.URL, "--host", backup.URL, assets.ClipName)
	if code != 0 {
		t.Fatalf("exit %d; events %v", code, events)
	}
	f := named(events, "failover")
	if len(f) != 1 || f[0]["host"] != serving.URL || f[0]["to_host"] != backup.URL {
		t.Fatalf("failover events %v", f)
	}
	if _, ok := f[0]["position"].(float64); !ok {
		t.Errorf("failover has no position: %v", f[0])
	}
	last := events[len(events)-1]
	pos, _ := last["position"].(float64)
	if last["event"] != "end" || last["reason"] != "eof" || pos < assets.ClipDuration.Seconds()-1 {
		t.Errorf("last event %v, want end eof within 1s of %v", last, assets.ClipDuration)
	}
}

func TestEveryHostDiesMidClipExits3(t *testing.T) {
	cut := int64(len(assets.Clip) / 3)
	a := hosttest.Keep(t)(loopback.CutAfter(media, cut))
	b := hosttest.Keep(t)(loopback.CutAfter(media, cut))
	// Without the relay: with it, each host's next response fills in
	// where the other's was cut, and the clip plays to its end.
	code, events := playJSON(t, nil, "--relay=off", "--failure-expiry", "500ms", "--host", a.URL, "--host", b.URL, assets.ClipName)
	if code != 3 {
		t.Fatalf("exit %d, want 3; events %v", code, events)
	}
	if len(named(events, "failed")) == 0 {
		t.Errorf("no failed event: %v", events)
	}
}
