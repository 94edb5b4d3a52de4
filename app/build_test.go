package app

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"clusterplay/config"
)

// TestPlayMode: the mode is decided once, from the settings and whether
// stdout is a terminal; anything a script reads keeps the TUI away.
func TestPlayMode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		cfg      config.Config
		terminal bool
		want     mode
	}{
		{"a terminal", config.Config{}, true, modeTUI},
		{"a pipe", config.Config{}, false, modeHeadless},
		{"--print-url on a terminal", config.Config{PrintURL: true}, true, modeResolve},
		{"--print-url --json", config.Config{PrintURL: true, JSON: true}, false, modeResolve},
		{"--json on a terminal", config.Config{JSON: true}, true, modeHeadless},
		{"--no-tui on a terminal", config.Config{NoTUI: true}, true, modeHeadless},
	} {
		if got := playMode(&tc.cfg, tc.terminal); got != tc.want {
			t.Errorf("%s: mode %d, want %d", tc.name, got, tc.want)
		}
	}
}

// loadForTest loads a command line with no environment: no config file,
// and the state in a directory of the test's own.
func loadForTest(t *testing.T, args ...string) *config.Config {
	t.Helper()
	cfg, err := config.Load(append([]string{"--state-dir", t.TempDir()}, args...), nil)
	if err != nil {
		t.Fatalf("config.Load(%q): %v", args, err)
	}
	return cfg
}

// appForTest is a run of mode m over cfg whose messages go to stderr.
func appForTest(t *testing.T, cfg *config.Config, m mode, stderr io.Writer) *app {
	t.Helper()
	a := newApp(io.Discard, stderr)
	a.parts = &parts{cfg: cfg, mode: m}
	a.stop = newStopper()
	t.Cleanup(a.stop.close)
	return a
}

// TestBuildWhatTheModeNeeds: the one builder builds, for the modes that
// need no libmpv, the parts the mode uses and no others. (The modes that
// play are built by the end-to-end tier, which has libmpv.)
func TestBuildWhatTheModeNeeds(t *testing.T) {
	t.Parallel()
	const host = "http://127.0.0.1:9/"
	for _, tc := range []struct {
		name               string
		mode               mode
		args               []string
		printer, relay     bool
		report, tuiReaders bool
	}{
		{"resolve", modeResolve, []string{"--print-url", "--host", host, "a.mp4"}, true, false, true, false},
		{"relay", modeRelay, []string{"--listen", "127.0.0.1:0", "--host", host}, true, true, false, false},
	} {
		a := appForTest(t, loadForTest(t, tc.args...), tc.mode, io.Discard)
		if err := a.build(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if a.log == nil || a.memory == nil || a.bus == nil || a.engine == nil {
			t.Errorf("%s: log, memory, bus or engine missing", tc.name)
		}
		if (a.printed != nil) != tc.printer || (a.relay != nil) != tc.relay || (a.report != nil) != tc.report ||
			(a.tuiEvents != nil) != tc.tuiReaders {
			t.Errorf("%s: printer %v, relay %v, report %v, TUI readers %v; want %v, %v, %v, %v", tc.name,
				a.printed != nil, a.relay != nil, a.report != nil, a.tuiEvents != nil,
				tc.printer, tc.relay, tc.report, tc.tuiReaders)
		}
		if a.player != nil || a.session != nil {
			t.Errorf("%s: a player or a session was built for a mode that does not play", tc.name)
		}
		a.finish(exitOK)
		a.close()
	}
}

// TestBuildStopsAtTheFirstMistake: a build that fails says why in the
// words the user reads, and what it built before is closed by close.
func TestBuildStopsAtTheFirstMistake(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		mode   mode
		args   []string
		want   string
		engine bool // the engine was built before the mistake
		report bool // the report at exit was begun before it
	}{
		{"no clip", modeHeadless, []string{"--host", "http://127.0.0.1:9/"}, "no CLIP given (see --help)", false, true},
		{"a relay with only RTMP hosts", modeRelay, []string{"--listen", "127.0.0.1:0", "--host", "rtmp://127.0.0.1:9/live"},
			"clusterplay relay needs an http or https host: RTMP is played directly", true, false},
		{"an unopenable log file", modeResolve, []string{"--print-url", "--log-file", "/nonexistent/dir/log", "--host", "http://127.0.0.1:9/", "a.mp4"},
			"/nonexistent/dir/log", false, false},
	} {
		a := appForTest(t, loadForTest(t, tc.args...), tc.mode, io.Discard)
		err := a.build()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: build says %v, want %q", tc.name, err, tc.want)
		}
		if (a.engine != nil) != tc.engine || (a.report != nil) != tc.report {
			t.Errorf("%s: engine built %v, report begun %v; want %v, %v", tc.name, a.engine != nil, a.report != nil, tc.engine, tc.report)
		}
		a.finish(exitUsage)
		a.close()
		if a.closers != nil {
			t.Errorf("%s: close left %d closers", tc.name, len(a.closers))
		}
	}
}

// TestCloseRunsBackwards: what was built last is closed first, so that a
// part never outlives what it uses.
func TestCloseRunsBackwards(t *testing.T) {
	t.Parallel()
	var order []int
	p := &parts{}
	for i := range 3 {
		p.onClose(func() { order = append(order, i) })
	}
	p.close()
	p.close() // a second close closes nothing twice
	if len(order) != 3 || order[0] != 2 || order[1] != 1 || order[2] != 0 {
		t.Errorf("closed in the order %v, want [2 1 0]", order)
	}
}

// TestCheckRelayArgs: clusterplay relay refuses a CLIP and an address
// off loopback unless --listen-public says so, before anything is built.
func TestCheckRelayArgs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cfg    config.Config
		want   string // "" = accepted
		listen string // the address it serves on when accepted
	}{
		{config.Config{}, "", defaultListen},
		{config.Config{Listen: "localhost:8080"}, "", "localhost:8080"},
		{config.Config{Listen: "[::1]:0"}, "", "[::1]:0"},
		{config.Config{Listen: "0.0.0.0:8080", ListenPublic: true}, "", "0.0.0.0:8080"},
		{config.Config{Listen: "0.0.0.0:8080"}, "is not a loopback address", ""},
		{config.Config{Listen: "8080"}, `--listen "8080"`, ""},
		{config.Config{Clip: "a.mp4"}, "takes no CLIP", ""},
	} {
		cfg := tc.cfg
		err := checkRelayArgs(&cfg)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: refused: %v", tc.cfg, err)
		case tc.want == "" && cfg.Listen != tc.listen:
			t.Errorf("%+v: serves on %q, want %q", tc.cfg, cfg.Listen, tc.listen)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: %v, want an error saying %q", tc.cfg, err, tc.want)
		}
	}
}

// TestQuietKeepsErrors: --quiet drops the warnings, never the errors, and
// a message said before the settings are loaded is said.
func TestQuietKeepsErrors(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	a := newApp(io.Discard, &out)
	a.say("before the settings")
	a.parts = &parts{cfg: &config.Config{Quiet: true}}
	a.say("warning:", "dropped")
	a.say("kept")
	if got, want := out.String(), "clusterplay: before the settings\nclusterplay: kept\n"; got != want {
		t.Errorf("said %q, want %q", got, want)
	}
}
