package config

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is the line --version prints: clusterplay, the version, and the
// source revision it was built from, as the Go toolchain stamped them in
// the binary. stamped is a version set at link time (-X main.version);
// "" or "dev" leaves the module's. A build from a checkout reads
//
//	clusterplay v0.0.0-20260425163000-b09f91e3c2d1+dirty (rev b09f91e3c2d1…, modified)
//
// The toolchain stamps nothing with -buildvcs=false (some machines set it
// in GOFLAGS) or in a git worktree; the revision is then read from the
// checkout the binary was compiled in, while it is still there, and the
// line says so.
func Version(stamped string) string {
	info, _ := debug.ReadBuildInfo()
	v := versionLine(stamped, info)
	if !strings.Contains(v, "(no revision recorded)") {
		return v
	}
	// This file's path as compiled; relative under -trimpath, where the
	// checkout is not known.
	_, self, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(self) {
		return v
	}
	if rev := checkoutHead(filepath.Dir(filepath.Dir(self))); rev != "" {
		return strings.Replace(v, "(no revision recorded)", "(rev "+rev+" of the source checkout)", 1)
	}
	return v
}

// versionLine words the version of a build described by info (nil: none
// known).
func versionLine(stamped string, info *debug.BuildInfo) string {
	version := stamped
	if version == "dev" {
		version = ""
	}
	var rev string
	var modified bool
	if info != nil {
		if version == "" && info.Main.Version != "" {
			version = info.Main.Version // "(devel)" when the toolchain knows none
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if version == "" {
		version = "(devel)"
	}
	details := []string{"no revision recorded"}
	if rev != "" {
		details[0] = "rev " + rev
	}
	if modified {
		details = append(details, "modified")
	}
	return "clusterplay " + version + " (" + strings.Join(details, ", ") + ")"
}

// checkoutHead is the commit checked out in the git work tree at dir or
// above, read from the files as git keeps them (a worktree's .git file
// included); "" when there is none or it cannot be read.
func checkoutHead(dir string) string {
	for ; ; dir = filepath.Dir(dir) {
		if gitDir := gitDirAt(filepath.Join(dir, ".git")); gitDir != "" {
			return resolveHead(gitDir)
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}

// gitDirAt is the git directory that .git at path names: itself, or the
// directory a worktree's .git file points to.
func gitDirAt(path string) string {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return ""
	case fi.IsDir():
		return path
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	target, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir: ")
	if !ok {
		return ""
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(path), target)
	}
	return target
}

// resolveHead follows HEAD to a commit: a branch's ref file, in the
// worktree's own directory or the repository's, or its packed-refs line.
func resolveHead(gitDir string) string {
	head := readTrimmed(filepath.Join(gitDir, "HEAD"))
	ref, symbolic := strings.CutPrefix(head, "ref: ")
	if !symbolic {
		return commitID(head)
	}
	common := gitDir
	if c := readTrimmed(filepath.Join(gitDir, "commondir")); c != "" {
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		common = c
	}
	for _, d := range []string{gitDir, common} {
		if id := commitID(readTrimmed(filepath.Join(d, filepath.FromSlash(ref)))); id != "" {
			return id
		}
	}
	packed, _ := os.ReadFile(filepath.Join(common, "packed-refs"))
	for _, line := range strings.Split(string(packed), "\n") {
		if id, name, ok := strings.Cut(line, " "); ok && name == ref {
			return commitID(id)
		}
	}
	return ""
}

func readTrimmed(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}

// commitID is s when it is a full commit hash (SHA-1 or SHA-256), else "".
func commitID(s string) string {
	if len(s) != 40 && len(s) != 64 {
		return ""
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return ""
		}
	}
	return s
}
