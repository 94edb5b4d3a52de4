package ui

import (
	"fmt"
	"strings"
	"time"

	"clusterplay/events"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// hostState is what the table says about one host.
type hostState int

const (
	hostUntried    hostState = iota // never tried this session
	hostIdle                        // tried, neither failed nor serving (e.g. cancelled)
	hostConnecting                  // an attempt is in flight
	hostFailed                      // the last attempt failed
	hostRemembered                  // skipped: failed recently, remembered until expiry
	hostServing                     // the clip plays from this host
)

// hostRow is one configured host.
type hostRow struct {
	url       string
	state     hostState
	note      string        // label for hostIdle ("cancelled", "idle")
	connectAt time.Time     // time of the last connect event
	lastMS    time.Duration // duration of the last finished attempt; <0 none
	failures  int           // failures this session
	expiresAt time.Time     // end of the remembered failure; zero none
	phases    events.Phases // of the last attempt that reported any
}

// hostTable is the host list with each host's state, driven by events.
type hostTable struct {
	rows  []hostRow
	focus int // the row most recently touched, kept visible when rows are cut
}

func newHostTable(hosts []string) hostTable {
	t := hostTable{rows: make([]hostRow, len(hosts))}
	for i, h := range hosts {
		t.rows[i] = hostRow{url: h, lastMS: -1}
	}
	return t
}

// index finds the row an event refers to: by index when it is in range and
// agrees with the URL, else by URL. -1 when the host is not in the table.
func (t *hostTable) index(idx int, host string) int {
	if idx >= 0 && idx < len(t.rows) && (host == "" || t.rows[idx].url == host) {
		return idx
	}
	if host == "" {
		return -1
	}
	for i, r := range t.rows {
		if r.url == host {
			return i
		}
	}
	return -1
}

// serving returns the row that is serving, or -1.
func (t *hostTable) serving() int {
	for i, r := range t.rows {
		if r.state == hostServing {
			return i
		}
	}
	return -1
}

// setServing marks i serving; a previous serving host becomes idle.
func (t *hostTable) setServing(i int) {
	for j := range t.rows {
		if j != i && t.rows[j].state == hostServing {
			t.rows[j].state, t.rows[j].note = hostIdle, "idle"
		}
	}
	if i >= 0 {
		t.rows[i].state = hostServing
		t.rows[i].expiresAt = time.Time{}
		t.focus = i
	}
}

// apply folds one event into the table.
func (t *hostTable) apply(ev events.Event) {
	i := t.index(ev.Index, ev.Host)
	var r *hostRow
	if i >= 0 {
		r = &t.rows[i]
		t.focus = i
	}
	switch ev.Kind {
	case events.Connect:
		if r != nil {
			r.state, r.connectAt = hostConnecting, ev.Time
		}
	case events.HostFailed:
		if r != nil && r.state != hostServing {
			r.state = hostFailed
			r.failures++
			r.expiresAt = ev.ExpiresAt
		}
	case events.ConnectFailed:
		if r != nil {
			r.keepPhases(ev)
			r.state = hostFailed
			r.failures++
			r.lastMS = ev.Elapsed
			r.expiresAt = ev.ExpiresAt
		}
	case events.ConnectCancelled:
		if r != nil {
			r.keepPhases(ev)
			r.state, r.note = hostIdle, "cancelled"
			if !r.connectAt.IsZero() && ev.Time.After(r.connectAt) {
				r.lastMS = ev.Time.Sub(r.connectAt)
			}
		}
	case events.Skip:
		if r != nil {
			r.state = hostRemembered
			r.expiresAt = ev.ExpiresAt
			if r.expiresAt.IsZero() {
				r.expiresAt = ev.Time.Add(ev.ExpiryLeft)
			}
		}
	case events.Resolved:
		if r != nil {
			r.keepPhases(ev)
			switch {
			case !r.connectAt.IsZero() && !ev.Time.Before(r.connectAt):
				r.lastMS = ev.Time.Sub(r.connectAt)
			default:
				r.lastMS = ev.Elapsed
			}
			t.setServing(i)
		}
	case events.Failover:
		t.failover(r, ev)
	case events.Start:
		if r != nil && r.state != hostServing {
			t.setServing(i)
		}
	case events.Failed:
		for j := range t.rows {
			if t.rows[j].state == hostConnecting || t.rows[j].state == hostServing {
				t.rows[j].state = hostFailed
			}
		}
	case events.End:
		t.setServing(-1)
	}
}

// failover folds a failover from row r (nil: a host not in the table) to
// the event's ToHost.
func (t *hostTable) failover(r *hostRow, ev events.Event) {
	switch {
	case r != nil && ev.Class == events.ClassSwitch:
		r.state, r.note = hostIdle, "left" // by the user's choice, not failed
	case r != nil:
		r.state = hostFailed
		r.failures++
		r.expiresAt = ev.ExpiresAt
	}
	if to := t.index(ev.ToIndex, ev.ToHost); ev.ToHost != "" && to >= 0 {
		t.setServing(to)
	} else if r != nil {
		t.setServing(-1)
	}
}

// stateLabel is the STATE cell and its level at now.
func (r hostRow) stateLabel(now time.Time) (string, level) {
	switch r.state {
	case hostIdle:
		return r.note, levelMuted
	case hostConnecting:
		return "connecting", levelWarn
	case hostServing:
		return "serving", levelOK
	case hostFailed:
		if left := r.expiresAt.Sub(now); !r.expiresAt.IsZero() && left > 0 {
			return "failed " + countdown(left), levelBad
		}
		return "failed", levelBad
	case hostRemembered:
		if left := r.expiresAt.Sub(now); left > 0 {
			return "remembered " + countdown(left), levelWarn
		}
		return "failed", levelBad
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
// stand apart, where "LAST FAIL" read as one column.
const (
	colIdx   = 2
	colState = 16
	colLast  = 7
	colFail  = 6
)

// view renders the header and up to maxRows-1 host rows in width cells. When
// the hosts do not fit, a window around the focused row is shown and the
// last line says how many are hidden. The focused host's phases, when
// known, take the last line, as long as a row is left beside them.
func (t hostTable) view(s styles, now time.Time, width, maxRows int) string {
	if maxRows <= 0 || width <= 0 {
		return ""
	}
	detail := t.phasesLine()
	if detail == "" || maxRows < 3 || len(t.rows) == 0 {
		return t.rowsView(s, now, width, maxRows)
	}
	return t.rowsView(s, now, width, maxRows-1) + "\n" + s.muted.Render(ansi.Truncate("   "+detail, width, "…"))
}

// rowsView is the header and the rows, in maxRows lines.
func (t hostTable) rowsView(s styles, now time.Time, width, maxRows int) string {
	hostW := max(4, width-colIdx-colState-colLast-colFail-4)
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

	out := []string{s.header.Render(line(
		cell("#", colIdx, true), cell("HOST", hostW, false), cell("STATE", colState, false),
		cell("TOOK", colLast, true), cell("FAILS", colFail, true)))}
	if len(t.rows) == 0 {
		out = append(out, s.muted.Render(line("", "no hosts configured")))
		return strings.Join(out[:min(len(out), maxRows)], "\n")
	}

	first, last, hidden := t.window(maxRows - 1)
	for i := first; i < last; i++ {
		r := t.rows[i]
		label, lv := r.stateLabel(now)
		ms := "—"
		if r.lastMS >= 0 {
			ms = fmt.Sprintf("%dms", r.lastMS.Milliseconds())
		}
		fails := "0"
		if r.failures > 0 {
			fails = fmt.Sprint(r.failures)
		}
		hostStyle := s.text
		if r.state == hostServing {
			hostStyle = s.accent.Bold(true)
		}
		out = append(out, line(
			s.muted.Render(cell(fmt.Sprint(i), colIdx, true)),
			hostStyle.Render(cell(r.url, hostW, false)),
			s.forLevel(lv).Render(cell(label, colState, false)),
			cell(ms, colLast, true),
			s.forLevel(failLevel(r.failures)).Render(cell(fails, colFail, true)),
		))
	}
	if hidden > 0 {
		out = append(out, s.muted.Render(line(cell("", colIdx, false), fmt.Sprintf("… %d more hosts", hidden))))
	}
	return strings.Join(out, "\n")
}

// window picks which rows fit into n lines: [first,last) plus the number of
// hidden rows, which takes one of the n lines when non-zero.
func (t hostTable) window(n int) (first, last, hidden int) {
	total := len(t.rows)
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
// the focused host's phases when there are any.
func (t hostTable) height() int {
	h := 1 + max(1, len(t.rows))
	if t.phasesLine() != "" {
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
