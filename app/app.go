// Package app is clusterplay as a program: it parses the settings, builds
// the running parts (engine, bus, relay, player, session, control socket,
// log) and runs the mode the settings ask for. main calls Run and nothing
// else.
//
// Data flows one way: config -> engine/relay -> events -> (ui | plain
// lines | JSON | socket | report); player events -> session -> engine.
package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/x/term"

	"clusterplay/cluster"
	"clusterplay/config"
	"clusterplay/events"
	"clusterplay/playback"
	"clusterplay/report"
	"clusterplay/variants"
)

// Exit codes: a stable contract for scripts, listed in the README.
const (
	exitOK        = 0                  // resolved (--print-url), or played to the end / quit by the user
	exitAllFailed = 1                  // every host failed
	exitUsage     = 2                  // usage or configuration error
	exitPlayback  = 3                  // playback failed and no host could take over
	exitVerdict   = report.ExitVerdict // the run went well, but a --fail-if condition held
	// 129, 130 and 141: see stop.go.
)

var version = "dev"

// Run is the whole program: it runs the command line args (without the
// program's name), writing to stdout and stderr, and returns the exit code.
func Run(args []string, stdout, stderr io.Writer) int {
	return run(args, stdout, stderr)
}

// app is one run: where its messages go, what stops it, its report at
// exit, and the running parts it built (embedded: a.engine is the run's
// engine). Every mode builds its parts with build (build.go).
type app struct {
	*parts // nil until the settings are loaded
	stdout io.Writer
	stderr io.Writer
	began  time.Time // when the run began, for the report
	stop   *stopper
	report *runReport // the report at exit; see exitreport.go
	// quitCode is the exit code a script asked for with quit CODE; -1
	// when none did.
	quitCode atomic.Int32
}

func newApp(stdout, stderr io.Writer) *app {
	a := &app{stdout: stdout, stderr: stderr, began: time.Now()}
	a.quitCode.Store(-1)
	return a
}

func (a *app) say(args ...any) {
	if a.parts != nil && a.cfg.Quiet && len(args) > 0 && args[0] == "warning:" {
		return // --quiet: errors only
	}
	// An error can carry a server's words: escaped as the events are.
	io.WriteString(a.stderr, events.Escape(fmt.Sprintln(append([]any{"clusterplay:"}, args...)...)))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "ctl" {
		return runCtl(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "relay" {
		return runRelay(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "steer" {
		return runSteer(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "report" {
		return runMerge(args[1:], stdout, stderr)
	}
	a := newApp(stdout, stderr)
	cfg, err := config.Load(args, os.Getenv)
	if code, done := a.loaded(cfg, err); done {
		return code
	}
	a.mode = playMode(cfg, isTerminal(stdout))
	if a.mode.plays() {
		// libmpv and the sound system write to file descriptor 2 behind
		// our back (some twenty ALSA lines where there is no sound
		// device, or over the TUI's screen): they go to player.log, and
		// clusterplay's own lines to the real stderr.
		real, restore := divertStderr(cfg.StateDir)
		defer restore()
		a.stderr = real
	}
	// The stopper outlives the report, so that a report written to a
	// stdout whose reader has gone fails with EPIPE rather than kill the
	// process by SIGPIPE.
	a.stop = newStopper()
	defer a.stop.close()
	code := a.runMode()
	if a.report == nil {
		return code // the run ended before its report began: the log could not be opened
	}
	// a.stderr is the real stderr, whatever file descriptor 2 is now.
	return a.report.write(code, a.bus, stdout, a.stderr, a.stop)
}

// runMode builds the parts the mode needs, runs the mode, closes the
// parts and returns the exit code.
func (a *app) runMode() int {
	defer a.close()
	if err := a.build(); err != nil {
		a.say(err)
		return a.finish(exitUsage)
	}
	ctx := a.stop.ctx
	switch a.mode {
	case modeResolve:
		if a.cfg.Quality == variants.List {
			return a.listQualities(ctx)
		}
		return a.resolveOnly(ctx)
	case modeTUI:
		return a.playInTUI(ctx)
	case modeRelay:
		return a.serveRelay()
	}
	return a.playHeadless(ctx)
}

// loaded takes the result of config.Load: help, version and mistakes end
// the run (done) with their code; notices are said.
func (a *app) loaded(cfg *config.Config, err error) (code int, done bool) {
	switch {
	case errors.Is(err, config.ErrHelp):
		fmt.Fprint(a.stdout, config.Usage())
		return exitOK, true
	case errors.Is(err, config.ErrVersion):
		fmt.Fprintln(a.stdout, config.Version(version))
		return exitOK, true
	case err != nil:
		a.say(err)
		return exitUsage, true
	}
	a.parts = &parts{cfg: cfg}
	for _, n := range cfg.Notices {
		a.say(n)
	}
	return 0, false
}

func (a *app) exitCode(o playback.Outcome) int {
	switch o {
	case playback.AllFailed:
		return exitAllFailed
	case playback.PlaybackFailed:
		return exitPlayback
	case playback.Interrupted:
		return a.stop.exit()
	}
	if code := a.quitCode.Load(); code >= 0 {
		return int(code) // quit CODE from the control socket
	}
	return exitOK
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// hostURLs are the hosts as the TUI shows them: with their secrets hidden,
// as the events name them.
func hostURLs(specs []cluster.HostSpec) []string {
	out := make([]string, len(specs))
	for i, s := range specs {
		out[i] = events.RedactURL(s.URL)
	}
	return out
}
