package logging

import (
	"fmt"
	"os"
	"path/filepath"
)

// FileName is the log's name in the state dir, where it goes when a TUI
// owns the terminal and no --log-file was given.
const FileName = "clusterplay.log"

// DefaultPath is the log file of a TUI run: in the state dir, beside the
// failure memory; "" when there is no state dir.
func DefaultPath(stateDir string) string {
	if stateDir == "" {
		return ""
	}
	return filepath.Join(stateDir, FileName)
}

// OpenFile opens a log file for this run, replacing what an earlier run
// wrote (as mpv's --log-file does), so that it never grows past one run.
// It is created private (0600): it names the hosts a user watches from.
//
// The default file (inStateDir) gets its directory made (0700) when it is
// missing, and is opened without following a symlink, as the other state files are: a
// link planted there must not make clusterplay truncate its target. A
// path the user names is opened as the shell would open it, so
// /dev/stderr or a named pipe work.
func OpenFile(path string, inStateDir bool) (*os.File, error) {
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if inStateDir {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("log file: %w", err)
		}
		flags |= noFollow
	}
	f, err := os.OpenFile(path, flags, 0o600)
	if err != nil {
		return nil, fmt.Errorf("log file: %w", err)
	}
	if inStateDir {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Mode().Perm() != 0o600 {
			_ = f.Chmod(0o600) // an older file made with a looser umask
		}
	}
	return f, nil
}
