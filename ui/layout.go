package ui

import "strings"

// screenPlan says where each part of the screen goes. The header and the
// help footer always span the whole width; between them sit the picture
// pane and a column holding the host table, the playback bar (or the clip
// prompt), the events title and the event log.
type screenPlan struct {
	side               bool // the pane left of the column, not above it
	paneCols, paneRows int  // 0 rows: no pane
	colW               int  // the column's width
	tableRows, logRows int
}

const (
	// minLog is the event log's share that outlasts everything else but
	// the table's first rows: the log is what the picture is read beside.
	minLog = 3
	// minPaneRows is the smallest pane worth showing (six pixel rows).
	minPaneRows = 3
	// minSideCol is how wide the column beside a pane must stay for the
	// playback bar and the host table to read.
	minSideCol = 56
)

// planScreen lays out a w x h screen whose help footer is helpH lines and
// whose host table wants tableWant rows. Without a pane the table takes
// what it wants as long as the log keeps minLog lines. With one, the pane
// goes above the column or, where the screen is wide enough for that to
// give a larger picture, left of it; above, it takes only what is left
// once the table and a quarter of the screen for the log are served, so
// as the screen gets smaller the pane shrinks, then goes, before the log.
func planScreen(w, h, helpH, tableWant int, withPane bool, aspect float64) screenPlan {
	rest := max(0, h-1-2-1-helpH) // header, bar, events title, help
	plain := screenPlan{colW: max(1, w)}
	plain.tableRows, plain.logRows = share(rest, tableWant, minLog)
	if !withPane {
		return plain
	}
	best := planTop(w, h, rest, tableWant, aspect)
	if side := planSide(w, h-1-helpH, rest, tableWant, aspect); pictureArea(side, aspect) > pictureArea(best, aspect) {
		best = side
	}
	if best.paneRows == 0 {
		return plain
	}
	return best
}

// share splits rows between the table, up to want, and the log, which
// keeps logMin lines unless the table would get fewer than two (its head
// and the host that matters most).
func share(rows, want, logMin int) (table, log int) {
	table = max(0, min(want, max(min(2, rows), rows-logMin)))
	return table, rows - table
}

// planTop puts the pane above the column, as tall as the picture at the
// full width needs and no taller than what the table and the log leave.
func planTop(w, h, rest, tableWant int, aspect float64) screenPlan {
	logMin := max(minLog, h/4)
	table, _ := share(rest, min(tableWant, max(4, (rest-logMin)/2)), logMin)
	rows := rest - table - logMin
	rows = fitPicture(w, rows, aspect).Y / 2
	if rows < minPaneRows {
		return screenPlan{}
	}
	return screenPlan{paneCols: w, paneRows: rows, colW: max(1, w), tableRows: table, logRows: rest - table - rows}
}

// planSide puts the pane left of the column, as wide as the picture at
// the full height between header and footer needs, leaving the column
// minSideCol cells and one between.
func planSide(w, colH, rest, tableWant int, aspect float64) screenPlan {
	pic := fitPicture(w-minSideCol-1, colH, aspect)
	if pic.Y/2 < minPaneRows {
		return screenPlan{}
	}
	p := screenPlan{side: true, paneCols: pic.X, paneRows: pic.Y / 2, colW: w - pic.X - 1}
	p.tableRows, p.logRows = share(rest, tableWant, minLog)
	return p
}

// pictureArea is how many pixels of picture a plan shows.
func pictureArea(p screenPlan, aspect float64) int {
	pic := fitPicture(p.paneCols, p.paneRows, aspect)
	return pic.X * pic.Y
}

// beside sets left (lines of leftW cells) and right side by side, one
// cell apart, in rows lines.
func beside(left []string, leftW int, right []string, rows int) string {
	rl := strings.Split(strings.Join(right, "\n"), "\n")
	blank := strings.Repeat(" ", leftW)
	out := make([]string, max(0, rows))
	for i := range out {
		l, r := blank, ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(rl) {
			r = rl[i]
		}
		out[i] = l + " " + r
	}
	return strings.Join(out, "\n")
}
