package player

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"clusterplay/logging/logtest"

	"clusterplay/assets"
)

func TestMPVLogLevel(t *testing.T) {
	tests := []struct {
		level slog.Level
		want  string
	}{
		{slog.LevelDebug, "debug"},
		{slog.LevelInfo, "status"},
		{slog.LevelWarn, "warn"},
		{slog.LevelError, "error"},
		{slog.LevelError + 4, "fatal"}, // nothing wanted: still the fatal lines the Player reads
	}
	for _, tt := range tests {
		l := slog.New(slog.NewTextHandler(&bytes.Buffer{}, &slog.HandlerOptions{Level: tt.level}))
		if got := mpvLogLevel(l); got != tt.want {
			t.Errorf("logger at %v asks mpv for %q, want %q", tt.level, got, tt.want)
		}
	}
	if got := mpvLogLevel(orDiscard(nil)); got != "fatal" {
		t.Errorf("no logger asks mpv for %q, want fatal", got)
	}
	for mpv, want := range map[string]slog.Level{"fatal": slog.LevelError, "error": slog.LevelError, "warn": slog.LevelWarn,
		"info": slog.LevelInfo, "status": slog.LevelInfo, "v": slog.LevelDebug, "debug": slog.LevelDebug, "trace": slog.LevelDebug} {
		if got := slogLevel(mpv); got != want {
			t.Errorf("mpv %s is written at %v, want %v", mpv, got, want)
		}
	}
}

// TestMPVMessagesJoinTheLog plays the clip with a logger at each level:
// mpv's messages arrive at the matching level, none below it.
func TestMPVMessagesJoinTheLog(t *testing.T) {
	cs := serveClip(t)
	for _, level := range []slog.Level{slog.LevelDebug, slog.LevelInfo} {
		var buf logtest.Buffer
		log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: level})).With("component", "player")
		p := newHeadless(t, Options{Log: log})
		url := cs.url(assets.ClipName)
		must(t, p.Load(url, 0))
		waitKind(t, p, EventEnd)
		must(t, p.Close())

		out := buf.String()
		levels := map[string]int{}
		modules := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("not a JSON line: %q", line)
			}
			if m["component"] != "player" {
				t.Errorf("line without the player component: %v", m)
			}
			if m["msg"] == "" {
				t.Errorf("an empty line: %v", m)
			}
			if mod, ok := m["mpv"].(string); ok {
				levels[m["level"].(string)]++
				modules[mod] = true
			}
		}
		t.Logf("level %v: mpv lines per level %v, modules %d", level, levels, len(modules))
		switch level {
		case slog.LevelDebug:
			if levels["DEBUG"] == 0 || !modules["cplayer"] || !strings.Contains(out, `"msg":"load"`) {
				t.Errorf("debug: no mpv debug lines, or no cplayer, or the load untold:\n%s", out)
			}
		case slog.LevelInfo:
			if levels["DEBUG"] != 0 || levels["INFO"] == 0 {
				t.Errorf("info: mpv lines per level %v; want info lines and no debug ones", levels)
			}
		}
	}
}
