package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// pathwayLines are the stream's own alternatives below the hosts: a title
// with the next steering reload as a countdown, then a row per pathway
// (in use, its ID, steering's rank, its penalty's countdown, what it
// served, its URL). None for a stream without alternatives.
func (t hostTable) pathwayLines(s styles, now time.Time, width int) []string {
	rows := t.fold.Pathways()
	if len(rows) == 0 || width <= 0 {
		return nil
	}
	title := "PATHWAYS"
	if next := t.fold.NextSteering(); !next.IsZero() {
		title += " · steering reload in " + countdown(max(0, next.Sub(now)))
	}
	lines := []string{s.muted.Render(ansi.Truncate(title, width, "…"))}
	for _, p := range rows {
		mark := "  "
		if p.InUse {
			mark = "▶ "
		}
		rank := "-"
		if p.Priority > 0 {
			rank = fmt.Sprintf("#%d", p.Priority)
		}
		state, lv := "ok", levelMuted
		switch {
		case p.Penalised(now):
			state, lv = "penalised "+countdown(p.PenaltyUntil.Sub(now)), levelWarn
		case p.InUse:
			state, lv = "in use", levelOK
		}
		line := fmt.Sprintf("%s%-10s %-4s %-18s %7s  %s", mark, ansi.Truncate(p.ID, 10, "…"), rank, state,
			shortBytes(float64(p.Bytes)), p.Host)
		lines = append(lines, s.forLevel(lv).Render(ansi.Truncate(strings.TrimRight(line, " "), width, "…")))
	}
	return lines
}
