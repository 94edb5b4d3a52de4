package e2e

import (
	"testing"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestStartBareNumberIsSeconds: --start 3 starts 3 s in, as mpv's --start
// does; it used to be read as 3 ms, as the cluster's settings are.
func TestStartBareNumberIsSeconds(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(media))
	code, events := playJSON(t, nil, "--start", "3", "--host", good.URL, assets.ClipName)
	if code != 0 {
		t.Fatalf("exit %d; events %v", code, events)
	}
	starts := named(events, "start")
	if len(starts) != 1 {
		t.Fatalf("%d start events, want 1: %v", len(starts), events)
	}
	if pos, _ := starts[0]["position"].(float64); pos < 2.5 || pos > 3.8 {
		t.Errorf("--start 3 started at %v s, want about 3 s", starts[0]["position"])
	}
}
