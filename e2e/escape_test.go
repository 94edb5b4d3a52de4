package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// A server's words reach the terminal as text, never as the terminal's
// commands: an RTMP server's error, a certificate's names and a
// redirect's Location are shown with their escapes, bidi controls and C1
// bytes escaped, on the plain lines and in the decoded --json strings
// alike (jq -r prints a string raw).

// unsafeIn says what in s a terminal would act on rather than show: a C0
// control but tab and newline, DEL, a C1 control, a byte that is not
// UTF-8, a bidi control. "" when there is none.
func unsafeIn(s string) string {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return fmt.Sprintf("the stray byte 0x%02x at %d", s[i], i)
		case r == '\t' || r == '\n':
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			return fmt.Sprintf("the control %U at %d", r, i)
		case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			return fmt.Sprintf("the bidi control %U at %d", r, i)
		}
		i += size
	}
	return ""
}

// checkPlain checks a --no-tui run's stderr: nothing raw, every escape
// shown.
func checkPlain(t *testing.T, stderr string, escaped ...string) {
	t.Helper()
	if bad := unsafeIn(stderr); bad != "" {
		t.Errorf("stderr holds %s:\n%q", bad, stderr)
	}
	for _, e := range escaped {
		if !strings.Contains(stderr, e) {
			t.Errorf("stderr does not show %s:\n%s", e, stderr)
		}
	}
}

// checkJSON checks a --json run's stdout: every decoded string is safe,
// and together they show every escape.
func checkJSON(t *testing.T, stdout string, escaped ...string) {
	t.Helper()
	var all strings.Builder
	for _, ev := range decodeLines(t, stdout) {
		for _, s := range stringsIn(ev) {
			if bad := unsafeIn(s); bad != "" {
				t.Errorf("event %v: a decoded string holds %s: %q", ev["event"], bad, s)
			}
			all.WriteString(s + "\n")
		}
	}
	for _, e := range escaped {
		if !strings.Contains(all.String(), e) {
			t.Errorf("no decoded JSON string shows %s:\n%s", e, stdout)
		}
	}
}

// stringsIn is every string in a decoded JSON value.
func stringsIn(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case map[string]any:
		var out []string
		for k, x := range v {
			out = append(out, k)
			out = append(out, stringsIn(x)...)
		}
		return out
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, stringsIn(x)...)
		}
		return out
	}
	return nil
}

// failingRun runs clusterplay once over host with one attempt and no
// memory, and expects exit 1 (every host failed).
func failingRun(t *testing.T, mode string, host string) result {
	t.Helper()
	r := clusterplay(t, nil, mode, "--no-video", "--connect-count", "1", "--failure-expiry", "0",
		"--connect-timeout", "5s", "--host", host, "clip.mp4")
	if r.code != 1 {
		t.Fatalf("%s: exit %d, want 1 (every host failed); stderr:\n%s", mode, r.code, r.stderr)
	}
	return r
}

func TestHostileRTMPErrorIsEscaped(t *testing.T) {
	h := hosttest.Keep(t)(loopback.HostileRTMP(loopback.HostileText))
	shown := []string{`\x1b]52;c;aGFja2Vk\x07`, `\x1b]0;owned\x07`, `\x1b[2J`, `\u202eevil`, `\u0085`, `\x9b31m`}
	checkPlain(t, failingRun(t, "--no-tui", h.URL).stderr, shown...)
	checkJSON(t, failingRun(t, "--json", h.URL).stdout, shown...)
}

func TestHostileCertificateNamesAreEscaped(t *testing.T) {
	names := []string{"evil\x1b]52;c;aGFja2Vk\x07.example", "x\x1b[2J\x1b]0;owned\x07.example"}
	h := hosttest.Keep(t)(loopback.HostileTLS(names, "cn\u202e\u0085"))
	shown := []string{"certificate is valid for", `evil\x1b]52;c;aGFja2Vk\x07.example`, `x\x1b[2J\x1b]0;owned\x07.example`}
	checkPlain(t, failingRun(t, "--no-tui", h.URL).stderr, shown...)
	checkJSON(t, failingRun(t, "--json", h.URL).stdout, shown...)
}

func TestHostileRedirectIsEscaped(t *testing.T) {
	nowhere := hosttest.Refused(t) // the redirect's target refuses: no playback needed
	h := hosttest.Keep(t)(loopback.RedirectTo(nowhere + "/clip.mp4?name=\u202eevil\u0085\x9b31m\u2066"))
	shown := []string{"redirected:", `\u202eevil\u0085\x9b31m\u2066`}
	checkPlain(t, failingRun(t, "--no-tui", h.URL).stderr, shown...)
	checkJSON(t, failingRun(t, "--json", h.URL).stdout, `\u202eevil\u0085\x9b31m\u2066`)
}

// TestHostileTextInATerminal: in a real terminal (tmux), a hostile RTMP
// server's error neither retitles the pane, nor sets the clipboard (OSC
// 52, which this tmux is told to accept), nor clears the screen, with
// --no-tui and in the TUI.
func TestHostileTextInATerminal(t *testing.T) {
	h := hosttest.Keep(t)(loopback.HostileRTMP(loopback.HostileText))
	for _, mode := range []string{"--no-tui", "--no-video"} { // --no-video alone: the TUI
		t.Run(mode, func(t *testing.T) {
			home, exitFile := t.TempDir(), filepath.Join(t.TempDir(), "exit")
			cmd := "tmux wait-for " + goChannel + "; " + exitsTo("env HOME="+home+" XDG_CONFIG_HOME="+home+
				" XDG_STATE_HOME="+home+" "+binary+" "+mode+" --no-video --connect-count 1 --failure-expiry 0 --host "+
				h.URL+" clip.mp4", exitFile)
			tm := newTmux(t, 200, 30, cmd)
			tm.run("set-option", "-g", "set-clipboard", "on")
			tm.run("set-option", "-g", "allow-rename", "on")
			title := tm.run("display-message", "-p", "-t", tm.session, "#{pane_title}")
			tm.run("wait-for", "-S", goChannel)
			screen := tm.waitFor("the refusal", 30*time.Second, func(s string) bool {
				return strings.Contains(s, "all hosts failed")
			})
			if mode != "--no-tui" {
				tm.run("send-keys", "-t", tm.session, "q")
			}
			waitExitFile(t, tm, exitFile, 15*time.Second)
			for _, want := range []string{"attempting to connect:", `\x1b]0;owned\x07`} {
				if !strings.Contains(screen, want) {
					t.Errorf("the screen lacks %q (cleared, or the escape acted):\n%s", want, screen)
				}
			}
			if now := tm.run("display-message", "-p", "-t", tm.session, "#{pane_title}"); strings.Contains(now, "owned") {
				t.Errorf("the pane was retitled %q (was %q)", now, title)
			}
			if buffers := tm.run("list-buffers"); strings.TrimSpace(buffers) != "" {
				t.Errorf("the clipboard was set: %q", buffers)
			}
		})
	}
}

// goChannel is the tmux channel that lets the pane's command start once
// the server's options are set.
const goChannel = "clusterplay-go"
