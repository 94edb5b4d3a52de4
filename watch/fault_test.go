package watch

import (
	"testing"

	"clusterplay/events"
)

// TestFaultEventsAreKeptPerHost: a host's row keeps the last fault a
// plan injected into it, and when; the fault changes nothing else of it.
func TestFaultEventsAreKeptPerHost(t *testing.T) {
	f := fold()
	f.Apply(connect(0, 1))
	f.Apply(resolved(1, 1))
	for i, action := range []string{"status 503", "stall after 16000 bytes for 10m0s"} {
		ev := events.Event{Time: at(100 * (i + 1)), Kind: events.Fault, Host: hosts[1], Index: 1, Path: "seg5.ts",
			Rule: "rule1", Action: action}
		if row := f.Apply(ev); row != 1 {
			t.Errorf("fault: row %d, want 1", row)
		}
	}
	h := f.Hosts()[1]
	if h.Fault != "stall after 16000 bytes for 10m0s" || !h.FaultAt.Equal(at(200)) || h.State != Serving || h.Failures != 0 {
		t.Errorf("host 1: %+v", h)
	}
	if h0 := f.Hosts()[0]; h0.Fault != "" {
		t.Errorf("host 0 got a fault: %+v", h0)
	}
}
