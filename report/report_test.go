package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"clusterplay/events"
)

var at = time.Date(2026, 11, 25, 12, 0, 0, 123456789, time.UTC)

func TestLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ev   events.Event
		want string
	}{
		{events.Event{Kind: events.Connect, Host: "http://a/v"}, "attempting to connect: http://a/v"},
		{events.Event{Kind: events.ConnectFailed, Host: "http://a/v", Class: events.ClassRefused, Err: "connection refused"},
			"connection failed to: http://a/v (refused)"},
		{events.Event{Kind: events.ConnectFailed, Host: "http://a/v", Class: events.ClassStatus, Err: "HTTP 404 Not Found"},
			"connection failed to: http://a/v (status: HTTP 404 Not Found)"},
		{events.Event{Kind: events.ConnectCancelled, Host: "http://a/v", Class: events.ClassCancelled, Err: "another host answered first"},
			"connection cancelled: http://a/v (another host answered first)"},
		{events.Event{Kind: events.ConnectCancelled, Host: "http://a/v", Class: events.ClassCancelled, Err: "left for the next host by the user"},
			"connection cancelled: http://a/v (left for the next host by the user)"},
		{events.Event{Kind: events.Start, URL: "http://a/v/c.mp4"}, "clip started: http://a/v/c.mp4"},
		{events.Event{Kind: events.Skip, Host: "http://a/v", ExpiryLeft: 1234 * time.Millisecond},
			"skipping: http://a/v (failed recently, retry in 1.2s)"},
		{events.Event{Kind: events.Failover, Host: "http://a/v", ToHost: "http://b/v", Position: 83 * time.Second, Class: events.ClassStall, Err: "no progress for 5s"},
			"failing over at 1:23: http://a/v -> http://b/v (stall: no progress for 5s)"},
		{events.Event{Kind: events.End, Reason: "eof", Position: 6 * time.Second}, "clip ended: eof at 0:06 (end of clip)"},
		{events.Event{Kind: events.End, Reason: "error", Class: events.ClassStall, Err: "no progress for 3s", Position: 5 * time.Second},
			"clip ended: error at 0:05 (stall: no progress for 3s)"},
	}
	for _, tt := range tests {
		if got := Line(tt.ev); got != tt.want {
			t.Errorf("Line(%s) = %q, want %q", tt.ev.Kind, got, tt.want)
		}
	}
}

func TestJSONLeavesOutFieldsThatDoNotApply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ev      events.Event
		want    map[string]any
		missing []string
	}{
		{events.Event{Time: at, Kind: events.Connect, Host: "http://a/v", Index: 0, URL: "http://a/v/c.mp4", Pass: 1},
			map[string]any{"event": "connect", "host": "http://a/v", "index": 0.0, "url": "http://a/v/c.mp4", "ts": "2026-11-25T12:00:00.123456789Z"},
			[]string{"error", "elapsed_ms", "position"}},
		{events.Event{Time: at, Kind: events.ConnectFailed, Host: "http://a/v", Index: 2, Class: "refused", Err: "connection refused", Elapsed: 1500 * time.Microsecond},
			map[string]any{"event": "connect_failed", "index": 2.0, "error": "refused: connection refused", "class": "refused", "elapsed_ms": 1.5},
			[]string{"position", "reason", "dns_ms", "connect_ms", "tls_ms", "ttfb_ms", "handshake_ms", "play_ms"}},
		{events.Event{Time: at, Kind: events.Resolved, Host: "https://a/v", Index: 1, Elapsed: 9 * time.Millisecond,
			Phases: events.Phases{DNS: 1234567 * time.Nanosecond, Connect: 250 * time.Microsecond, TLS: 3 * time.Millisecond, TTFB: 4500 * time.Microsecond}},
			map[string]any{"event": "resolved", "dns_ms": 1.234, "connect_ms": 0.25, "tls_ms": 3.0, "ttfb_ms": 4.5},
			[]string{"handshake_ms", "play_ms"}},
		{events.Event{Time: at, Kind: events.ConnectFailed, Host: "rtmp://a/vod", Index: 0, Class: "not_found", Elapsed: 5 * time.Millisecond,
			Phases: events.Phases{Connect: 100 * time.Microsecond, Handshake: time.Millisecond, Play: time.Nanosecond}},
			map[string]any{"event": "connect_failed", "connect_ms": 0.1, "handshake_ms": 1.0, "play_ms": 0.0},
			[]string{"dns_ms", "tls_ms", "ttfb_ms"}},
		{events.Event{Time: at, Kind: events.Failed, Index: -1, Err: "2 hosts, 3 passes", Elapsed: time.Second},
			map[string]any{"event": "failed", "error": "2 hosts, 3 passes", "elapsed_ms": 1000.0},
			[]string{"host", "index", "url"}},
		{events.Event{Time: at, Kind: events.Failover, Host: "http://a/v", Index: 0, ToHost: "http://b/v", ToIndex: 1, Position: 2500 * time.Millisecond, Class: "stall", Err: "no progress for 5s"},
			map[string]any{"event": "failover", "host": "http://a/v", "from": "http://a/v", "to": "http://b/v", "to_host": "http://b/v", "to_index": 1.0, "position": 2.5, "class": "stall"},
			[]string{"elapsed_ms", "reason"}},
		{events.Event{Time: at, Kind: events.End, Host: "http://a/v", Index: 0, Reason: "eof", Position: 5920 * time.Millisecond, Duration: 6 * time.Second},
			map[string]any{"event": "end", "reason": "eof", "position": 5.92, "duration": 6.0},
			[]string{"error", "elapsed_ms"}},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := JSON(&buf, tt.ev); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(buf.String(), "}\n") || strings.Count(buf.String(), "\n") != 1 {
			t.Errorf("not one JSON line: %q", buf.String())
		}
		var got map[string]any
		if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		for k, v := range tt.want {
			if got[k] != v {
				t.Errorf("%s: %s = %v, want %v", tt.ev.Kind, k, got[k], v)
			}
		}
		for _, k := range tt.missing {
			if _, ok := got[k]; ok {
				t.Errorf("%s: has %s, which does not apply", tt.ev.Kind, k)
			}
		}
	}
}

// TestJSONPhasesComeLast: the phases an attempt began are the line's last
// fields, in the attempt's order, as they were when they were struct
// fields; the line stays one JSON object.
func TestJSONPhasesComeLast(t *testing.T) {
	t.Parallel()
	ev := events.Event{Time: at, Kind: events.ConnectFailed, Host: "http://a/v", Index: 1, Class: events.ClassTimeout,
		Err: "no answer", Elapsed: 2 * time.Millisecond,
		Phases: events.Phases{TTFB: 4500 * time.Microsecond, DNS: 1234567 * time.Nanosecond, Play: time.Nanosecond}}
	var buf bytes.Buffer
	if err := JSON(&buf, ev); err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSuffix(buf.String(), "\n")
	if want := `,"dns_ms":1.234,"ttfb_ms":4.5,"play_ms":0}`; !strings.HasSuffix(line, want) {
		t.Errorf("line %s\ndoes not end with %s", line, want)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil || m["class"] != "timeout" {
		t.Errorf("not one JSON object (%v): %s", err, line)
	}
	buf.Reset()
	ev.Phases = events.Phases{}
	if err := JSON(&buf, ev); err != nil || strings.Contains(buf.String(), "_ms\":0") || !json.Valid(buf.Bytes()) {
		t.Errorf("no phases: %v %s", err, buf.String())
	}
}
