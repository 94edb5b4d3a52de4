package ui

import (
	"fmt"
	"testing"
)

func TestPlanScreen(t *testing.T) {
	t.Parallel()
	const tableWant = 4 // three hosts and the head
	for _, tc := range []struct {
		w, h int
		pane bool
		want screenPlan
	}{
		{80, 24, false, screenPlan{colW: 80, tableRows: 4, logRows: 15}},
		{20, 8, false, screenPlan{colW: 20, tableRows: 2, logRows: 1}},
		{100, 30, true, screenPlan{paneCols: 100, paneRows: 14, colW: 100, tableRows: 4, logRows: 7}},
		{120, 40, true, screenPlan{paneCols: 120, paneRows: 21, colW: 120, tableRows: 4, logRows: 10}},
		{60, 15, true, screenPlan{paneCols: 60, paneRows: 3, colW: 60, tableRows: 4, logRows: 3}},
		{60, 14, true, screenPlan{colW: 60, tableRows: 4, logRows: 5}}, // too small for a pane: the log keeps its room
		{20, 8, true, screenPlan{colW: 20, tableRows: 2, logRows: 1}},
		{200, 50, true, screenPlan{side: true, paneCols: 143, paneRows: 40, colW: 56, tableRows: 4, logRows: 41}},
	} {
		t.Run(fmt.Sprintf("%dx%d pane=%v", tc.w, tc.h, tc.pane), func(t *testing.T) {
			t.Parallel()
			if got := planScreen(tc.w, tc.h, 1, tableWant, tc.pane, 16.0/9); got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestPlanScreenEverySize holds the rules at every size from 20x8 to
// 220x70: the parts fit, the log keeps its lines (or all it would have
// without a pane) before the pane gets any, and from 100x30 up the pane, the whole host table and a log of at
// least a fifth of the screen are all there.
func TestPlanScreenEverySize(t *testing.T) {
	t.Parallel()
	for _, tableWant := range []int{2, 4, 26} {
		for w := 20; w <= 220; w++ {
			for h := 8; h <= 70; h++ {
				p := planScreen(w, h, 1, tableWant, true, 16.0/9)
				alone := planScreen(w, h, 1, tableWant, false, 16.0/9)
				used := 1 + 2 + 1 + 1 + p.tableRows + p.logRows
				if !p.side {
					used += p.paneRows
				}
				cols := p.colW
				if p.side {
					cols += p.paneCols + 1
					if used > h || 1+p.paneRows+1 > h {
						t.Fatalf("%dx%d: %+v overflows", w, h, p)
					}
				}
				switch {
				case used > h || cols > w || p.tableRows < 0 || p.logRows < 0:
					t.Fatalf("%dx%d (table %d): %+v does not fit", w, h, tableWant, p)
				case p.paneRows > 0 && p.logRows < min(minLog, alone.logRows):
					t.Fatalf("%dx%d (table %d): the pane took the log's lines: %+v", w, h, tableWant, p)
				case w >= 100 && h >= 30 && tableWant <= 4 &&
					(p.paneRows < minPaneRows || p.tableRows != tableWant || p.logRows < h/5):
					t.Fatalf("%dx%d (table %d): pane, table or log short: %+v", w, h, tableWant, p)
				}
			}
		}
	}
}
