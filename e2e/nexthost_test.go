package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestNextHostLeavesAHangingAttempt: next_host on the control socket (the
// n key) while the first resolution waits on a host that accepted and
// never answers moves it on at once: the next host plays, long before
// the 30 s connect timeout.
func TestNextHostLeavesAHangingAttempt(t *testing.T) {
	silent := hosttest.Keep(t)(loopback.Silent())
	good := hosttest.Keep(t)(loopback.Good(media))
	sock := filepath.Join(t.TempDir(), "ctl.sock")
	var nudged time.Time
	var ctlCode int
	var ctlErr string
	code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
		if ev["event"] == "connect" && ev["host"] == silent.URL && nudged.IsZero() {
			nudged = time.Now()
			ctlCode, _, ctlErr = ctlRun(t, sock, "next_host")
		}
	}, "--control-socket", sock, "--race-delay", "off", "--connect-timeout", "30s",
		"--host", silent.URL, "--host", good.URL, assets.ClipName)
	if code != 0 || ctlCode != 0 {
		t.Fatalf("exit %d, ctl next_host exit %d (%s); events %v", code, ctlCode, ctlErr, evs)
	}
	starts := named(evs, "start")
	if len(starts) != 1 || starts[0]["host"] != good.URL {
		t.Fatalf("start events %v, want one from the good host", starts)
	}
	at, err := time.Parse(time.RFC3339Nano, starts[0]["ts"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if took := at.Sub(nudged); took > 5*time.Second {
		t.Errorf("the good host started %v after next_host: the silent host was waited for", took)
	}
	cancelled := named(evs, "connect_cancelled")
	if len(cancelled) != 1 || cancelled[0]["host"] != silent.URL || len(named(evs, "connect_failed")) != 0 {
		t.Errorf("connect_cancelled %v, want the silent host left and nobody blamed", cancelled)
	}
}
