package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"clusterplay/watch"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// hostTable renders the host rows the watch fold keeps: it keeps no
// state of its own but the row last touched, which stays in sight when
// the rows are cut. It reads the rows in place and renders only those
// shown, so that neither an event nor a frame costs more with thousands
// of hosts than with three.
type hostTable struct {
	fold  *watch.Fold
	focus int // the row most recently touched
	// faults are the faults the F key set, by row: what the user asked,
	// shown on the row while it is set.
	faults map[int]string
}

func newHostTable(fold *watch.Fold) hostTable { return hostTable{fold: fold} }

// len is how many rows there are; row is one of them.
func (t hostTable) len() int             { return t.fold.Len() }
func (t hostTable) row(i int) watch.Host { return t.fold.Host(i) }

// stateLabel is the STATE cell of r and its level at now.
func stateLabel(r watch.Host, now time.Time) (string, level) {
	left := watch.Until(r.ExpiresAt, now)
	switch r.StateAt(now) {
	case watch.Idle:
		if r.Left {
			return "left", levelMuted // by the user's choice, not failed
		}
		return "idle", levelMuted
	case watch.Cancelled:
		return "cancelled", levelMuted
	case watch.Connecting:
		return "connecting", levelWarn
	case watch.Serving:
		return "serving", levelOK
	case watch.Failed:
		if left > 0 {
			return "failed " + countdown(left), levelBad
		}
		return "failed", levelBad
	case watch.Skipped:
		return "remembered " + countdown(left), levelWarn
	}
	return "untried", levelMuted
}

// countdown shows time left in whole seconds, rounded up so it never shows
// 0s while the host is still remembered.
func countdown(d time.Duration) string {
	s := int((d + time.Second - 1) / time.Second)
	if s < 60 {
		return fmt.Sprintf("%ds", s)
	}
	return fmt.Sprintf("%dm%02ds", s/60, s%60)
}

// Column widths; the HOST column takes what is left. TOOK is how long the
// host's last attempt took, FAILS its failures this session: headers that
// stand apart, where "LAST FAIL" read as one column. RELAYED and RATE are
// what the relay fetched from the host and how fast, shown once it has
// fetched anything and where the HOST column keeps minHostRelay cells.
const (
	colIdx       = 2 // at least: idxWidth widens it to the largest index
	colState     = 16
	colLast      = 7
	colFail      = 6
	colBytes     = 7
	colRate      = 8
	minHostRelay = 24
)

// view renders the header and up to maxRows-1 host rows in width cells. When
// the hosts do not fit, a window around the focused row is shown and the
// last line says how many are hidden. The focused host's details (the
// phases of its last attempt, what was relayed from it where the table has
// no room for it), when known, take the last line, as long as a row is
// left beside them.
func (t hostTable) view(s styles, now time.Time, width, maxRows int) string {
	if alts := t.pathwayLines(s, now, width); len(alts) > 0 && maxRows-len(alts) >= 2 {
		// The stream's own alternatives below the hosts (pathways.go).
		return t.hostsView(s, now, width, maxRows-len(alts)) + "\n" + strings.Join(alts, "\n")
	}
	return t.hostsView(s, now, width, maxRows)
}

// hostsView is the hosts' part of view.
func (t hostTable) hostsView(s styles, now time.Time, width, maxRows int) string {
	if maxRows <= 0 || width <= 0 {
		return ""
	}
	relay := t.relayColumns(width)
	detail := t.detailLine(!relay)
	if !t.hasDetail() || maxRows < 3 || t.len() == 0 {
		return t.rowsView(s, now, width, maxRows, relay)
	}
	return t.rowsView(s, now, width, maxRows-1, relay) + "\n" + s.muted.Render(ansi.Truncate("   "+detail, width, "…"))
}

// idxWidth is the # column's width: the largest index fits whole (it
// was cut to "1…" from 100 on).
func (t hostTable) idxWidth() int {
	return max(colIdx, len(strconv.Itoa(t.len()-1)))
}

// relayColumns says whether RELAYED and RATE are shown at width.
func (t hostTable) relayColumns(width int) bool {
	if width-t.idxWidth()-colState-colLast-colFail-colBytes-colRate-6 < minHostRelay {
		return false
	}
	return t.fold.Fetched()
}

