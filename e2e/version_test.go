package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestVersionNamesTheRevision: built inside the git checkout, --version
// names the commit it was built from (issue 17), where it said "dev".
func TestVersionNamesTheRevision(t *testing.T) {
	out, err := exec.Command("git", "-C", "..", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD: %v (the test needs git and the project's checkout)", err)
	}
	rev := strings.TrimSpace(string(out))
	r := clusterplay(t, nil, "--version")
	if r.code != 0 {
		t.Fatalf("--version: exit %d, stderr %q", r.code, r.stderr)
	}
	line := strings.TrimSuffix(r.stdout, "\n")
	if strings.Count(r.stdout, "\n") != 1 || !strings.HasPrefix(line, "clusterplay ") {
		t.Errorf("--version printed %q, want one line beginning with clusterplay", r.stdout)
	}
	if !strings.Contains(line, rev) {
		t.Errorf("--version printed %q, which lacks the checkout's revision %s", line, rev)
	}
}
