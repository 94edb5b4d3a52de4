package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestTokensStayOutOfOutput: a token in a host's query is hidden in the
// events and kept out of the memory file; --print-url alone prints the
// URL whole, since that is its job.
func TestTokensStayOutOfOutput(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	refused := hosttest.Refused(t)
	state := t.TempDir()
	args := []string{"--print-url", "--state-dir", state, "--failure-expiry", "1m",
		"--host", refused + "/?token=T0P", "--host", good.URL + "/?sig=S1G", "clip.mp4?key=K3Y"}
	r := clusterplay(t, nil, append([]string{"--json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, secret := range []string{"T0P", "S1G", "K3Y"} {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("--json shows %s:\n%s", secret, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "token=REDACTED") {
		t.Errorf("no REDACTED where the token was:\n%s", r.stdout)
	}
	data, err := os.ReadFile(filepath.Join(state, "memory.json"))
	if err != nil || strings.Contains(string(data), "T0P") || !strings.Contains(string(data), refused) {
		t.Errorf("memory file (%v):\n%s", err, data)
	}
	plain := clusterplay(t, nil, args...)
	if want := good.URL + "/clip.mp4?sig=S1G&key=K3Y"; strings.TrimSpace(plain.stdout) != want {
		t.Errorf("--print-url printed %q, want the whole URL %q", plain.stdout, want)
	}
	if strings.Contains(plain.stderr, "S1G") || strings.Contains(plain.stderr, "T0P") {
		t.Errorf("event lines show a secret:\n%s", plain.stderr)
	}
}
