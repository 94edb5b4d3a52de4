package logging

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"clusterplay/events"
)

// TestLevelAndFilter logs one line per level from every component and
// checks which reach the output.
func TestLevelAndFilter(t *testing.T) {
	levels := []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError}
	tests := []struct {
		level  string
		filter string
		want   map[string]int // component: how many of the four levels pass
	}{
		{"debug", "*", map[string]int{Cluster: 4, ClusterHTTP: 4, Playback: 4, Player: 4, UI: 4}},
		{"warn", "", map[string]int{Cluster: 2, ClusterHTTP: 2, Playback: 2, Player: 2, UI: 2}},
		{"error", "*", map[string]int{Cluster: 1, ClusterHTTP: 1, Playback: 1, Player: 1, UI: 1}},
		{"debug", "cluster.*", map[string]int{Cluster: 4, ClusterHTTP: 4}},
		{"info", "cluster.http,player", map[string]int{ClusterHTTP: 3, Player: 3}},
		{"debug", "cluster", map[string]int{Cluster: 4}},
	}
	for _, tt := range tests {
		level, err := ParseLevel(tt.level)
		if err != nil {
			t.Fatal(err)
		}
		filter, err := ParseFilter(tt.filter)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		root := New(&buf, Options{Level: level, Filter: filter, JSON: true})
		for _, c := range []string{Cluster, ClusterHTTP, Playback, Player, UI} {
			l := For(root, c)
			for _, lv := range levels {
				l.Log(t.Context(), lv, "line")
			}
		}
		got := map[string]int{}
		for _, line := range lines(t, buf.String()) {
			got[line["component"].(string)]++
		}
		if len(got) != len(tt.want) {
			t.Errorf("level %s, filter %q: lines per component %v, want %v", tt.level, tt.filter, got, tt.want)
			continue
		}
		for c, n := range tt.want {
			if got[c] != n {
				t.Errorf("level %s, filter %q: lines per component %v, want %v", tt.level, tt.filter, got, tt.want)
				break
			}
		}
	}
}

func lines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var got []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q: %v", l, err)
		}
		got = append(got, m)
	}
	return got
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]slog.Level{"debug": slog.LevelDebug, "INFO": slog.LevelInfo, "warn": slog.LevelWarn, " error ": slog.LevelError} {
		if got, err := ParseLevel(in); err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "verbose", "trace"} {
		if _, err := ParseLevel(bad); err == nil {
			t.Errorf("ParseLevel(%q) took it", bad)
		}
	}
}

// TestFormats: the text and JSON lines carry the same things, the
// component first among the attributes, and a part's name replaces its
// parent's.
func TestFormats(t *testing.T) {
	var text, js bytes.Buffer
	for _, o := range []struct {
		buf  *bytes.Buffer
		json bool
	}{{&text, false}, {&js, true}} {
		root := New(o.buf, Options{Level: slog.LevelDebug, JSON: o.json})
		cl := For(root, Cluster).With("pass", 1)
		For(cl, ClusterHTTP).Debug("attempt failed", "class", "refused", "elapsed", 1500*time.Microsecond)
	}
	want := `level=DEBUG msg="attempt failed" component=cluster.http pass=1 class=refused elapsed=1.5ms`
	if !strings.Contains(text.String(), want) || strings.Count(text.String(), "component=") != 1 {
		t.Errorf("text line %q, want it to hold %q", text.String(), want)
	}
	got := lines(t, js.String())
	if len(got) != 1 {
		t.Fatalf("%d JSON lines", len(got))
	}
	for k, v := range map[string]any{"level": "DEBUG", "msg": "attempt failed", "component": "cluster.http", "pass": 1.0, "class": "refused"} {
		if got[0][k] != v {
			t.Errorf("JSON %s = %v, want %v (%s)", k, got[0][k], v, js.String())
		}
	}
	if _, err := time.Parse(time.RFC3339Nano, got[0]["time"].(string)); err != nil {
		t.Errorf("JSON time: %v", err)
	}
}

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

// TestRedaction: no secret of any kind survives, whatever shape it is
// logged in: message, string, error, URL value, Stringer, struct, group,
// With attribute, header line, request line.
func TestRedaction(t *testing.T) {
	secrets := []string{"tok1", "pw2", "sig3", "key4", "bearer5", "app6", "grp7", "with8", "struct9"}
	u, _ := url.Parse("rtmp://alice:pw2@h/app")
	for _, js := range []bool{false, true} {
		var buf bytes.Buffer
		l := For(New(&buf, Options{Level: slog.LevelDebug, JSON: js}), ClusterHTTP).With("host", "http://h/v?auth=with8")
		l.Debug("attempt on http://h/v/c.mp4?token=tok1 failed",
			"url", u,
			"request", "GET /v/c.mp4?Signature=sig3 HTTP/1.1",
			"err", errors.New(`Get "http://h/c?key=key4": refused`),
			"header", "Authorization: Bearer bearer5",
			"app", stringer{"vod?access_token=app6"},
			slog.Group("g", "u", "https://x/y?sig=grp7"),
			"value", struct{ U string }{"http://h/?password=struct9"},
		)
		out := buf.String()
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("json=%v: secret %q in the log:\n%s", js, s, out)
			}
		}
		if n := strings.Count(out, events.Redacted); n < len(secrets) {
			t.Errorf("json=%v: %d %s, want %d:\n%s", js, n, events.Redacted, len(secrets), out)
		}
	}
}

// TestServersTextIsEscaped: what a server said (an error, a URL) reaches
// the log, which may be the terminal, with its control characters escaped
// as in the events, in both formats: slog's JSON would leave C1 and the
// bidi controls raw.
func TestServersTextIsEscaped(t *testing.T) {
	// OSC 52 (the clipboard), a bidi override and a C1 control.
	raw := "valid for \x1b]52;c;aGk=\x07 and \u202egnp.\u0085"
	for _, js := range []bool{false, true} {
		var buf bytes.Buffer
		l := For(New(&buf, Options{Level: slog.LevelDebug, JSON: js}), ClusterHTTP)
		l.Debug("attempt failed: "+raw, "err", errors.New(raw), "host", raw)
		out := buf.String()
		if strings.ContainsAny(out, "\x1b\x07\u202e\u0085") {
			t.Errorf("json=%v: a control character reached the log:\n%q", js, out)
		}
		if !strings.Contains(out, "u202e") || !strings.Contains(out, "x1b") {
			t.Errorf("json=%v: the escaped forms are missing:\n%s", js, out)
		}
	}
}

func TestForNilDiscards(t *testing.T) {
	l := For(nil, Player)
	l.Error("nowhere") // must not panic
	if l.Enabled(t.Context(), slog.LevelError) {
		t.Error("a logger for nil asks for lines")
	}
	if Or(nil).Enabled(t.Context(), slog.LevelError) {
		t.Error("Or(nil) asks for lines")
	}
}

func TestPhaseAttrs(t *testing.T) {
	got := PhaseAttrs(events.Phases{Connect: 1234567 * time.Nanosecond, TTFB: time.Nanosecond})
	if len(got) != 2 || got[0].(slog.Attr).String() != "connect_ms=1.234" || got[1].(slog.Attr).String() != "ttfb_ms=0" {
		t.Errorf("PhaseAttrs = %v", got)
	}
}
