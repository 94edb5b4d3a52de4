package config

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

func TestVersionLine(t *testing.T) {
	build := func(version string, settings ...string) *debug.BuildInfo {
		info := &debug.BuildInfo{Main: debug.Module{Path: "clusterplay", Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			info.Settings = append(info.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return info
	}
	const rev = "b09f91e3c2d1aa55aa55aa55aa55aa55aa55aa55"
	tests := []struct {
		name    string
		stamped string
		info    *debug.BuildInfo
		want    string
	}{
		{"checkout, modified", "dev", build("v0.0.0-20260425163000-b09f91e3c2d1+dirty", "vcs.revision", rev, "vcs.modified", "true"),
			"clusterplay v0.0.0-20260425163000-b09f91e3c2d1+dirty (rev " + rev + ", modified)"},
		{"checkout, clean", "", build("v1.2.0", "vcs.revision", rev, "vcs.modified", "false"),
			"clusterplay v1.2.0 (rev " + rev + ")"},
		{"stamped at link time", "v2.0.0", build("(devel)", "vcs.revision", rev),
			"clusterplay v2.0.0 (rev " + rev + ")"},
		{"no VCS", "dev", build("(devel)"), "clusterplay (devel) (no revision recorded)"},
		{"no build info", "dev", nil, "clusterplay (devel) (no revision recorded)"},
	}
	for _, tt := range tests {
		if got := versionLine(tt.stamped, tt.info); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestCheckoutHead reads HEAD as git keeps it: a branch's ref file, a
// packed ref, a detached HEAD, and a worktree whose .git is a file.
func TestCheckoutHead(t *testing.T) {
	const a, b = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"
	write := func(path, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	repo := t.TempDir()
	git := filepath.Join(repo, ".git")
	write(filepath.Join(git, "HEAD"), "ref: refs/heads/main\n")
	write(filepath.Join(git, "refs", "heads", "main"), a+"\n")
	write(filepath.Join(git, "packed-refs"), "# pack-refs with: peeled fully-peeled sorted\n"+b+" refs/heads/side\n")
	if got := checkoutHead(filepath.Join(repo, "config")); got != a {
		t.Errorf("branch: %q, want %q", got, a)
	}
	write(filepath.Join(git, "HEAD"), "ref: refs/heads/side\n")
	if got := checkoutHead(repo); got != b {
		t.Errorf("packed ref: %q, want %q", got, b)
	}
	write(filepath.Join(git, "HEAD"), b+"\n")
	if got := checkoutHead(repo); got != b {
		t.Errorf("detached: %q, want %q", got, b)
	}
	// A worktree: its .git file names its own git directory, whose
	// commondir leads back to the repository's refs.
	wt := t.TempDir()
	wtGit := filepath.Join(git, "worktrees", "wt")
	write(filepath.Join(wt, ".git"), "gitdir: "+wtGit+"\n")
	write(filepath.Join(wtGit, "HEAD"), "ref: refs/heads/main\n")
	write(filepath.Join(wtGit, "commondir"), "../..\n")
	if got := checkoutHead(wt); got != a {
		t.Errorf("worktree: %q, want %q", got, a)
	}
	write(filepath.Join(git, "HEAD"), "ref: refs/heads/nowhere\n")
	if got := checkoutHead(repo); got != "" {
		t.Errorf("a branch with no commit: %q, want none", got)
	}
}
