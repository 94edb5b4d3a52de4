package app

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPlayerLogSymlinkNotFollowed: a symlink planted as player.log does not
// make the TUI truncate its target.
func TestPlayerLogSymlinkNotFollowed(t *testing.T) {
	state := t.TempDir()
	victim := filepath.Join(t.TempDir(), "precious")
	if err := os.WriteFile(victim, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(state, "player.log")); err != nil {
		t.Fatal(err)
	}
	_, restore := divertStderr(state)
	restore()
	if data, _ := os.ReadFile(victim); string(data) != "keep me" {
		t.Errorf("the symlink's target now holds %q", data)
	}
}
