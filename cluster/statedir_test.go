//go:build unix

package cluster

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestStateDirFiles covers what the state dir may hold that clusterplay
// did not put there, or that a killed clusterplay left behind.
func TestStateDirFiles(t *testing.T) {
	t.Run("symlinked lock is not followed", func(t *testing.T) {
		dir, target := t.TempDir(), filepath.Join(t.TempDir(), "victim")
		if err := os.Symlink(target, filepath.Join(dir, lockFile)); err != nil {
			t.Fatal(err)
		}
		m, _ := OpenMemory(dir)
		m.Failed("http://a/v", time.Now())
		if err := m.Flush(); err == nil {
			t.Errorf("flush through a symlinked lock succeeded")
		}
		if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the symlink's target was created: %v", err)
		}
	})
	t.Run("open state dir is made private", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "state")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, 0o755); err != nil { // past the umask
			t.Fatal(err)
		}
		OpenMemory(dir)
		if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
			t.Errorf("state dir mode %v, want 0700", st.Mode().Perm())
		}
	})
	t.Run("stale temporary files are removed", func(t *testing.T) {
		dir := t.TempDir()
		stale, fresh := filepath.Join(dir, stateFile+".tmp-1"), filepath.Join(dir, stateFile+".tmp-2")
		for _, p := range []string{stale, fresh} {
			if err := os.WriteFile(p, []byte("{"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		old := time.Now().Add(-2 * time.Minute)
		if err := os.Chtimes(stale, old, old); err != nil {
			t.Fatal(err)
		}
		OpenMemory(dir)
		if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a temp file 2 minutes old was kept")
		}
		if _, err := os.Stat(fresh); err != nil {
			t.Errorf("a fresh temp file (another writer's, mid-write) was removed: %v", err)
		}
	})
	t.Run("oversized file is refused quickly", func(t *testing.T) {
		dir := t.TempDir()
		big := `{"version":1,"hosts":{"http://a/":{"updated":"2026-01-01T00:00:00Z"}},"pad":"` + strings.Repeat("x", 80<<20) + `"}`
		if err := os.WriteFile(filepath.Join(dir, stateFile), []byte(big), 0o600); err != nil {
			t.Fatal(err)
		}
		// Refused by its size, before it is parsed: the warning says so.
		// (How fast that is belongs to no timed test on a shared machine.)
		_, err := OpenMemory(dir)
		var corrupt *CorruptStateError
		if !errors.As(err, &corrupt) || !strings.Contains(err.Error(), "larger than") {
			t.Errorf("an 80 MB memory file gave %v, want a warning that it is too large", err)
		}
	})
	t.Run("no state dir", func(t *testing.T) {
		m, err := OpenMemory("")
		if !errors.Is(err, ErrNoStateDir) || m == nil {
			t.Errorf("OpenMemory(\"\") = %v, %v", m, err)
		}
		m.Failed("http://a/v", time.Now())
		if err := m.Flush(); err != nil {
			t.Errorf("flush of a memory with no dir: %v", err)
		}
	})
}
