package main

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsFlowOneWay keeps the data flow visible in the imports:
// config -> engine -> events -> (ui | plain lines | JSON); player events
// -> session -> engine. A package may not import what lies downstream of
// it.
func TestImportsFlowOneWay(t *testing.T) {
	all := []string{"cluster", "config", "control", "defaults", "demo", "events", "localhost", "logging",
		"loopback", "playback", "player", "relay", "report", "ui", "video"}
	forbidden := map[string][]string{
		"events":   {"cluster", "config", "logging", "playback", "player", "report", "ui"},
		"logging":  {"cluster", "config", "playback", "player", "report", "ui"}, // beside events: anyone may log
		"cluster":  {"config", "playback", "player", "report", "ui"},
		"report":   {"cluster", "config", "playback", "player", "ui"},
		"ui":       {"cluster", "config", "playback", "player"},
		"control":  {"cluster", "config", "playback", "player", "ui"},
		"player":   {"cluster", "config", "events", "logging", "playback", "report", "ui"},
		"playback": {"config", "report", "ui"},
		"config":   {"playback", "player", "relay", "report", "ui"}, // the parts' defaults are in defaults

		// The bottom: words and default values every package may import,
		// importing nothing of clusterplay themselves.
		"defaults": all,
		"video":    all,

		// The shipped binary carries the demo's hosts, not the test fault kit.
		"demo":      {"loopback"},
		"localhost": {"cluster", "config", "events", "loopback", "playback", "player", "relay", "ui"},
	}
	for pkg, banned := range forbidden {
		files, err := filepath.Glob(filepath.Join(pkg, "*.go"))
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
