package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"clusterplay/events"
)

func TestPathwayEvents(t *testing.T) {
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		ev   events.Event
		line string
		json map[string]any
	}{
		{ev: events.Event{Kind: events.Steering, Index: -1, URL: "http://s/steer.json?_HLS_pathway=A", Status: 200, TTL: 10 * time.Second,
			Priority: []string{"B", "A"}, Pathway: "B"},
			line: "steering http://s/steer.json?_HLS_pathway=A: 200, ttl 10s, priority B,A, pathway B",
			json: map[string]any{"url": "http://s/steer.json?_HLS_pathway=A", "status": 200.0, "ttl": 10.0, "priority": []any{"B", "A"}, "pathway": "B"}},
		{ev: events.Event{Kind: events.Steering, Index: -1, URL: "http://s/steer.json", Status: 410, Class: events.ClassStatus,
			Err: "HTTP 410: steering stopped for the session", Pathway: "A"},
			line: "steering http://s/steer.json: 410 (status: HTTP 410: steering stopped for the session)",
			json: map[string]any{"status": 410.0, "error": "status: HTTP 410: steering stopped for the session", "class": "status"}},
		{ev: events.Event{Kind: events.Pathway, Index: 2, Host: "http://a/hls/", ToHost: "http://b/hls/", ToIndex: 3,
			PathwayFrom: "A", Pathway: "B", Reason: events.ReasonFailure},
			line: "pathway A -> B (failure)",
			json: map[string]any{"from": "A", "to": "B", "reason": "failure", "host": "http://a/hls/", "index": 2.0, "to_host": "http://b/hls/", "to_index": 3.0}},
		{ev: events.Event{Kind: events.Fetch, Index: 2, Host: "http://a/hls/", Path: "~pw/0/seg0.ts", Status: 206, Pathway: "A"},
			line: "fetched ~pw/0/seg0.ts from http://a/hls/: 206, 0 bytes in 0s (0 B/s)",
			json: map[string]any{"pathway": "A", "index": 2.0}},
	} {
		tc.ev.Time = at
		if got := Line(tc.ev); got != tc.line {
			t.Errorf("line %q, want %q", got, tc.line)
		}
		var buf bytes.Buffer
		if err := JSON(&buf, tc.ev); err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		for k, want := range tc.json {
			if b1, _ := json.Marshal(got[k]); !strings.EqualFold(string(b1), mustJSON(want)) {
				t.Errorf("%s: %s = %s, want %s (%s)", tc.ev.Kind, k, b1, mustJSON(want), buf.String())
			}
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
