package app

import (
	"fmt"
	"io"
	"time"

	"clusterplay/config"
	"clusterplay/events"
	"clusterplay/report"
)

// runReport is --report: the run's public events folded as they are
// published, written once the exit code is known. It reads its own
// subscription, as --json's printer does, so the two agree.
type runReport struct {
	path, format string // path "" = no report, "-" = stdout
	began        time.Time
	summary      *report.Summary
	collected    chan struct{} // closed when the fold has seen the last event
}

func newRunReport(began time.Time, cfg *config.Config) *runReport {
	return &runReport{path: cfg.Report, format: cfg.ReportFormat, began: began}
}

// collect subscribes the fold to bus; called before anything is
// published, so it misses nothing. hosts are named as the events name
// them, secrets hidden.
func (r *runReport) collect(bus *events.Bus, hosts []string) {
	if r.path == "" {
		return
	}
	r.summary = report.NewSummary(r.began, hosts)
	r.collected = make(chan struct{})
	go r.summary.Collect(bus.Subscribe(), r.collected)
}

// write closes bus (nil when the run ended before it existed), waits for
// the fold to see its last event, and writes the report of a run that
// exits with code. It returns code unchanged: the report describes the
// run, it does not judge it, so a report that cannot be written is one
// line on stderr and the run's own code stands. The one exception is a
// signal: the report is written through stop's lastWords, so a signal
// still ends a report that blocks, with the signal's code.
func (r *runReport) write(code int, bus *events.Bus, stdout, stderr io.Writer, stop *stopper) int {
	if r.path == "" {
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
