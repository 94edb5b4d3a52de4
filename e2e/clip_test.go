package e2e

import (
	"strings"
	"testing"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestUnusableClipExits2: an empty clip or one with a control character
// is refused with one line and exit 2 in every mode, before any host is
// tried (the host here would answer).
func TestUnusableClipExits2(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	modes := map[string][]string{
		"print-url":      {"--print-url"},
		"print-url json": {"--print-url", "--json"},
		"headless":       {"--no-tui", "--no-video"},
		"headless json":  {"--json", "--no-video"},
	}
	clips := map[string]string{
		"blank":   "   ",
		"newline": "clip\n.mp4",
		"tab":     "clip\t.mp4", // a NUL cannot travel in argv; the unit tests have it
		"escape":  "\x1b[31mclip.mp4",
	}
	for mode, flags := range modes {
		for name, clip := range clips {
			t.Run(mode+"/"+name, func(t *testing.T) {
				r := clusterplay(t, nil, append(flags, "--host", good.URL, clip)...)
				if r.code != 2 {
					t.Errorf("exit %d, want 2; stderr:\n%s", r.code, r.stderr)
				}
				lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
				if len(lines) != 1 || !strings.HasPrefix(lines[0], "clusterplay: ") || !strings.Contains(lines[0], "clip") {
					t.Errorf("stderr is not one line about the clip:\n%q", r.stderr)
				}
				if r.stdout != "" {
					t.Errorf("stdout %q: a host was tried or something printed", r.stdout)
				}
			})
		}
	}
}

// TestClipWithAColonIsAPath: "Show:S01E02.mp4" and "10:30.mp4" are paths
// on the host, not URLs of a scheme.
func TestClipWithAColonIsAPath(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(map[string][]byte{
		"Show:S01E02.mp4": files["clip.mp4"], "10:30.mp4": files["clip.mp4"], "Meeting 10:30.mp4": files["clip.mp4"],
	}))
	for clip, want := range map[string]string{
		"Show:S01E02.mp4":   good.URL + "/Show:S01E02.mp4",
		"10:30.mp4":         good.URL + "/10:30.mp4",
		"Meeting 10:30.mp4": good.URL + "/Meeting%2010:30.mp4",
	} {
		r := clusterplay(t, nil, "--print-url", "--host", good.URL, clip)
		if r.code != 0 || strings.TrimSpace(r.stdout) != want {
			t.Errorf("%q: exit %d, printed %q, want %q; stderr:\n%s", clip, r.code, r.stdout, want, r.stderr)
		}
	}
}
