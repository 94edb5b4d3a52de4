// Package app is clusterplay as a program: it parses the settings, builds
// the running parts (engine, bus, relay, player, session, control socket,
// log) and runs the mode the settings ask for. main calls Run and nothing
// else.
//
// Data flows one way: config -> engine/relay -> events -> (ui | plain
// lines | JSON | socket | report); player events -> session -> engine.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/x/term"

	"clusterplay/cluster"
	"clusterplay/config"
	"clusterplay/demo"
	"clusterplay/events"
	"clusterplay/logging"
	"clusterplay/playback"
	"clusterplay/player"
	"clusterplay/report"
)

// Exit codes: a stable contract for scripts, listed in the README.
const (
	exitOK        = 0 // resolved (--print-url), or played to the end / quit by the user
	exitAllFailed = 1 // every host failed
	exitUsage     = 2 // usage or configuration error
	exitPlayback  = 3 // playback failed and no host could take over
	// 129, 130 and 141: see stop.go.
)

var version = "dev"

// Run is the whole program: it runs the command line args (without the
// program's name), writing to stdout and stderr, and returns the exit code.
func Run(args []string, stdout, stderr io.Writer) int {
	return run(args, stdout, stderr)
}

// app is what every mode shares: the configuration, the engine and its
// bus, and where messages go.
type app struct {
	cfg    *config.Config
	engine *cluster.Engine
	bus    *events.Bus
	notice string // the demo's line for the TUI
	stdout io.Writer
	stderr io.Writer
	stop   *stopper
	report *runReport // the report at exit; see exitreport.go
	// quitCode is the exit code a script asked for with quit CODE; -1
	// when none did.
	quitCode atomic.Int32
	log      *slog.Logger // the diagnostic log (logs.go); components are named from it
}

