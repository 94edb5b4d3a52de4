package ui

import (
	"strings"
	"time"

	"clusterplay/report"

	"charm.land/bubbles/v2/viewport"
	"github.com/charmbracelet/x/ansi"
)

// maxLogEntries bounds the log so a long session does not grow without end:
// that many lines, and as many fetch lines besides, so that the relay's
// many fetches never push the failovers out.
const maxLogEntries = 2000

// timeFormat stamps each log line, to the millisecond like the engine's
// timings.
const timeFormat = report.TimeFormat

// logEntry is one line of the event panel before wrapping.
type logEntry struct {
	at    time.Time // zero: no timestamp (e.g. the start notice)
	text  string
	level level
	fetch bool // a fetched line: hidden unless asked for

	lines     []string // the entry wrapped and styled for wrappedAt
	wrappedAt int      // width lines were made for; 0 = stale
}

// eventLog is the scrollable event panel: a viewport over time-stamped
// lines. It follows the newest line until the user scrolls up, and follows
// again once scrolled back to the bottom. The relay's fetched lines come
// by the dozen a second during a DASH or HLS failover and would scroll the
// failover itself away: they are kept but hidden (the host table sums
// them up) until the user shows them.
type eventLog struct {
	entries     []logEntry
	vp          viewport.Model
	follow      bool
	width       int
	showFetches bool
	fetches     int // fetch entries kept
}

func newEventLog() eventLog {
	vp := viewport.New()
	vp.FillHeight = false
	vp.MouseWheelEnabled = false
	return eventLog{vp: vp, follow: true}
}

// add appends a line and keeps the newest visible when following.
func (l *eventLog) add(s styles, at time.Time, text string, lv level, fetch bool) {
	l.entries = append(l.entries, logEntry{at: at, text: text, level: lv, fetch: fetch})
	if fetch {
		l.fetches++
	}
	if kept := l.kept(fetch); kept > maxLogEntries {
		l.dropOldest(fetch)
	}
	l.render(s)
}

// kept is how many entries of a kind (fetch lines or the others) are kept.
func (l *eventLog) kept(fetch bool) int {
	if fetch {
		return l.fetches
	}
	return len(l.entries) - l.fetches
}

// dropOldest forgets the oldest entry of a kind.
func (l *eventLog) dropOldest(fetch bool) {
	for i, e := range l.entries {
		if e.fetch == fetch {
			l.entries = append(l.entries[:i:i], l.entries[i+1:]...)
			if fetch {
				l.fetches--
			}
			return
		}
	}
}

// toggleFetches shows or hides the fetched lines, those before included.
func (l *eventLog) toggleFetches(s styles) {
	l.showFetches = !l.showFetches
	l.render(s)
}

// hiddenFetches is how many fetched lines are kept out of sight.
func (l *eventLog) hiddenFetches() int {
	if l.showFetches {
		return 0
	}
	return l.fetches
}

// setSize resizes the panel's viewport (the title line is extra).
func (l *eventLog) setSize(s styles, width, height int) {
	l.width = max(1, width)
	l.vp.SetWidth(l.width)
	l.vp.SetHeight(max(0, height))
	l.render(s)
}

// restyle forgets every wrapped line, for a palette change.
func (l *eventLog) restyle(s styles) {
	for i := range l.entries {
		l.entries[i].wrappedAt = 0
	}
	l.render(s)
}

// render rebuilds the viewport content: every entry is wrapped to the width
// with continuation lines indented past the timestamp, so nothing is cut.
// Entries keep their wrapped lines until the width or the palette changes.
func (l *eventLog) render(s styles) {
	if l.width <= 0 {
		return
	}
	var lines []string
	for i := range l.entries {
		e := &l.entries[i]
		if e.fetch && !l.showFetches {
			continue
		}
		if e.wrappedAt != l.width {
			e.lines, e.wrappedAt = l.wrap(s, *e), l.width
		}
		lines = append(lines, e.lines...)
	}
	l.vp.SetContentLines(lines)
	if l.follow {
		l.vp.GotoBottom()
	}
}

func (l *eventLog) wrap(s styles, e logEntry) []string {
	style := s.forLevel(e.level)
	prefix, indent := "", ""
	if !e.at.IsZero() {
		prefix = s.muted.Render(e.at.Format(timeFormat)) + " "
		indent = strings.Repeat(" ", len(timeFormat)+1)
	}
	textW := l.width - ansi.StringWidth(indent)
	if textW < 20 { // too narrow to indent: wrap the whole line instead
		prefix, indent, textW = "", "", l.width
		if !e.at.IsZero() {
			e.text = e.at.Format(timeFormat) + " " + e.text
		}
	}
	parts := strings.Split(ansi.Wrap(e.text, textW, "/"), "\n")
	out := make([]string, len(parts))
	for i, p := range parts {
		p = ansi.Truncate(p, textW, "") // Wrap may leave a trailing space
		lead := indent
		if i == 0 {
			lead = prefix
		}
		out[i] = lead + style.Render(p)
	}
	return out
}

func (l *eventLog) pageUp() {
	l.vp.PageUp()
	l.follow = l.vp.AtBottom()
}

func (l *eventLog) pageDown() {
	l.vp.PageDown()
	l.follow = l.vp.AtBottom()
}

func (l *eventLog) top() {
	l.vp.GotoTop()
	l.follow = l.vp.AtBottom()
}

func (l *eventLog) bottom() {
	l.vp.GotoBottom()
	l.follow = true
}

// hiddenBelow is how many wrapped lines lie below the visible part.
func (l eventLog) hiddenBelow() int {
	return max(0, l.vp.TotalLineCount()-l.vp.YOffset()-l.vp.Height())
}

// view renders the visible lines, exactly height lines tall.
func (l eventLog) view() string {
	if l.vp.Height() <= 0 {
		return ""
	}
	lines := strings.Split(l.vp.View(), "\n")
	for i, ln := range lines {
		lines[i] = ansi.Truncate(ln, l.width, "")
	}
	return strings.Join(lines, "\n")
}
