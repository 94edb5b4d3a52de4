package app

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"clusterplay/cluster"
	"clusterplay/cmcd"
	"clusterplay/config"
	"clusterplay/demo"
	"clusterplay/events"
	"clusterplay/faults"
	"clusterplay/logging"
	"clusterplay/playback"
	"clusterplay/player"
	"clusterplay/relay"
	"clusterplay/ui"
	"clusterplay/variants"
)

// mode is what a run does. It is decided once, from the command and the
// settings, before anything is built; the builder reads it to know which
// parts the run needs.
type mode int

const (
	modeResolve  mode = iota // --print-url: resolve and print the URL, no player
	modeHeadless             // play, with the events as plain lines or JSON
	modeTUI                  // play in the terminal UI
	modeRelay                // clusterplay relay: the relay alone, for any player
	// modeInProcess plays as a headless run does but prints nothing: the
	// program that built the parts reads the bus (the benchmark, through
	// Build).
	modeInProcess
)

// playMode is the mode of a plain clusterplay run: the TUI when stdout is
// a terminal and nothing asked for output a script reads.
func playMode(cfg *config.Config, stdoutIsTerminal bool) mode {
	switch {
	case cfg.PrintURL || cfg.Quality == variants.List:
		return modeResolve
	case !cfg.JSON && !cfg.NoTUI && stdoutIsTerminal:
		return modeTUI
	}
	return modeHeadless
}

// plays is whether the mode needs a player, a session and the control
// socket.
func (m mode) plays() bool { return m == modeHeadless || m == modeTUI || m == modeInProcess }

// prints is whether the events go out as plain lines or JSON.
func (m mode) prints() bool { return m == modeResolve || m == modeHeadless || m == modeRelay }

// reports is whether --report is written at exit. The relay serves until
// it is stopped: it has no playback to report on.
func (m mode) reports() bool { return m == modeResolve || m == modeHeadless || m == modeTUI }

// needsClip is whether a run without a CLIP is a mistake: the TUI asks for
// one, and the relay takes none.
func (m mode) needsClip() bool { return m == modeResolve || m == modeHeadless || m == modeInProcess }

// parts are the running parts of one run: built by build in one order for
// every mode, closed by close in the reverse order.
type parts struct {
	cfg    *config.Config
	mode   mode
	log    *slog.Logger // the diagnostic log (logs.go); components are named from it
	notice string       // the demo's line for the TUI
	memory *cluster.Memory
	bus    *events.Bus
	// printed is closed when the plain or JSON printer has written the
	// last event; nil when the mode prints none.
	printed <-chan struct{}
	// tuiEvents and last are the TUI's readers: the screen's (private
	// events too) and the fold of how the latest playback ended.
	tuiEvents <-chan events.Event
	last      *lastPlayback
	engine    *cluster.Engine
	player    *player.Player
	frames    ui.FrameSource // the pane's pictures; nil without a pane
	relay     *relay.Relay   // nil when the run goes without one
	// qualityBitrate is the fixed --quality's variant's bandwidth, for
	// mpv without the relay (quality.go); 0 for auto.
	qualityBitrate int64
	// faults injects the --faults plan's faults, and those the socket's
	// inject and the TUI's key add, into the relay's requests and the
	// attempts (faults.go).
	faults  *faults.Injector
	session *playback.Session
	// controls is the one adapter the TUI's keys and the socket share, so
	// that a user's action is logged the same way from either.
	controls *controller
	// closers undo what build did, in the order it did it; close runs
	// them backwards.
	closers []func()
}

