package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tmux drives the real binary in a real terminal.
type tmux struct {
	t       *testing.T
	session string
	socket  string
}

func newTmux(t *testing.T, width, height int, command string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is not installed: scripts/setup.sh installs it (apt-get install tmux)")
	}
	tm := &tmux{t: t, session: "clusterplay-test", socket: filepath.Join(t.TempDir(), "tmux.sock")}
	tm.run("new-session", "-d", "-s", tm.session, "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), command)
	tm.run("set-option", "-t", tm.session, "remain-on-exit", "on")
	t.Cleanup(func() { exec.Command("tmux", "-S", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *tmux) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (tm *tmux) screen() string { return tm.run("capture-pane", "-p", "-t", tm.session) }

// waitFor polls the screen until match holds, and returns that screen.
// tmux tells when output arrives, not when the screen shows what a test
// wants, so this captures the pane every 100 ms up to the deadline.
func (tm *tmux) waitFor(what string, within time.Duration, match func(string) bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(within)
	var s string
	for time.Now().Before(deadline) {
		if s = tm.screen(); match(s) {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	tm.t.Fatalf("waited %v for %s; screen:\n%s", within, what, s)
	return ""
}

var positionRE = regexp.MustCompile(`(\d+):(\d\d) / 0:06`)

func position(screen string) int {
	m := positionRE.FindStringSubmatch(screen)
	if m == nil {
		return -1
	}
	minutes, _ := strconv.Atoi(m[1])
	seconds, _ := strconv.Atoi(m[2])
	return minutes*60 + seconds
}

// TestDemoInTerminal runs `clusterplay --demo --no-video` in tmux: the
// failing attempts and the start appear, the playback bar moves, l flips
// load balancing, q exits 0 and the terminal is restored.
func TestDemoInTerminal(t *testing.T) {
	exitFile := filepath.Join(t.TempDir(), "exit")
	home := t.TempDir()
	cmd := exitsTo("env HOME="+home+" XDG_CONFIG_HOME="+home+" XDG_STATE_HOME="+home+" "+
		binary+" --demo --no-video", exitFile)
	tm := newTmux(t, 80, 24, cmd)

	screen := tm.waitFor("clip started", 30*time.Second, func(s string) bool { return strings.Contains(s, "clip started:") })
	for _, want := range []string{"attempting to connect:", "(refused)", "(timeout)", "load balancing: off"} {
		if !strings.Contains(screen, want) {
			t.Errorf("screen lacks %q:\n%s", want, screen)
		}
	}
	if n := strings.Count(screen, "connection failed to:"); n != 2 {
		t.Errorf("%d failed attempts shown, want 2:\n%s", n, screen)
	}

	first := position(tm.waitFor("a playback position", 10*time.Second, func(s string) bool { return position(s) >= 0 }))
	tm.waitFor("the playback bar to move", 10*time.Second, func(s string) bool { return position(s) > first })

	tm.run("send-keys", "-t", tm.session, "l")
	tm.waitFor("load balancing on", 5*time.Second, func(s string) bool { return strings.Contains(s, "load balancing: on") })

	tm.run("send-keys", "-t", tm.session, "q")
	if code := waitExitFile(t, tm, exitFile, 15*time.Second); code != "0" {
		t.Fatalf("exit status %q after q, want 0; screen:\n%s", code, tm.screen())
	}
	if alt := strings.TrimSpace(tm.run("display-message", "-p", "-t", tm.session, "#{alternate_on}")); alt != "0" {
		t.Errorf("terminal left in the alternate screen (alternate_on=%s)", alt)
	}
	if s := tm.screen(); strings.Contains(s, "load balancing:") {
		t.Errorf("the TUI is still on screen after exit:\n%s", s)
	}
}

// exited is the tmux channel the shell around the binary signals once it
// has written the exit status.
const exited = "clusterplay-exited"

// exitsTo wraps a shell command so that the shell writes its exit status
// to file, then signals exited.
func exitsTo(command, file string) string {
	return command + "; echo $? > " + file + "; tmux wait-for -S " + exited
}

// waitExitFile waits for the shell around the binary (see exitsTo) to
// write its exit status, and returns it.
func waitExitFile(t *testing.T, tm *tmux, path string, within time.Duration) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	// tmux remembers a signal that came before the wait.
	if out, err := exec.CommandContext(ctx, "tmux", "-S", tm.socket, "wait-for", exited).CombinedOutput(); err != nil {
		t.Fatalf("no exit within %v (%v %s); screen:\n%s", within, err, out, tm.screen())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
