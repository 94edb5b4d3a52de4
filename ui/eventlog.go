package ui

import (
	"strings"
	"time"

	"clusterplay/report"

	"charm.land/lipgloss/v2"
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
	seq   int       // its place among all entries, fetch lines or not
	at    time.Time // zero: no timestamp (e.g. the start notice)
	text  string
	level level
	fetch bool // a fetched line: hidden unless asked for

	lines []string // the entry wrapped and styled at the log's width
}

// eventLog is the scrollable event panel over time-stamped lines. It
// follows the newest line until the user scrolls up, and follows again
// once scrolled back to the bottom. The relay's fetched lines come by the
// dozen a second during a DASH or HLS failover and would scroll the
// failover itself away: they are kept but hidden (the host table sums
// them up) until the user shows them.
//
// A line costs the same whatever the log holds: it is wrapped once when
// it comes (again only when the width or the palette changes), the
// oldest leaves from the front of its queue, and a view walks only the
// lines it shows. A cluster of thousands of hosts gives thousands of
// lines before the first frame; rebuilding the whole panel for each made
// the first frame wait half a minute.
type eventLog struct {
	others  []logEntry // the lines but the fetched ones, oldest first
	fetched []logEntry // the fetched lines, oldest first
	seq     int        // the next entry's seq
	// otherLines and fetchLines count the wrapped lines of each queue.
	otherLines, fetchLines int

	width, height int
	y             int  // the first line shown, counted over the lines shown
	follow        bool // y stays at the bottom as lines come
	showFetches   bool
}

func newEventLog() eventLog { return eventLog{follow: true} }

// add appends a line and keeps the newest visible when following.
func (l *eventLog) add(s styles, at time.Time, text string, lv level, fetch bool) {
	e := logEntry{seq: l.seq, at: at, text: text, level: lv, fetch: fetch}
	l.seq++
	if l.width > 0 {
		e.lines = l.wrap(s, e)
	}
	q, n := &l.others, &l.otherLines
	if fetch {
		q, n = &l.fetched, &l.fetchLines
	}
	*q = append(*q, e)
	*n += len(e.lines)
	if len(*q) > maxLogEntries {
		*n -= len((*q)[0].lines)
		(*q)[0] = logEntry{} // its strings go with it
		*q = (*q)[1:]
	}
	l.clamp()
}

// toggleFetches shows or hides the fetched lines, those before included.
func (l *eventLog) toggleFetches() {
	l.showFetches = !l.showFetches
	l.clamp()
}

// hiddenFetches is how many fetched lines are kept out of sight.
func (l *eventLog) hiddenFetches() int {
	if l.showFetches {
		return 0
	}
	return len(l.fetched)
}

// setSize resizes the panel (the title line is extra); a new width wraps
// every line again.
func (l *eventLog) setSize(s styles, width, height int) {
	width = max(1, width)
	l.height = max(0, height)
	if width != l.width {
		l.width = width
		l.rewrap(s)
	}
	l.clamp()
}

// restyle wraps every line again, for a palette change.
func (l *eventLog) restyle(s styles) {
	l.rewrap(s)
	l.clamp()
}

// rewrap wraps every entry to the width, with continuation lines indented
// past the timestamp, so nothing is cut.
func (l *eventLog) rewrap(s styles) {
	if l.width <= 0 {
		return
	}
	for _, q := range []struct {
		entries []logEntry
		n       *int
	}{{l.others, &l.otherLines}, {l.fetched, &l.fetchLines}} {
		*q.n = 0
		for i := range q.entries {
			q.entries[i].lines = l.wrap(s, q.entries[i])
			*q.n += len(q.entries[i].lines)
		}
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

// total is how many wrapped lines are shown, scrolled through or not.
func (l *eventLog) total() int {
	if l.showFetches {
		return l.otherLines + l.fetchLines
	}
	return l.otherLines
}

// maxY is the first line shown at the bottom.
func (l *eventLog) maxY() int { return max(0, l.total()-l.height) }

// clamp keeps y at the bottom when following, and never past it.
func (l *eventLog) clamp() {
	if l.follow || l.y > l.maxY() {
		l.y = l.maxY()
	}
}

// scrollTo moves the first line shown to y, within the lines, and follows
// again when that is the bottom.
func (l *eventLog) scrollTo(y int) {
	l.y = min(max(0, y), l.maxY())
	l.follow = l.y >= l.maxY()
}

func (l *eventLog) pageUp()   { l.scrollTo(l.y - l.height) }
func (l *eventLog) pageDown() { l.scrollTo(l.y + l.height) }
func (l *eventLog) top()      { l.scrollTo(0) }

func (l *eventLog) bottom() {
	l.y, l.follow = l.maxY(), true
}

// hiddenBelow is how many wrapped lines lie below the visible part.
func (l eventLog) hiddenBelow() int {
	return max(0, l.total()-l.y-l.height)
}

// view renders the visible lines, exactly height lines of width cells.
func (l eventLog) view() string {
	if l.height <= 0 {
		return ""
	}
	box := lipgloss.NewStyle().Width(l.width).Height(l.height).Render(strings.Join(l.visible(), "\n"))
	lines := strings.Split(box, "\n")
	for i, ln := range lines {
		lines[i] = ansi.Truncate(ln, l.width, "")
	}
	return strings.Join(lines, "\n")
}

// visible is the lines from y on, height at most. It walks back from the
// newest line, merging the two queues by seq, so that following the log
// costs the lines shown and no more.
func (l eventLog) visible() []string {
	skip := l.total() - l.y - l.height // lines below the window
	want := min(l.height, l.total()-l.y)
	if want <= 0 {
		return nil
	}
	out := make([]string, 0, want)
	i, j := len(l.others)-1, -1
	if l.showFetches {
		j = len(l.fetched) - 1
	}
	for len(out) < want && (i >= 0 || j >= 0) {
		var e *logEntry
		if j < 0 || (i >= 0 && l.others[i].seq > l.fetched[j].seq) {
			e, i = &l.others[i], i-1
		} else {
			e, j = &l.fetched[j], j-1
		}
		for k := len(e.lines) - 1; k >= 0 && len(out) < want; k-- {
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, e.lines[k])
		}
	}
	for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
		out[a], out[b] = out[b], out[a]
	}
	return out
}
