//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris

package cluster

import (
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// The failure memory is locked with flock. Its lock belongs to the open
// file description, so two opens of the lock file in one process exclude
// each other as two processes do, and the kernel drops it when its holder
// dies, so a crashed clusterplay leaves no stale lock behind.

// noFollow opens a path without following a final symlink: a link planted
// in the state dir must not make clusterplay create or truncate its target.
const noFollow = unix.O_NOFOLLOW

// errReadOnlyFS is how the lock file's open fails on a read-only mount.
var errReadOnlyFS error = unix.EROFS

// dirWritable reports whether this process may create files in dir.
func dirWritable(dir string) bool { return unix.Access(dir, unix.W_OK) == nil }

func lockFileShared(f *os.File) error    { return flock(f, unix.LOCK_SH) }
func lockFileExclusive(f *os.File) error { return flock(f, unix.LOCK_EX) }
func unlockFile(f *os.File) error        { return flock(f, unix.LOCK_UN) }

func flock(f *os.File, how int) error {
	for {
		err := unix.Flock(int(f.Fd()), how)
		switch err {
		case nil:
			return nil
		case unix.EINTR: // a signal interrupted the wait; keep waiting
		default:
			return &fs.PathError{Op: "flock", Path: f.Name(), Err: err}
		}
	}
}
