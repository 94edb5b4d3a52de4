package report

import (
	"fmt"
	"io"

	"clusterplay/events"
)

// Format is how events are printed when no TUI shows them.
type Format int

const (
	// Plain prints the human sentence of each event, one a line.
	Plain Format = iota
	// JSONLines prints one JSON object a line.
	JSONLines
)

// Print writes every event from ch to w until ch is closed, then closes
// done. A write error (a closed pipe) stops the writing but not the
// draining, so the engine never waits on a reader that has gone; broken,
// when set, hears of the first such error.
func Print(ch <-chan events.Event, w io.Writer, f Format, done chan<- struct{}, broken func(error)) {
	defer close(done)
	var failed bool
	for e := range ch {
		if failed {
			continue
		}
		var err error
		if f == JSONLines {
			err = JSON(w, e)
		} else {
			_, err = fmt.Fprintln(w, Line(e))
		}
		if err != nil {
			failed = true
			if broken != nil {
				broken(err)
			}
		}
	}
}
