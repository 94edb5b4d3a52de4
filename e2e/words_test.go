package e2e

import (
	"regexp"
	"strings"
	"testing"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// eventLine is a plain event line: its time, then the sentence.
var eventLine = regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{3} \S`)

// TestPlainLinesAreOnlyOurs: --no-tui lines carry their time, and nothing
// else reaches the terminal: not libmpv's, not the sound system's (this
// machine has no sound device, which makes ALSA talk).
func TestPlainLinesAreOnlyOurs(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(media))
	r := clusterplay(t, nil, "--no-tui", "--host", hosttest.Refused(t), "--host", good.URL, assets.ClipName)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	for _, l := range lines {
		if !eventLine.MatchString(l) {
			t.Errorf("a line that is not clusterplay's event line: %q", l)
		}
	}
	if !strings.Contains(r.stderr, "connection failed to:") || !strings.Contains(r.stderr, "clip ended: eof") {
		t.Errorf("event lines missing:\n%s", r.stderr)
	}
}

// TestQuietSaysOnlyErrors: --quiet prints nothing for a run that went
// well (a refused host on the way is no error), and the failure of one
// that did not.
func TestQuietSaysOnlyErrors(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	refused := hosttest.Refused(t)
	ok := clusterplay(t, nil, "--print-url", "--quiet", "--host", refused, "--host", good.URL, "clip.mp4")
	if ok.code != 0 || ok.stderr != "" {
		t.Errorf("a good run: exit %d, stderr %q", ok.code, ok.stderr)
	}
	bad := clusterplay(t, nil, "--print-url", "-q", "--connect-count", "1", "--host", refused, "clip.mp4")
	lines := strings.Split(strings.TrimRight(bad.stderr, "\n"), "\n")
	if bad.code != 1 || len(lines) != 1 || !strings.Contains(lines[0], "all hosts failed") {
		t.Errorf("every host failed: exit %d, stderr %q", bad.code, bad.stderr)
	}
}
