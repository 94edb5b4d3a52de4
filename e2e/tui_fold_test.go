package e2e

import (
	"strings"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestTUIFetchesSummedAndTheEndSaid: the demo's clip plays through the
// relay to its end. The fetch lines stay out of the event log (its title
// says so), the host table sums them up, i shows them, the bar says which
// end it was, and q exits 0.
func TestTUIFetchesSummedAndTheEndSaid(t *testing.T) {
	cmd, exitFile := tuiCommand(t, t.TempDir(), "--demo", "--no-video")
	tm := newTmux(t, 120, 32, cmd)
	screen := tm.waitFor("the end", 30*time.Second, func(s string) bool { return strings.Contains(s, "clip ended: eof") })
	for _, want := range []string{"ended (end of clip)", "(end of clip)", "RELAYED", "RATE", "hidden (i shows)"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the end does not show %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "fetched ") {
		t.Errorf("fetch lines in the log by default:\n%s", screen)
	}
	tm.run("send-keys", "-t", tm.session, "i")
	tm.waitFor("the fetch lines", 10*time.Second, func(s string) bool {
		return strings.Contains(s, "fetched ") && strings.Contains(s, "fetch lines shown (i hides)")
	})
	tm.run("send-keys", "-t", tm.session, "q")
	if code := waitExitFile(t, tm, exitFile, 15*time.Second); code != "0" {
		t.Fatalf("exit status %q after q, want 0; screen:\n%s", code, tm.screen())
	}
}

// TestTUIPlaylistExitsWithTheWorst: no host has the playlist's first
// clip, the second plays to its end; q exits 1, as the headless run of the
// same list does, not 0 for the last clip alone.
func TestTUIPlaylistExitsWithTheWorst(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(map[string][]byte{"clip.mp4": assets.Clip}))
	args := []string{"--no-video", "--connect-count", "1", "--host", good.URL, "missing.mp4", "clip.mp4"}
	if r := clusterplay(t, nil, append([]string{"--no-tui"}, args...)...); r.code != 1 {
		t.Fatalf("headless: exit %d, want 1 (the worst of the list); stderr:\n%s", r.code, r.stderr)
	}
	cmd, exitFile := tuiCommand(t, t.TempDir(), args...)
	tm := newTmux(t, 100, 30, cmd)
	tm.waitFor("the second clip's end", 40*time.Second, func(s string) bool {
		return strings.Contains(s, "all hosts failed") && strings.Contains(s, "clip ended: eof")
	})
	tm.run("send-keys", "-t", tm.session, "q")
	if code := waitExitFile(t, tm, exitFile, 15*time.Second); code != "1" {
		t.Fatalf("exit status %q after q, want 1 as headless; screen:\n%s", code, tm.screen())
	}
}