// rowsView is the header and the rows, in maxRows lines.
func (t hostTable) rowsView(s styles, now time.Time, width, maxRows int, relay bool) string {
	idxW := t.idxWidth()
	hostW := max(4, width-idxW-colState-colLast-colFail-4)
	if relay {
		hostW -= colBytes + colRate + 2
	}
	cell := func(str string, w int, right bool) string {
		str = ansi.Truncate(str, w, "…")
		if right {
			return lipgloss.PlaceHorizontal(w, lipgloss.Right, str)
		}
		return lipgloss.PlaceHorizontal(w, lipgloss.Left, str)
	}
	line := func(parts ...string) string {
		return ansi.Truncate(strings.Join(parts, " "), width, "")
	}

	head := []string{cell("#", idxW, true), cell("HOST", hostW, false), cell("STATE", colState, false),
		cell("TOOK", colLast, true), cell("FAILS", colFail, true)}
	if relay {
		head = append(head, cell("RELAYED", colBytes, true), cell("RATE", colRate, true))
	}
	out := []string{s.header.Render(line(head...))}
	if t.len() == 0 {
		out = append(out, s.muted.Render(line("", "no hosts configured")))
		return strings.Join(out[:min(len(out), maxRows)], "\n")
	}

	first, last, hidden := t.window(maxRows - 1)
	for i := first; i < last; i++ {
		r := t.row(i)
		label, lv := stateLabel(r, now)
		ms := "—"
		if r.Took >= 0 {
			ms = fmt.Sprintf("%dms", r.Took.Milliseconds())
		}
		hostStyle := s.text
		if r.State == watch.Serving {
			hostStyle = s.accent.Bold(true)
		}
		cells := []string{
			s.muted.Render(cell(strconv.Itoa(i), idxW, true)),
			hostStyle.Render(cell(t.hostCell(i, r, now, hostW), hostW, false)),
			s.forLevel(lv).Render(cell(label, colState, false)),
			cell(ms, colLast, true),
			s.forLevel(failLevel(r.Failures)).Render(cell(fmt.Sprint(r.Failures), colFail, true)),
		}
		if relay {
			bytes, rate := relayCells(r)
			cells = append(cells, cell(bytes, colBytes, true), cell(rate, colRate, true))
		}
		out = append(out, line(cells...))
	}
	if hidden > 0 {
		out = append(out, s.muted.Render(line(cell("", idxW, false), fmt.Sprintf("… %d more hosts", hidden))))
	}
	return strings.Join(out, "\n")
}

// faultShown is how long a row shows the last fault injected into a
// request of its host.
const faultShown = 5 * time.Second

// hostCell is the HOST cell of row i: its URL, shortened to leave room
// for the fault the F key set on it or, else, the last fault a plan
// injected into it, while it is recent.
func (t hostTable) hostCell(i int, r watch.Host, now time.Time, w int) string {
	f := t.faults[i]
	if f == "" && r.Fault != "" && now.Sub(r.FaultAt) < faultShown {
		f, _, _ = strings.Cut(r.Fault, " ") // the action's verb: status, stall, ...
		f = "fault " + f
	}
	if f == "" {
		return shortURL(r.URL, w)
	}
	tag := " [" + f + "]"
	return shortURL(r.URL, max(4, w-len(tag))) + tag
}

// relayCells are a row's RELAYED and RATE cells.
func relayCells(r watch.Host) (bytes, rate string) {
	if r.Fetches == 0 {
		return "—", "—"
	}
	rate = "—"
	if tp := r.Throughput(); tp > 0 {
		rate = shortBytes(tp) + "/s"
	}
	return shortBytes(float64(r.Bytes)), rate
}

// shortBytes shows a byte count in at most five cells: 999B, 12.3K, 123K,
// 4.5M, 1.2G.
func shortBytes(n float64) string {
	for _, u := range []string{"B", "K", "M", "G"} {
		switch {
		case n < 100 && u != "B":
			return fmt.Sprintf("%.1f%s", n, u)
		case n < 1000:
			return fmt.Sprintf("%.0f%s", n, u)
		}
		n /= 1024
	}
	return fmt.Sprintf("%.0fT", n)
}

// window picks which rows fit into n lines: [first,last) plus the number of
// hidden rows, which takes one of the n lines when non-zero.
func (t hostTable) window(n int) (first, last, hidden int) {
	total := t.len()
	if n <= 0 {
		return 0, 0, 0
	}
	if total <= n {
		return 0, total, 0
	}
	shown := max(1, n-1)
	focus := min(max(t.focus, 0), total-1)
	first = max(0, min(focus-shown/2, total-shown))
	return first, first + shown, total - shown
}

// height is how many lines the table wants: header plus every host, and
// the focused host's details when there are any.
func (t hostTable) height() int {
	h := 1 + max(1, t.len())
	if n := len(t.fold.Pathways()); n > 0 {
		h += 1 + n
	}
	if t.hasDetail() {
		h++
	}
	return h
}

func failLevel(n int) level {
	if n > 0 {
		return levelBad
	}
	return levelMuted
}
