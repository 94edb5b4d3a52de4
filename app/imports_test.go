package app

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsFlowOneWay keeps the data flow visible in the imports:
// config -> engine/relay -> events -> watch -> (ui | lines | JSON |
// socket | report); player events -> session -> engine. watch, the one
// fold of the events that the TUI, get_status and the exit code read,
// stands right after events and reads nothing else. A package may not
// import what lies downstream of it, and no package but the two commands imports
// app, which builds the running parts for every mode: clusterplay's main
// and the benchmark, which builds them in process through app.Build.
func TestImportsFlowOneWay(t *testing.T) {
	all := []string{"app", "clock", "cluster", "config", "control", "defaults", "demo", "events", "faults", "localhost", "logging",
		"loopback", "mpvnode", "playback", "player", "relay", "report", "ui", "video", "watch"}
	pureOfClock := []string{"app", "cluster", "config", "control", "defaults", "demo", "events", "faults", "localhost", "logging",
		"loopback", "mpvnode", "playback", "player", "relay", "report", "ui", "video", "watch", "abr"}
	forbidden := map[string][]string{
		"clock":    {"cluster", "config", "control", "events", "logging", "loopback", "playback", "player", "relay", "report", "ui", "watch"}, // time and chance: anyone may read them
		"events":   {"cluster", "config", "logging", "playback", "player", "report", "ui", "watch"},
		"logging":  {"cluster", "config", "playback", "player", "report", "ui", "watch"}, // beside events: anyone may log
		"watch":    {"cluster", "config", "control", "playback", "player", "relay", "report", "ui"},
		"cluster":  {"config", "playback", "player", "report", "ui", "watch"},
		"report":   {"cluster", "config", "playback", "player", "ui"},
		"ui":       {"cluster", "config", "playback", "player"},
		"control":  {"cluster", "config", "playback", "player", "ui"},
		"player":   {"cluster", "config", "events", "logging", "playback", "report", "ui", "watch"},
		"playback": {"config", "report", "ui", "watch"},
		"config":   {"app", "playback", "player", "relay", "report", "ui", "watch"}, // the parts' defaults are in defaults
		"relay":    {"app", "config", "playback", "player", "report", "ui", "watch"},

		// The bottom: words and default values every package may import,
		// importing nothing of clusterplay themselves.
		"defaults": all,
		"video":    all,
		"mpegts":   all, // a TS segment in, the same marked for a switch out
		"variants": all, // a manifest's variants and the quality names: bytes in, variants out

		// The shipped binary carries the demo's hosts, not the test fault kit.
		"demo":      {"loopback"},
		"localhost": {"cluster", "config", "events", "loopback", "playback", "player", "relay", "ui", "watch"},

		// mpv's node values: a leaf that both the socket and the player use.
		"mpvnode": all,
		// A fault plan is pure: parsed, matched and drawn, no I/O of ours.
		"faults": all,
		// The choice of a variant is pure: it reads the clock, nothing else.
		"abr": {"app", "cluster", "config", "control", "defaults", "demo", "events", "faults", "localhost", "logging",
			"loopback", "mpvnode", "playback", "player", "relay", "report", "ui", "video", "watch"},
		// The stream's own cluster is read by pure parts: manifests in,
		// pathways, BaseURLs and choices out; only the clock (and the
		// variants' attribute reader) below them.
		"steering":     pureOfClock,
		"dash":         pureOfClock,
		"hlsredundant": pureOfClock,
		// clusterplay steer says its requests as events, nothing more.
		"steerserver": {"app", "cluster", "config", "control", "playback", "player", "relay", "report", "ui", "watch"},
	}
	for _, pkg := range packagesBesideApp(t) {
		forbidden[pkg] = append(forbidden[pkg], "app")
	}
	for pkg, banned := range forbidden {
		files, err := filepath.Glob(filepath.Join("..", pkg, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", pkg, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range parsed.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				for _, b := range banned {
					if path == "clusterplay/"+b {
						t.Errorf("%s imports %s: data flows the other way", f, path)
					}
				}
			}
		}
	}
}

// packagesBesideApp lists every package directory of the module (a
// package added later included) but the commands allowed to import app:
// the module's root (main) and bench.
func packagesBesideApp(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		dir, _ := filepath.Rel("..", filepath.Dir(path))
		if dir != "." && dir != "app" && dir != "bench" {
			seen[filepath.ToSlash(dir)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []string
	for p := range seen {
		pkgs = append(pkgs, p)
	}
	return pkgs
}
