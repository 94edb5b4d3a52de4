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

// TestManyNextHostsAreNoFailoversWithoutProgress: next_host (the n key)
// sent again as soon as each switch shows its first frame, ten times in a
// few seconds, is the user's choice of host, not a clip no host can play:
// the clip plays to its end and the run exits 0, with no failed event.
func TestManyNextHostsAreNoFailoversWithoutProgress(t *testing.T) {
	a := hosttest.Keep(t)(loopback.Good(media))
	b := hosttest.Keep(t)(loopback.Good(media))
	sock := filepath.Join(t.TempDir(), "ctl.sock")
	const switches = 10 // 3 per host was the limit they counted toward
	sent := 0
	code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
		if ev["event"] == "start" && sent < switches {
			sent++
			if code, _, errOut := ctlRun(t, sock, "next_host"); code != 0 {
				t.Errorf("next_host %d: exit %d %s", sent, code, errOut)
			}
		}
	}, "--control-socket", sock, "--host", a.URL, "--host", b.URL, assets.ClipName)
	if code != 0 {
		t.Fatalf("exit %d after %d next_host, want 0; events %v", code, sent, evs)
	}
	if f := named(evs, "failed"); len(f) != 0 {
		t.Errorf("failed events %v after switches by the user", f)
	}
	switched := 0
	for _, f := range named(evs, "failover") {
		if f["class"] == "switch" {
			switched++
		}
	}
	if sent != switches || switched != switches {
		t.Errorf("%d next_host sent, %d switch failovers, want %d of each", sent, switched, switches)
	}
	if last := evs[len(evs)-1]; last["event"] != "end" || last["reason"] != "eof" {
		t.Errorf("last event %v, want end eof", last)
	}
}
