package cluster

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// Windows has no flock; LockFileEx locks a byte range of a handle instead.
// Locking every possible byte from offset 0 stands in for flock's whole-file
// lock. Like flock's, the lock belongs to the handle, so two opens of the
// lock file in one process exclude each other as two processes do, and
// Windows drops it when the handle is closed or its process dies. The range
// lock is mandatory, but only on memory.lock, which nobody reads.

const allBytes = ^uint32(0)

// noFollow is 0: Windows has no O_NOFOLLOW, and creating a symlink there
// takes a privilege the state dir's attacker would not have.
const noFollow = 0

// errReadOnlyFS never matches on Windows: a read-only location fails the
// lock file's open with a permission error.
var errReadOnlyFS = errors.New("read-only file system")

// dirWritable is true: Windows reports a directory it cannot write to when
// the lock file is opened.
func dirWritable(string) bool { return true }

func lockFileShared(f *os.File) error    { return lockFileEx(f, 0) }
func lockFileExclusive(f *os.File) error { return lockFileEx(f, windows.LOCKFILE_EXCLUSIVE_LOCK) }

func lockFileEx(f *os.File, flags uint32) error {
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, allBytes, allBytes, new(windows.Overlapped))
	if err != nil {
		return &fs.PathError{Op: "LockFileEx", Path: f.Name(), Err: err}
	}
	return nil
}

func unlockFile(f *os.File) error {
	err := windows.UnlockFileEx(windows.Handle(f.Fd()), 0, allBytes, allBytes, new(windows.Overlapped))
	if err != nil {
		return &fs.PathError{Op: "UnlockFileEx", Path: f.Name(), Err: err}
	}
	return nil
}
