//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris

package cluster

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// tryLock asks for the store's lock without waiting, through an open of the
// lock file of its own, which flock treats as it would another process's.
// Waiting writers are exercised by TestConcurrentWritersLoseNothing; asking
// without waiting is what lets these tests see exclusion without timing.
func tryLock(t *testing.T, dir string, how int) error {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	err = unix.Flock(int(f.Fd()), how|unix.LOCK_NB)
	if err == nil {
		_ = unix.Flock(int(f.Fd()), unix.LOCK_UN)
	}
	return err
}

func TestExclusiveLockExcludesEveryoneElse(t *testing.T) {
	t.Parallel()
	s := &Store{dir: t.TempDir()}
	unlock, err := s.lock()
	if err != nil {
		t.Fatal(err)
	}
	if err := tryLock(t, s.dir, unix.LOCK_EX); !errors.Is(err, unix.EWOULDBLOCK) {
		t.Errorf("second exclusive lock while one is held: err = %v, want EWOULDBLOCK", err)
	}
	if err := tryLock(t, s.dir, unix.LOCK_SH); !errors.Is(err, unix.EWOULDBLOCK) {
		t.Errorf("shared lock while an exclusive one is held: err = %v, want EWOULDBLOCK", err)
	}
	unlock()
	if err := tryLock(t, s.dir, unix.LOCK_EX); err != nil {
		t.Errorf("exclusive lock after unlock: %v", err)
	}
}

func TestSharedLockAdmitsReadersOnly(t *testing.T) {
	t.Parallel()
	s := &Store{dir: t.TempDir()}
	unlock, err := s.rlock()
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if err := tryLock(t, s.dir, unix.LOCK_SH); err != nil {
		t.Errorf("second shared lock: %v", err)
	}
	if err := tryLock(t, s.dir, unix.LOCK_EX); !errors.Is(err, unix.EWOULDBLOCK) {
		t.Errorf("exclusive lock while a shared one is held: err = %v, want EWOULDBLOCK", err)
	}
}
