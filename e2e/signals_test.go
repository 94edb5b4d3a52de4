package e2e

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// memoryHolds reports whether the failure memory in state names host.
func memoryHolds(t *testing.T, state, host string) bool {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(state, "memory.json"))
	if err != nil {
		t.Logf("memory: %v", err)
		return false
	}
	return strings.Contains(string(data), host)
}

// startJSON starts a headless --json playback with its own state dir and
// returns the command, a reader of its lines and the state dir.
func startJSON(t *testing.T, args ...string) (*exec.Cmd, *bufio.Scanner, string) {
	t.Helper()
	state := t.TempDir()
	cmd := exec.Command(binary, append([]string{"--json", "--no-video", "--state-dir", state}, args...)...)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, bufio.NewScanner(stdout), state
}

func exitCodeOf(err error) int {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestSIGHUPEndsLikeSIGTERM: closing the terminal ends the playback with
// one end, writes the memory, and exits 129.
func TestSIGHUPEndsLikeSIGTERM(t *testing.T) {
	refused := hosttest.Refused(t)
	good := hosttest.Keep(t)(loopback.Throttled(media, int64(len(assets.Clip)/4)))
	cmd, lines, state := startJSON(t, "--failure-expiry", "1m", "--host", refused, "--host", good.URL, assets.ClipName)
	var last map[string]any
	ends := 0
	for lines.Scan() {
		var ev map[string]any
		if err := json.Unmarshal(lines.Bytes(), &ev); err != nil {
			t.Fatalf("not JSON: %q", lines.Text())
		}
		last = ev
		if ev["event"] == "start" {
			if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
				t.Fatal(err)
			}
		}
		if ev["event"] == "end" {
			ends++
		}
	}
	if code := exitCodeOf(cmd.Wait()); code != 129 {
		t.Errorf("exit %d after SIGHUP, want 129", code)
	}
	if last["event"] != "end" || last["reason"] != "quit" || ends != 1 {
		t.Errorf("last event %v, %d ends; want one end with reason quit", last, ends)
	}
	if !memoryHolds(t, state, refused) {
		t.Errorf("the refused host's failure was not written to the memory")
	}
}

// TestClosedStdoutEndsTheRun is `clusterplay --json ... | head -1`: the
// reader goes away after one line; the run ends like a quit, with the
// memory written, and exits 141.
func TestClosedStdoutEndsTheRun(t *testing.T) {
	refused := hosttest.Refused(t)
	good := hosttest.Keep(t)(loopback.Good(media))
	state := t.TempDir()
	cmd := exec.Command(binary, "--json", "--no-video", "--state-dir", state, "--failure-expiry", "1m",
		"--host", refused, "--host", good.URL, assets.ClipName)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	// Read as far as the refused host's failure (something the run has
	// learnt), then go away as head would.
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended before connect_failed: %v", err)
		}
		if strings.Contains(line, `"connect_failed"`) {
			break
		}
	}
	r.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if code := exitCodeOf(err); code != 141 {
			t.Errorf("exit %d with stdout closed, want 141", code)
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("still running 30 s after its reader went away")
	}
	if !memoryHolds(t, state, refused) {
		t.Errorf("the refused host's failure was not written to the memory")
	}
}

// TestPrintURLWrittenExitsZero: --print-url whose URL was written exits 0
// even when nobody reads the rest; with nobody reading at all, 141.
func TestPrintURLToAClosedPipe(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	cmd := exec.Command(binary, "--print-url", "--state-dir", t.TempDir(), "--host", good.URL, "clip.mp4")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = w
	r.Close() // nobody will ever read the URL
	err = cmd.Run()
	w.Close()
	if code := exitCodeOf(err); code != 141 {
		t.Errorf("exit %d with the URL unwritable, want 141", code)
	}
}

// TestMemorySurvivesSIGKILL: the memory is written as it changes, so a
// process killed without a word has kept what it learnt half a second
// before.
func TestMemorySurvivesSIGKILL(t *testing.T) {
	refused := hosttest.Refused(t)
	silent := hosttest.Keep(t)(loopback.Silent())
	cmd, lines, state := startJSON(t, "--failure-expiry", "1m", "--connect-timeout", "30s", "--race-delay", "off",
		"--host", refused, "--host", silent.URL, assets.ClipName)
	for lines.Scan() {
		if strings.Contains(lines.Text(), `"connect_failed"`) {
			break
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for !memoryHolds(t, state, refused) {
		if time.Now().After(deadline) {
			t.Fatal("the failure was not written within 10 s of connect_failed")
		}
		time.Sleep(50 * time.Millisecond) // the file has no event to await
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if !memoryHolds(t, state, refused) {
		t.Errorf("memory lost after SIGKILL")
	}
}
