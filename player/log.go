package player

import (
	"context"
	"log/slog"
	"strings"
)

// mpv's own log joins clusterplay's. mpv sends its messages as events at
// the level asked for with mpv_request_log_messages; the Player asks for
// the most verbose level its logger would write, and writes each message
// at the matching slog level. The player package stays out of package
// logging (and so of the events): its caller names the logger.

// mpvLevels are mpv's log levels from the most severe, each with the
// slog level its messages are written at.
var mpvLevels = []struct {
	name  string
	level slog.Level
}{
	{"fatal", slog.LevelError},
	{"error", slog.LevelError},
	{"warn", slog.LevelWarn},
	{"info", slog.LevelInfo},
	{"status", slog.LevelInfo},
	{"v", slog.LevelDebug},
	{"debug", slog.LevelDebug},
	// trace is per packet and per frame: more than a log can be read for.
}

// mpvLogLevel is the level to ask mpv for: the most verbose one whose
// messages l writes. "fatal" at least, whatever l wants: the Player
// needs mpv's fatal line about a video output that failed (loop.go).
func mpvLogLevel(l *slog.Logger) string {
	want := "fatal"
	for _, m := range mpvLevels {
		if l.Enabled(context.Background(), m.level) {
			want = m.name
		}
	}
	return want
}

// slogLevel is the level mpv's level is written at.
func slogLevel(mpvLevel string) slog.Level {
	for _, m := range mpvLevels {
		if m.name == mpvLevel {
			return m.level
		}
	}
	return slog.LevelDebug
}

// logMPV writes one of mpv's messages, with the module that sent it. The
// blank lines mpv prints to space out its terminal output are left out.
func (p *Player) logMPV(ev mpvEvent) {
	level := slogLevel(ev.Level)
	if p.quietMPV || strings.TrimSpace(ev.Text) == "" || !p.log.Enabled(context.Background(), level) {
		return
	}
	p.log.Log(context.Background(), level, ev.Text, "mpv", ev.Prefix, "mpv_level", ev.Level)
}

// orDiscard is l, or a logger that writes nothing.
func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
