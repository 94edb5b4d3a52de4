package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"clusterplay/loopback/hosttest"
)

// tuiCommand is clusterplay with args in a shell that starts in dir (a
// screenshot lands there), with its own homes, writing its exit status to
// the returned file (see exitsTo).
func tuiCommand(t *testing.T, dir string, args ...string) (cmd, exitFile string) {
	t.Helper()
	home := t.TempDir()
	exitFile = filepath.Join(t.TempDir(), "exit")
	return exitsTo("cd "+dir+" && env HOME="+home+" XDG_CONFIG_HOME="+home+" XDG_STATE_HOME="+home+" "+
		binary+" "+strings.Join(args, " "), exitFile), exitFile
}

// TestTUIAllHostsRefusedExitsOne: no host answers; the TUI stays open and
// says so, and q then exits 1, as a headless run would have.
func TestTUIAllHostsRefusedExitsOne(t *testing.T) {
	cmd, exitFile := tuiCommand(t, t.TempDir(), "--no-video", "--connect-count", "1",
		"--host", hosttest.Refused(t), "--host", hosttest.Refused(t), "clip.mp4")
	tm := newTmux(t, 100, 30, cmd)
	tm.waitFor("every host failed", 30*time.Second, func(s string) bool { return strings.Contains(s, "all hosts failed") })

	// Nothing plays: a seek says what to do instead of mpv's error.
	tm.run("send-keys", "-t", tm.session, "Right")
	screen := tm.waitFor("the seek refused", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "nothing plays: r tries the hosts again")
	})
	if strings.Contains(screen, "error running command") {
		t.Errorf("mpv's own error on screen:\n%s", screen)
	}

	tm.run("send-keys", "-t", tm.session, "q")
	if code := waitExitFile(t, tm, exitFile, 15*time.Second); code != "1" {
		t.Fatalf("exit status %q after q with every host refused, want 1; screen:\n%s", code, tm.screen())
	}
}

// TestTUIEndOfClipWaits: the demo's clip plays to its end and the TUI
// waits there: a seek is refused in words, space plays the clip again,
// q exits 0. On the way, s writes a screenshot to the current directory
// and ] speeds playback up.
func TestTUIEndOfClipWaits(t *testing.T) {
	dir := t.TempDir()
	cmd, exitFile := tuiCommand(t, dir, "--demo", "--no-video")
	tm := newTmux(t, 100, 30, cmd)
	tm.waitFor("clip started", 30*time.Second, func(s string) bool { return strings.Contains(s, "clip started:") })

	tm.run("send-keys", "-t", tm.session, "s")
	tm.waitFor("the screenshot's name", 10*time.Second, func(s string) bool {
		return strings.Contains(s, "screenshot saved: clusterplay-shot0001.jpg")
	})
	if fi, err := os.Stat(filepath.Join(dir, "clusterplay-shot0001.jpg")); err != nil || fi.Size() == 0 {
		t.Errorf("no screenshot in the current directory: %v", err)
	}
	tm.run("send-keys", "-t", tm.session, "]")
	tm.waitFor("the speed", 10*time.Second, func(s string) bool { return strings.Contains(s, "speed 1.10×") })

	screen := tm.waitFor("the end", 30*time.Second, func(s string) bool { return strings.Contains(s, "clip ended: eof") })
	for _, want := range []string{"0:06 / 0:06", "space/r: play again"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the end does not show %q:\n%s", want, screen)
		}
	}
	tm.run("send-keys", "-t", tm.session, "Up")
	screen = tm.waitFor("the seek refused", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "the clip has ended: space or r plays it again")
	})
	if strings.Contains(screen, "error running command") || strings.Contains(screen, "seek failed") {
		t.Errorf("a seek after the end reads as a failure:\n%s", screen)
	}

	tm.run("send-keys", "-t", tm.session, "Space")
	tm.waitFor("the clip again", 30*time.Second, func(s string) bool {
		i := strings.Index(s, "playing the clip again from the start")
		return i >= 0 && strings.Contains(s[i:], "clip started:")
	})

	tm.run("send-keys", "-t", tm.session, "q")
	if code := waitExitFile(t, tm, exitFile, 15*time.Second); code != "0" {
		t.Fatalf("exit status %q after q, want 0; screen:\n%s", code, tm.screen())
	}
}

// TestTUISuspendAndResume: ctrl+z gives the shell its screen back, fg
// brings the TUI back, and playback goes on where it was. The process
// stays stopped longer than the stall timeout: time it spent stopped is
// not the host's stall.
func TestTUISuspendAndResume(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("bash is not installed: job control needs an interactive shell")
	}
	home := t.TempDir()
	tm := newTmux(t, 100, 30, "env PS1='$ ' HISTFILE=/dev/null HOME="+home+" XDG_CONFIG_HOME="+home+" XDG_STATE_HOME="+home+
		" bash --norc --noprofile -i")
	tm.run("send-keys", "-t", tm.session, binary+" --demo --no-video --stall-timeout 2s", "Enter")
	tm.waitFor("clip started", 30*time.Second, func(s string) bool { return strings.Contains(s, "clip started:") })

	tm.run("send-keys", "-t", tm.session, "C-z")
	tm.waitFor("the shell", 10*time.Second, func(s string) bool { return strings.Contains(s, "Stopped") })
	if tm.alternate() {
		t.Errorf("suspended with the alternate screen on")
	}
	// Held past the stall timeout on purpose: what is tested is the time
	// the process spent stopped, which no event marks.
	time.Sleep(3 * time.Second)

	tm.run("send-keys", "-t", tm.session, "fg", "Enter")
	screen := tm.waitFor("the TUI back, and the clip's end", 30*time.Second, func(s string) bool {
		return strings.Contains(s, "load balancing:") && strings.Contains(s, "clip ended: eof")
	})
	if strings.Contains(screen, "failing over") || strings.Contains(screen, "stall") {
		t.Errorf("the time stopped was taken for a stall:\n%s", screen)
	}
	tm.run("send-keys", "-t", tm.session, "q")
	// Typed before the TUI has let go of the keyboard, the line would
	// reach it, not the shell.
	for deadline := time.Now().Add(15 * time.Second); tm.alternate(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the TUI did not leave after q:\n%s", tm.screen())
		}
	}
	tm.run("send-keys", "-t", tm.session, "echo exit=$?", "Enter")
	tm.waitFor("exit 0", 15*time.Second, func(s string) bool { return strings.Contains(s, "exit=0") })
}

// alternate reports whether the pane shows the alternate screen (a TUI).
func (tm *tmux) alternate() bool {
	return strings.TrimSpace(tm.run("display-message", "-p", "-t", tm.session, "#{alternate_on}")) == "1"
}
