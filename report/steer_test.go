package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"clusterplay/events"
)

func TestSteerRequestOutput(t *testing.T) {
	ev := events.Event{Kind: events.SteerRequest, Index: -1, URL: "/s.json?_HLS_pathway=a&_HLS_throughput=4e6",
		Path: "/s.json", Status: 200, Pathway: "a", Bitrate: 4e6, TTL: 10 * time.Second, Priority: []string{"a", "b"}}
	if got, want := Line(ev), "steering request /s.json?_HLS_pathway=a&_HLS_throughput=4e6 (pathway a, 4000000 bit/s): priority a,b, ttl 10s"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	var buf bytes.Buffer
	if err := JSON(&buf, ev); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(buf.Bytes(), &m)
	delete(m, "ts")
	want := map[string]any{"event": "steer_request", "url": ev.URL, "path": "/s.json", "status": 200.0, "pathway": "a",
		"throughput_bps": 4e6, "ttl": 10.0, "priority": []any{"a", "b"}}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("JSON %v, want %v", m, want)
	}
	if got, want := Line(events.Event{Kind: events.Listening, Index: -1, URL: "http://127.0.0.1:9/", Message: "steering server"}),
		"steering server listening: http://127.0.0.1:9/"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	ev = events.Event{Kind: events.SteerRequest, Index: -1, URL: "/s.json", Path: "/s.json", Status: 410}
	if got, want := Line(ev), "steering request /s.json (no pathway): answered 410"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
}