func (a *app) say(args ...any) {
	if a.cfg != nil && a.cfg.Quiet && len(args) > 0 && args[0] == "warning:" {
		return // --quiet: errors only
	}
	fmt.Fprintln(a.stderr, append([]any{"clusterplay:"}, args...)...)
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "ctl" {
		return runCtl(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "relay" {
		return runRelay(args[1:], stdout, stderr)
	}
	began := time.Now()
	a := &app{stdout: stdout, stderr: stderr}
	a.quitCode.Store(-1)
	cfg, err := config.Load(args, os.Getenv)
	if code, done := a.loaded(cfg, err); done {
		return code
	}
	useTUI := !cfg.PrintURL && !cfg.JSON && !cfg.NoTUI && isTerminal(stdout)
	if !cfg.PrintURL && !useTUI {
		// libmpv and the sound system write to file descriptor 2 behind
		// our back (some twenty ALSA lines where there is no sound
		// device): they go to player.log, and clusterplay's own lines to
		// the real stderr. The TUI does the same for its screen.
		real, restore := divertStderr(cfg.StateDir)
		defer restore()
		a.stderr = real
	}
	log, closeLog, err := a.openLog(useTUI)
	if err != nil {
		a.say(err)
		return exitUsage
	}
	defer closeLog()
	a.log = log
	cfg.Cluster.Log = logging.For(log, logging.Cluster)
	// The stopper outlives the report, so that a report written to a
	// stdout whose reader has gone fails with EPIPE rather than kill the
	// process by SIGPIPE.
	a.stop = newStopper()
	defer a.stop.close()
	a.report = newRunReport(began, cfg)
	code := a.start()
	// a.stderr is the real stderr, whatever file descriptor 2 is now.
	return a.report.write(code, a.bus, stdout, a.stderr)
}

// start runs the mode the configuration asks for and returns its exit code.
func (a *app) start() int {
	cfg := a.cfg
	mem, closeDemo, err := a.setUp()
	if err != nil {
		a.say(err)
		return exitUsage
	}
	defer closeDemo()

	useTUI := !cfg.PrintURL && !cfg.JSON && !cfg.NoTUI && isTerminal(a.stdout)
	if cfg.Clip == "" && !useTUI {
		a.say("no CLIP given (see --help)")
		return exitUsage
	}
	a.bus = events.NewBus()
	a.report.collect(a.bus, hostURLs(cfg.Hosts))
	if a.engine, err = cluster.New(cfg.Hosts, cfg.Cluster, mem, a.bus); err != nil {
		a.say(err)
		return exitUsage
	}
	// A clip no host can be asked for is the user's mistake, said before
	// any host is tried, in every mode.
	for _, clip := range cfg.Clips {
		if err := a.engine.CheckClip(clip); err != nil {
			a.say(err)
			return exitUsage
		}
	}
	ctx := a.stop.ctx
	// The memory is written as it changes, not only at exit, so that even
	// a SIGKILL loses at most half a second of what the session learnt.
	defer a.engine.FlushEvery(memoryFlushInterval, func(err error) { a.say("warning:", err) })()

	switch {
	case cfg.PrintURL:
		return a.resolveOnly(ctx)
	case useTUI:
		return a.playInTUI(ctx)
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
	a.cfg = cfg
	for _, n := range cfg.Notices {
		a.say(n)
	}
	return 0, false
}

// memoryFlushInterval bounds how often the failure memory file is written.
const memoryFlushInterval = 500 * time.Millisecond

// setUp starts the demo's hosts when asked, else opens the failure memory.
// The returned function stops the demo.
func (a *app) setUp() (*cluster.Memory, func(), error) {
	cfg := a.cfg
	if cfg.Demo == "" {
		mem, err := cluster.OpenMemory(cfg.StateDir)
		if err != nil {
			a.say("warning:", err)
		}
		return mem, func() {}, nil
	}
	d, err := demo.Start(cfg.Demo)
	if err != nil {
		return nil, nil, fmt.Errorf("demo: %w", err)
	}
	cfg.Hosts, a.notice = d.Hosts, d.Notice
	if cfg.Clip == "" {
		cfg.Clip = d.Clip
	}
	d.Apply(&cfg.Cluster)
	// The demo's hosts live on ports that change every run: nothing worth
	// remembering, and nothing to mix into the user's memory.
	return cluster.NewMemory(), func() { d.Close() }, nil
}

// printEvents prints the public events as JSON lines on stdout or as the
// original demo's sentences on stderr; the returned channel closes when
// the bus is closed and everything is written.
func (a *app) printEvents() <-chan struct{} {
	printed := make(chan struct{})
	if a.cfg.JSON {
		go report.Print(a.bus.Subscribe(), a.stdout, report.JSONLines, printed, a.stop.brokenOutput, nil)
	} else {
		var keep func(events.Event) bool
		if a.cfg.Quiet {
			keep = report.IsError
		}
		go report.Print(a.bus.Subscribe(), a.stderr, report.Plain, printed, a.stop.brokenOutput, keep)
	}
	return printed
}

// finish persists the failure memory, closes the event stream and waits
// until it is written out, then returns code.
func (a *app) finish(code int, printed <-chan struct{}) int {
	if err := a.engine.Flush(); err != nil {
		a.say("warning:", err)
	}
	a.bus.Close()
	if printed != nil {
		<-printed
	}
	return code
}

// resolveOnly is --print-url: resolve, print the URL (or only the events
// with --json), exit.
//
// Several CLIPs are resolved in turn, a URL a line in their order; a clip
// no host serves leaves an empty line, so that line n is still CLIP n, and
// makes the exit code 1.
func (a *app) resolveOnly(ctx context.Context) int {
	printed := a.printEvents()
	code := exitOK
	urls := make([]string, 0, len(a.cfg.Clips))
	for _, clip := range a.cfg.Clips {
		res, err := a.engine.Resolve(ctx, clip)
		switch {
		case ctx.Err() != nil:
			return a.finish(a.stop.exit(), printed)
		case errors.Is(err, cluster.ErrAllFailed):
			code = exitAllFailed
		case err != nil:
			a.say(err)
			return a.finish(exitUsage, printed)
		}
		urls = append(urls, res.PlayURL())
	}
	code = a.finish(code, printed)
	if a.stop.ctx.Err() != nil { // the JSON reader went away
		return a.stop.exit()
	}
	if !a.cfg.JSON {
		for _, u := range urls {
			if len(urls) == 1 && u == "" {
				break // one clip that no host serves: nothing to print
			}
			if _, err := fmt.Fprintln(a.stdout, u); err != nil {
				return exitBrokenPipe
			}
		}
	}
	return code
}

// playHeadless plays with the events printed, until the clip ends, every
// host fails, or a signal comes.
func (a *app) playHeadless(ctx context.Context) int {
	printed := a.printEvents()
	p, err := player.New(a.playerOptions(false))
	if err != nil {
		a.say("player:", err)
		return a.finish(exitUsage, printed)
	}
	defer p.Close()
	rel, closeRelay, err := a.startRelay()
	if err != nil {
		a.say(err)
		return a.finish(exitUsage, printed)
	}
	defer closeRelay()
	opts := playback.Options{Clip: a.cfg.Clip, Clips: a.cfg.Clips, Loop: a.cfg.Loop, Start: a.cfg.Player.Start,
		StallTimeout: a.cfg.StallTimeout, Relay: rel,
		Log: logging.For(a.log, logging.Playback)}
	session := playback.New(a.engine, p, opts)
	closeControl, err := a.listenControl(a.controller(session, p))
	if err != nil {
		a.say(err)
		return a.finish(exitUsage, printed)
	}
	defer closeControl()
	return a.finish(a.exitCode(session.Run(ctx)), printed)
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

// playerOptions maps the player settings, and lets the engine rather than
// ffmpeg decide about a failing host: no reconnect attempts of ffmpeg's own,
// and a network timeout past which the stall watchdog has long acted.
// playerOptions maps the player settings. Without the TUI there is no
// pane to draw into: the picture goes to the window (none, where no
// display answers), as before the pane existed.
func (a *app) playerOptions(tui bool) player.Options {
	cfg := a.cfg
	pc := cfg.Player
	video := player.Video(pc.Video)
	if !tui && (video == player.VideoAuto || video == player.VideoTerminal) {
		video = player.VideoWindow
	}
	return player.Options{
		NoVideo:        pc.NoVideo,
		Video:          video,
		PaneFPS:        pc.PaneFPS,
		VO:             pc.VO,
		AO:             pc.AO,
		Volume:         pc.Volume,
		Fullscreen:     pc.Fullscreen,
		MpvConfig:      pc.MpvConfig,
		Extra:          pc.Extra,
		NetworkTimeout: cfg.StallTimeout + cfg.Cluster.ConnectTimeout,
		StreamLavfO:    playback.NoReconnect,
		HTTPHeaders:    headerLines(cfg.HTTPHeaders),
		UserAgent:      cfg.UserAgent,
		Referer:        cfg.Referer,
		// On a terminal at the default level, mpv's own complaints (no
		// sound device) would stand between the event lines.
		QuietMPV: !tui && cfg.Log.File == "" && cfg.Log.Level == "warn",
		Log:      logging.For(a.log, logging.Player),
	}
}

func headerLines(kvs [][2]string) []string {
	out := make([]string, len(kvs))
	for i, kv := range kvs {
		out[i] = kv[0] + ": " + kv[1]
	}
	return out
}
