package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// playBar renders the two playback lines:
//
//	playing   0:12 / 1:00  ████████░░░░░░░░░░░░░░░  cache 5.0s
//	host: http://a.example/  load balancing: off  vol 100
//
// The progress bar is drawn with Lip Gloss rather than bubbles/progress: it
// has no animation to drive, so every frame is a pure function of Status.
type playBar struct {
	full, empty string
}

func newPlayBar() playBar { return playBar{full: "█", empty: "░"} }

// progress draws a bar of width cells filled to frac (0-1).
func (p playBar) progress(fill, track lipgloss.Style, frac float64, width int) string {
	n := int(frac*float64(width) + 0.5)
	n = min(width, max(0, n))
	return fill.Render(strings.Repeat(p.full, n)) + track.Render(strings.Repeat(p.empty, width-n))
}

// view renders the bar for st in width cells. lb is the load balancing
// setting; state overrides st.State when non-empty (e.g. "all failed").
func (p playBar) view(s styles, st Status, lb bool, width int) string {
	if width <= 0 {
		return "\n"
	}
	state := st.State
	if state == "" {
		state = "idle"
	}
	stateCell := stateStyle(s, state).Bold(true).Render(fmt.Sprintf("%-10s", state))

	clockText := clock(st.Position) + " / "
	if st.Duration > 0 {
		clockText += clock(st.Duration)
	} else {
		clockText += "--:--"
	}
	cache := fmt.Sprintf("cache %.1fs", st.Cache.Seconds())

	// The bar takes what is left between the clock and the cache.
	fixed := ansi.StringWidth(stateCell) + 1 + len(clockText) + 2 + 2 + len(cache)
	barW := width - fixed
	var line1 string
	if barW >= 5 {
		fill := stateStyle(s, state)
		if state == "paused" || state == "idle" || state == "ended" {
			fill = s.muted
		}
		track := lipgloss.NewStyle().Foreground(s.pal.track)
		frac := 0.0
		if st.Duration > 0 {
			frac = min(1, max(0, float64(st.Position)/float64(st.Duration)))
		}
		line1 = stateCell + " " + clockText + "  " + p.progress(fill, track, frac, barW) + "  " + s.muted.Render(cache)
	} else {
		line1 = stateCell + " " + clockText + "  " + s.muted.Render(cache)
	}

	lbText := "load balancing: off"
	lbStyle := s.muted
	if lb {
		lbText, lbStyle = "load balancing: on", s.accent
	}
	vol := fmt.Sprintf("vol %.0f", st.Volume)
	if st.Muted {
		vol = "muted"
	}
	right := lbStyle.Render(lbText) + "  " + s.muted.Render(vol)
	host := st.Host
	if host == "" {
		host = "none"
	}
	hostW := width - ansi.StringWidth(right) - 2 - len("host: ")
	var line2 string
	if hostW >= 4 {
		line2 = s.muted.Render("host: ") + s.accent.Render(ansi.Truncate(host, hostW, "…"))
		pad := width - ansi.StringWidth(line2) - ansi.StringWidth(right)
		line2 += strings.Repeat(" ", max(2, pad)) + right
	} else {
		line2 = right
	}
	return ansi.Truncate(line1, width, "") + "\n" + ansi.Truncate(line2, width, "")
}

// stateStyle colours a playback state.
func stateStyle(s styles, state string) lipgloss.Style {
	switch state {
	case "playing":
		return s.ok
	case "connecting", "buffering":
		return s.warn
	case "failed":
		return s.bad
	case "paused":
		return s.accent
	}
	return s.muted
}

// clock formats a position as m:ss, or h:mm:ss from an hour on.
func clock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	sec := int(d / time.Second)
	if sec >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}