// build builds the parts a.mode needs, each step skipping what the mode
// does not need. The order is the same for every mode: the log first, so
// that every later part can log; the bus and its readers before anything
// that publishes, so that no reader misses an event; the engine before
// what drives it; the control socket last, once there is a session for it
// to drive. A failed step ends the build; close closes what was built.
func (a *app) build() error {
	for _, step := range []func() error{
		a.startLog, a.startReport, a.openMemory, a.requireClip, a.makeBus,
		a.makeEngine, a.startFlushing, a.checkQuality, // quality.go
		a.startPlayer, a.openPane, a.startRelay, a.makeSession, a.openControl, // playparts.go
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// close closes what build built, the last first: the control socket
// before the player it drives, the player before the demo's hosts it
// plays from, the log after every part that may log while it stops.
func (p *parts) close() {
	for i := len(p.closers) - 1; i >= 0; i-- {
		p.closers[i]()
	}
	p.closers = nil
}

func (p *parts) onClose(f func()) { p.closers = append(p.closers, f) }

// startLog opens the run's log and names the engine's from it. Under the
// TUI the log goes to a file: stderr is the screen.
func (a *app) startLog() error {
	log, closeLog, err := a.openLog(a.mode == modeTUI)
	if err != nil {
		return err
	}
	a.onClose(closeLog)
	a.log = log
	a.cfg.Cluster.Log = logging.For(log, logging.Cluster)
	return nil
}

// startReport begins --report's run report; it is written at exit, after
// the parts are closed (exitreport.go). It comes after the log: a run
// whose --log-file cannot be opened ends as a usage error with no report,
// as it always has.
func (a *app) startReport() error {
	if a.mode.reports() {
		a.report = newRunReport(a.began, a.cfg)
	}
	return nil
}

// memoryFlushInterval bounds how often the failure memory file is written.
const memoryFlushInterval = 500 * time.Millisecond

// openMemory starts the demo's hosts when asked, else opens the failure
// memory in the state dir. A memory that cannot be read is a warning: the
// run goes on with an empty one.
func (a *app) openMemory() error {
	cfg := a.cfg
	if cfg.Demo == "" {
		mem, err := cluster.OpenMemory(cfg.StateDir)
		if err != nil {
			a.say("warning:", err)
		}
		a.memory = mem
		return nil
	}
	d, err := demo.Start(cfg.Demo)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	a.onClose(func() { d.Close() })
	cfg.Hosts, a.notice = d.Hosts, d.Notice
	if cfg.Clip == "" {
		cfg.Clip = d.Clip
	}
	d.Apply(&cfg.Cluster)
	// The demo's hosts live on ports that change every run: nothing worth
	// remembering, and nothing to mix into the user's memory.
	a.memory = cluster.NewMemory()
	return nil
}

// requireClip refuses a run with nothing to play or resolve; it comes
// after the demo, which brings its own clip.
func (a *app) requireClip() error {
	if a.mode.needsClip() && a.cfg.Clip == "" {
		return errors.New("no CLIP given (see --help)")
	}
	return nil
}

// makeBus makes the event bus and subscribes the mode's readers at once:
// the report, the printer, the TUI's screen and its fold. Nothing has been
// published yet, so none of them misses an event.
func (a *app) makeBus() error {
	a.bus = events.NewBus()
	if a.report != nil {
		a.report.collect(a.bus, hostURLs(a.cfg.Hosts))
	}
	if a.mode.prints() {
		a.printed = a.printEvents()
	}
	if a.mode == modeTUI {
		a.followForTUI()
	}
	return nil
}

// makeEngine makes the cluster engine and checks what it will be asked
// for before any host is tried.
func (a *app) makeEngine() (err error) {
	cfg := a.cfg
	a.startFaults()
	// One CMCD session for the whole run: the probes', the relay's and
	// mpv's requests, and the report, name the same sid.
	cfg.Cluster.CMCD = cmcd.New(cfg.CMCD, cfg.CMCDContentID)
	if a.report != nil {
		a.report.cmcd = cfg.Cluster.CMCD
	}
	if c := cfg.Cluster.CMCD; c != nil && a.mode.plays() {
		// bl: the player's buffer, as its ticks say it.
		go followBuffer(a.bus.SubscribeAll(), c)
	}
	if a.engine, err = cluster.New(cfg.Hosts, cfg.Cluster, a.memory, a.bus); err != nil {
		return err
	}
	// A clip no host can be asked for is the user's mistake, said before
	// any host is tried, in every mode.
	for _, clip := range cfg.Clips {
		if err := a.engine.CheckClip(clip); err != nil {
			return err
		}
	}
	if a.mode == modeRelay && !hasHTTPHost(a.engine) {
		return errors.New("clusterplay relay needs an http or https host: RTMP is played directly")
	}
	return nil
}

// followBuffer hands the CMCD client the player's buffer from every tick,
// until the bus closes.
func followBuffer(ch <-chan events.Event, c *cmcd.Client) {
	for e := range ch {
		if e.Kind == events.Tick {
			c.SetBuffer(e.Cache)
		}
	}
}

// startFlushing writes the memory as it changes, not only at exit, so
// that even a SIGKILL loses at most half a second of what the run learnt.
func (a *app) startFlushing() error {
	a.onClose(a.engine.FlushEvery(memoryFlushInterval, func(err error) { a.say("warning:", err) }))
	return nil
}
