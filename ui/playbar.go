package ui

import (
	"fmt"
	"math"
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
// setting.
func (p playBar) view(s styles, st Status, lb bool, width int) string {
	if width <= 0 {
		return "\n"
	}
	return ansi.Truncate(p.line1(s, st, width), width, "") + "\n" + ansi.Truncate(line2(s, st, lb, width), width, "")
}

// line1 is the state, the position and how far it is: the progress bar
// of a clip, or a live stream's badge and delay, which has no end to
// measure against.
func (p playBar) line1(s styles, st Status, width int) string {
	state := string(st.State)
	if state == "" {
		state = "idle"
	}
	stateCell := stateStyle(s, state).Bold(true).Render(fmt.Sprintf("%-10s", stateText(st, width)))

	clockText := clock(st.Position) + " / "
	switch {
	case st.Live:
		clockText = clock(st.Position) + "  " + s.bad.Bold(true).Render("LIVE")
	case st.Duration > 0:
		clockText += clock(st.Duration)
	default:
		clockText += "--:--"
	}
	cacheText := fmt.Sprintf("cache %.1fs", st.Cache.Seconds())
	if st.Quality != "" {
		// --quality auto: the variant serving, the link as last measured.
		cacheText = fmt.Sprintf("%s · %.1f Mb/s · %s", st.Quality, st.Estimate/1e6, cacheText)
	}
	cache := s.muted.Render(cacheText)
	head := stateCell + " " + clockText + "  "

	// The bar (or the delay) takes what is left between the clock and the
	// cache.
	midW := width - ansi.StringWidth(head) - 2 - ansi.StringWidth(cache)
	switch {
	case st.Live:
		behind := ""
		if st.Behind > 0 {
			behind = fmt.Sprintf("%.1fs behind live", st.Behind.Seconds())
		}
		return head + s.muted.Render(lipgloss.PlaceHorizontal(max(0, midW), lipgloss.Left, ansi.Truncate(behind, max(0, midW), ""))) + "  " + cache
	case midW >= 5:
		fill := stateStyle(s, state)
		if state == "paused" || state == "idle" || state == "ended" {
			fill = s.muted
		}
		track := lipgloss.NewStyle().Foreground(s.pal.track)
		frac := 0.0
		if st.Duration > 0 {
			frac = min(1, max(0, float64(st.Position)/float64(st.Duration)))
		}
		return head + p.progress(fill, track, frac, midW) + "  " + cache
	}
	return head + cache
}

// stateText is the state in words; after the end, which end it was:
// "ended (end of clip)", "ended (error: stall: no progress for 3s)", cut
// to leave the clock and the cache their room in width cells.
func stateText(st Status, width int) string {
	how := st.Ended()
	if how == "" {
		return string(st.State)
	}
	room := max(len("ended (…)"), width-30) // the clock, the cache and a bar of a few cells
	return "ended (" + ansi.Truncate(how, room-len("ended ()"), "…") + ")"
}

// line2 is the serving host, or after the end what the keys do now, then
// the settings: speed (when not normal), load balancing, volume.
func line2(s styles, st Status, lb bool, width int) string {
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
	if st.Speed > 0 && math.Abs(st.Speed-1) >= 0.005 {
		right = s.accent.Render("speed "+speedText(st.Speed)) + "  " + right
	}
	var left string
	switch room := width - ansi.StringWidth(right) - 2; {
	case st.State == "ended" && room >= 8:
		left = s.warn.Render(ansi.Truncate("space/r: play again · c: new clip", room, "…"))
	case st.State == "failed" && room >= 8:
		left = s.warn.Render(ansi.Truncate("r: try the hosts again · c: new clip", room, "…"))
	case room-len("host: ") >= 4:
		host := st.Host
		if host == "" {
			host = "none"
		}
		left = s.muted.Render("host: ") + s.accent.Render(shortURL(host, room-len("host: ")))
	default:
		return right
	}
	pad := width - ansi.StringWidth(left) - ansi.StringWidth(right)
	return left + strings.Repeat(" ", max(2, pad)) + right
}

// speedText shows a speed as mpv's OSD does, to the hundredth.
func speedText(speed float64) string { return fmt.Sprintf("%.2f×", speed) }

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
