//go:build linux

package e2e

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestReadOnlyStateDir: a state dir that cannot be written is still read
// (the remembered host is skipped), never written, and said once. As root
// a mode bit does not stop a write, so the binary runs as nobody then.
func TestReadOnlyStateDir(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	refused := hosttest.Refused(t)
	base, err := os.MkdirTemp("", "clusterplay-ro-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(base)
	bin := filepath.Join(base, "clusterplay")
	copyFile(t, binary, bin)
	state := filepath.Join(base, "state")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	failedAt := time.Now().Add(-time.Second).UTC().Format(time.RFC3339Nano)
	doc := `{"version":1,"hosts":{"` + refused + `":{"failed_at":"` + failedAt + `","failures":1,"updated":"` + failedAt + `"}}}` + "\n"
	memFile := filepath.Join(state, "memory.json")
	if err := os.WriteFile(memFile, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--print-url", "--json", "--state-dir", state, "--failure-expiry", "1h",
		"--host", refused, "--host", good.URL, "clip.mp4")
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + base}
	if os.Geteuid() == 0 {
		for _, p := range []string{base, bin, state, memFile} {
			if err := os.Chown(p, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(base, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	if err := os.Chmod(state, 0o500); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if code := exitCodeOf(err); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if n := strings.Count(stderr.String(), "read-only"); n != 1 {
		t.Errorf("read-only said %d times, want once:\n%s", n, stderr.String())
	}
	if !strings.Contains(string(out), `"event":"skip"`) {
		t.Errorf("the remembered host was not skipped: the memory was not read\n%s", out)
	}
	after, _ := os.ReadFile(memFile)
	if string(after) != doc {
		t.Errorf("the memory file changed:\n%s", after)
	}
	if _, err := os.Lstat(filepath.Join(state, "memory.lock")); err == nil {
		t.Errorf("a lock file was created in a read-only dir")
	}
}

// TestNoStateDirSaysSo: with neither HOME nor XDG_STATE_HOME nor
// --state-dir, one line says the memory is off and why.
func TestNoStateDirSaysSo(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	cmd := exec.Command(binary, "--print-url", "--host", good.URL, "clip.mp4")
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	if code := exitCodeOf(err); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want := "clusterplay: warning: failure memory off: no state dir (set HOME, XDG_STATE_HOME or --state-dir)"
	if !strings.Contains(stderr.String(), want) || strings.Contains(stderr.String(), "mkdir") {
		t.Errorf("stderr:\n%s\nwant the line %q", stderr.String(), want)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
