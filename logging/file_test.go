//go:build unix

package logging

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestOpenFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	path := DefaultPath(dir)
	f, err := OpenFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("first run\n")
	f.Close()
	for _, p := range []string{dir, path} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if want := os.FileMode(0o600); p == dir && st.Mode().Perm() != 0o700 || p == path && st.Mode().Perm() != want {
			t.Errorf("%s: mode %v", p, st.Mode().Perm())
		}
	}
	// A later run starts the file afresh, and makes an old loose file private.
	os.Chmod(path, 0o644)
	f, err = OpenFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if st, _ := os.Stat(path); st.Size() != 0 || st.Mode().Perm() != 0o600 {
		t.Errorf("second open: size %d, mode %v; want empty and 0600", st.Size(), st.Mode().Perm())
	}

	// A symlink planted as the default file is not followed.
	target := filepath.Join(t.TempDir(), "precious")
	os.WriteFile(target, []byte("keep me"), 0o600)
	os.Remove(path)
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFile(path, true); !errors.Is(err, syscall.ELOOP) {
		t.Errorf("default file through a symlink: %v, want ELOOP", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Errorf("the link's target was changed: %q", b)
	}
	// A path the user names is opened as the shell would.
	if f, err := OpenFile(path, false); err != nil {
		t.Errorf("named path through a symlink: %v", err)
	} else {
		f.Close()
	}
	if DefaultPath("") != "" {
		t.Error("a default log file without a state dir")
	}
}
