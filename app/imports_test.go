package app

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsFlowOneWay keeps the data flow visible in the imports:
// config -> engine/relay -> events -> watch -> (ui | lines | JSON |
// socket | report); player events -> session -> engine. A package may not
// import what lies downstream of it, and nothing but main imports app,
// which builds the running parts for every mode. watch, the one fold of
// the events that the TUI, get_status and the exit code read, stands
// right after events and reads nothing else.
func TestImportsFlowOneWay(t *testing.T) {
	forbidden := map[string][]string{
		"events":   {"cluster", "config", "logging", "playback", "player", "report", "ui", "watch"},
		"logging":  {"cluster", "config", "playback", "player", "report", "ui", "watch"}, // beside events: anyone may log
		"watch":    {"cluster", "config", "control", "playback", "player", "relay", "report", "ui"},
		"cluster":  {"config", "playback", "player", "report", "ui", "watch"},
		"report":   {"cluster", "config", "playback", "player", "ui"},
		"ui":       {"cluster", "config", "playback", "player"},
		"control":  {"cluster", "config", "playback", "player", "ui"},
		"player":   {"cluster", "config", "events", "logging", "playback", "report", "ui", "watch"},
		"playback": {"config", "report", "ui", "watch"},
		"config":   {"app", "player", "report", "ui", "watch"}, // it reads the engine's and the session's defaults
		"relay":    {"app", "config", "playback", "player", "report", "ui", "watch"},
	}
	for _, pkg := range []string{"events", "logging", "watch", "cluster", "report", "ui", "control", "player", "playback"} {
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
