package app

import (
	"fmt"
	"io"
	"time"

	"clusterplay/cmcd"
	"clusterplay/config"
	"clusterplay/events"
	"clusterplay/report"
	"clusterplay/verdict"
)

// runReport is --report: the run's public events folded as they are
// published, written once the exit code is known. It reads its own
// subscription, as --json's printer does, so the two agree. --fail-if's
// conditions judge the same fold, with or without --report.
type runReport struct {
	path, format string // path "" = no report, "-" = stdout
	began        time.Time
	conditions   []verdict.Condition
	cmcd         *cmcd.Client // the run's CMCD session; nil without --cmcd
	summary      *report.Summary
	collected    chan struct{} // closed when the fold has seen the last event
}

func newRunReport(began time.Time, cfg *config.Config) *runReport {
	return &runReport{path: cfg.Report, format: cfg.ReportFormat, began: began, conditions: cfg.FailIf}
}

// wanted is whether anything reads the fold: a report, or conditions.
func (r *runReport) wanted() bool { return r.path != "" || len(r.conditions) > 0 }

// collect subscribes the fold to bus; called before anything is
// published, so it misses nothing. hosts are named as the events name
// them, secrets hidden.
func (r *runReport) collect(bus *events.Bus, hosts []string) {
	if !r.wanted() {
		return
	}
	r.summary = report.NewSummary(r.began, hosts)
	r.collected = make(chan struct{})
	go r.summary.Collect(bus.Subscribe(), r.collected)
}

// write closes bus (nil when the run ended before it existed), waits for
// the fold to see its last event, judges the run by --fail-if's
// conditions and writes the report of a run that exits with code. It
// returns the exit code: the run's own, or exitVerdict when the run's own
// was 0 and a condition holds. The report describes the run and never
// changes the code itself: a report that cannot be written is one line
// on stderr and the code stands. The one exception is a signal: the
// report is written through stop's lastWords, so a signal still ends a
// report that blocks, with the signal's code.
func (r *runReport) write(code int, bus *events.Bus, stdout, stderr io.Writer, stop *stopper) int {
	if !r.wanted() {
		return code
	}
	if bus != nil {
		bus.Close() // idempotent: most modes closed it in finish
	}
	if r.collected != nil {
		// The bus hands over what it holds and closes the channel; the
		// fold never blocks, so this cannot hang.
		<-r.collected
	}
	if r.summary == nil {
		r.summary = report.NewSummary(r.began, nil) // the run ended before any host was tried
	}
	doc := r.summary.Document(code, time.Now())
	if r.cmcd != nil {
		doc.CMCD = &report.CMCD{SessionID: r.cmcd.SessionID(), Mode: r.cmcd.Mode()}
	}
	if doc.Judge(r.conditions) && code == exitOK {
		code = exitVerdict
		doc.Totals.ExitCode = code
	}
	if r.path == "" {
		return code
	}
	write := func() error {
		if r.path == "-" {
			return doc.Write(stdout, r.format)
		}
		return writeFile(r.path, func(w io.Writer) error { return doc.Write(w, r.format) })
	}
	var err error
	if stop != nil {
		code, err = stop.lastWords(code, write)
	} else {
		err = write()
	}
	if err != nil {
		fmt.Fprintln(stderr, events.Escape("clusterplay: report not written: "+err.Error()))
	}
	return code
}

// writeFile writes in place rather than by rename, so that --report
// /dev/stderr or a named pipe work as they do for a shell's redirection.
// A named pipe is opened without waiting for a reader (openReport).
func writeFile(path string, write func(io.Writer) error) error {
	f, err := openReport(path)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
