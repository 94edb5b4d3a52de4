package app

import (
	"io"
	"log/slog"
	"os"

	"clusterplay/logging"
)

// openLog builds the run's logger from the log settings. The log goes to
// --log-file, else to stderr; but when the TUI owns the terminal, stderr
// is the screen, so it goes to clusterplay.log in the state dir instead. A
// --log-file that cannot be opened is the user's mistake (exit 2); a
// default file that cannot be is a warning, and the log is dropped.
func (a *app) openLog(useTUI bool) (*slog.Logger, func(), error) {
	lc := a.cfg.Log
	level, err := logging.ParseLevel(lc.Level)
	if err != nil {
		return nil, nil, err
	}
	filter, err := logging.ParseFilter(lc.Filter)
	if err != nil {
		return nil, nil, err
	}
	opts := logging.Options{Level: level, Filter: filter, JSON: lc.Format == "json"}
	var w io.Writer = a.stderr
	closeLog := func() {}
	switch {
	case lc.File != "":
		f, err := logging.OpenFile(lc.File, false)
		if err != nil {
			return nil, nil, err
		}
		w, closeLog = f, func() { f.Close() }
	case useTUI:
		path := logging.DefaultPath(a.cfg.StateDir)
		var f *os.File
		if path != "" {
			f, err = logging.OpenFile(path, true)
		}
		if f == nil {
			if err != nil {
				a.say("warning:", err, "(no log this run)")
			}
			return logging.Discard(), closeLog, nil
		}
		w, closeLog = f, func() { f.Close() }
	}
	return logging.New(w, opts), closeLog, nil
}
