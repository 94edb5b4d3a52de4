package app

import (
	"strings"
	"testing"

	"clusterplay/faults"
)

// TestControllerFaults: the F key's fault replaces the one it set before
// on that host, "" removes it; inject adds a rule named injectN, a bad
// rule is an error; clear_faults removes them all.
func TestControllerFaults(t *testing.T) {
	c, _, _, _ := testController(t)
	c.faults = faults.NewInjector(nil, nil)
	host1 := faults.Request{Host: 1, Kind: faults.Segment, Segment: -1, Sequence: -1}
	if err := c.SetHostFault(1, "stall after 16KB for 10m"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetHostFault(1, "status 503"); err != nil {
		t.Fatal(err)
	}
	if hit, ok := c.faults.Match(host1); !ok || hit.Rule != "key1" || hit.Action.Code != 503 || len(c.faults.Rules()) != 1 {
		t.Errorf("got %+v %v, %d rules", hit, ok, len(c.faults.Rules()))
	}
	if err := c.SetHostFault(1, ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.faults.Match(host1); ok {
		t.Error("the fault stays after none")
	}
	if err := c.SetHostFault(1, "nap"); err == nil {
		t.Error("a bad action was taken")
	}
	name, err := c.InjectFault("{host: 1, action: hang}")
	if err != nil || name != "inject1" {
		t.Fatalf("inject: %q %v", name, err)
	}
	if _, err := c.InjectFault("{host: 1, action: nap}"); err == nil || !strings.Contains(err.Error(), `unknown action "nap"`) {
		t.Errorf("a bad rule: %v", err)
	}
	c.ClearFaults()
	if len(c.faults.Rules()) != 0 {
		t.Error("rules left after clear_faults")
	}
}
