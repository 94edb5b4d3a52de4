package ui

import (
	"strings"
	"testing"
	"time"

	"clusterplay/events"
)

// TestPathwayRows: a steered stream's pathways show below the hosts, the
// one in use marked, each with its rank, a penalised one with its
// countdown, and the next steering reload as a countdown; x and n reach
// the controller as for hosts.
func TestPathwayRows(t *testing.T) {
	m, f := playingModel(120, 30)
	feed(m,
		events.Event{Time: at(2000), Kind: events.Steering, Index: -1, URL: "http://steer/s.json", Status: 200,
			TTL: 10 * time.Second, Priority: []string{"A", "B"}, Pathway: "A"},
		events.Event{Time: at(2100), Kind: events.Fetch, Host: "http://a/hls/", Index: 3, Pathway: "A", Bytes: 2048, Path: "~pw/0/seg0.ts"},
		events.Event{Time: at(2200), Kind: events.Pathway, Index: 3, Host: "http://a/hls/", ToHost: "http://b/hls/", ToIndex: 4,
			PathwayFrom: "A", Pathway: "B", Reason: events.ReasonFailure, ExpiresAt: at(2200).Add(5 * time.Minute)},
	)
	view := plain(t, m)
	for _, want := range []string{"PATHWAYS · steering reload in 1", "A          #1   penalised 5m00s", "▶ B          #2   in use",
		"http://b/hls/", "pathway A -> B (failure)"} {
		if !strings.Contains(view, want) {
			t.Errorf("the screen lacks %q:\n%s", want, view)
		}
	}
	press(m, keyOf("x"))
	press(m, keyOf("n"))
	calls := strings.Join(f.Calls(), "; ")
	if !strings.Contains(calls, "failover markFailed=true") || !strings.Contains(calls, "failover markFailed=false") {
		t.Errorf("x and n: %s", calls)
	}
}
