//go:build unix

package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// errNoReader says why a report to a named pipe was not written.
var errNoReader = errors.New("a named pipe that no process reads")

// openReport opens the report's file for writing, created or truncated.
// A named pipe is opened with O_NONBLOCK: without it, open(2) waits for a
// reader for ever, where no signal reaches the run; with it, the open
// fails at once (ENXIO) when nobody reads, and the writes that follow go
// through Go's poller, so a reader that stalls blocks a goroutine, not
// the process (see stopper.lastWords).
func openReport(path string) (*os.File, error) {
	if fi, err := os.Stat(path); err == nil && fi.Mode()&fs.ModeNamedPipe != 0 {
		f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0)
		if errors.Is(err, syscall.ENXIO) {
			return nil, fmt.Errorf("%s: %w", path, errNoReader)
		}
		return f, err
	}
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
}
