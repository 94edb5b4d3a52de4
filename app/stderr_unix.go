//go:build unix

package app

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// divertStderr points file descriptor 2 at a log file while the TUI owns the
// terminal: libmpv's audio and GPU code write to stderr directly, whatever
// terminal=no says, and would scribble over the screen. It returns the real
// stderr for clusterplay's own messages, and a function that puts it back.
//
// It goes through x/sys/unix because the standard syscall package has no
// Dup2 on linux/arm64 (that kernel ABI only has dup3).
func divertStderr(stateDir string) (real *os.File, restore func()) {
	noop := func() {}
	saved, err := unix.Dup(2)
	if err != nil {
		return os.Stderr, noop
	}
	path := os.DevNull
	if stateDir != "" && os.MkdirAll(stateDir, 0o700) == nil {
		path = filepath.Join(stateDir, "player.log")
	}
	// O_NOFOLLOW: a symlink planted as player.log must not make the TUI
	// truncate whatever it points at.
	log, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		unix.Close(saved)
		return os.Stderr, noop
	}
	defer log.Close()
	if err := unix.Dup2(int(log.Fd()), 2); err != nil {
		unix.Close(saved)
		return os.Stderr, noop
	}
	real = os.NewFile(uintptr(saved), "stderr")
	return real, func() {
		_ = unix.Dup2(saved, 2)
		real.Close()
	}
}
