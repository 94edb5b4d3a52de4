package report

import (
	"fmt"
	"io"
	"strings"

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
// when set, hears of the first such error. Plain lines carry the event's
// time, as the TUI's log does; keep, when set, chooses the events written
// (--quiet's errors).
func Print(ch <-chan events.Event, w io.Writer, f Format, done chan<- struct{}, broken func(error), keep func(events.Event) bool) {
	defer close(done)
	var failed bool
	hinted := map[string]bool{} // the hosts whose --insecure hint was shown
	for e := range ch {
		if failed || (keep != nil && !keep(e)) {
			continue
		}
		var err error
		if f == JSONLines {
			err = JSON(w, e)
		} else {
			_, err = fmt.Fprintln(w, e.Time.Local().Format(TimeFormat)+" "+Line(hintOnce(e, hinted)))
		}
		if err != nil {
			failed = true
			if broken != nil {
				broken(err)
			}
		}
	}
}

// hintOnce drops the --insecure hint from an event's error when it was
// shown for the host already: a line is read once, and a host retried
// pass after pass would repeat it on each.
func hintOnce(e events.Event, hinted map[string]bool) events.Event {
	if !strings.HasSuffix(e.Err, events.InsecureHint) {
		return e
	}
	if hinted[e.Host] {
		e.Err = strings.TrimSuffix(e.Err, events.InsecureHint)
	}
	hinted[e.Host] = true
	return e
}

// TimeFormat is how a plain line says when its event happened: to the
// millisecond, as attempts take milliseconds.
const TimeFormat = "15:04:05.000"

// IsError reports whether an event says something failed for good: no
// host answered, a playback ended in error, the machine ran short, events
// were lost. It is what --quiet prints.
func IsError(e events.Event) bool {
	switch e.Kind {
	case events.Failed, events.LocalError, events.Dropped:
		return true
	case events.End:
		return e.Reason == events.ReasonError
	}
	return false
}
