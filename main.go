// Command clusterplay plays a clip from the first host of a cluster that
// answers, and keeps playing when that host dies.
//
// main wires the packages together and nothing else: config -> engine ->
// events -> (ui | plain lines | JSON); winning URL -> player -> player
// events -> engine (failover).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"

	"clusterplay/cluster"
	"clusterplay/config"
	"clusterplay/demo"
	"clusterplay/playback"
	"clusterplay/player"
	"clusterplay/report"
	"clusterplay/ui"
)

// Exit codes: a stable contract for scripts, listed in the README.
const (
	exitOK          = 0   // resolved (--print-url), or played to the end / quit by the user
	exitAllFailed   = 1   // every host failed
	exitUsage       = 2   // usage or configuration error
	exitPlayback    = 3   // playback failed and no host could take over
	exitInterrupted = 130 // Ctrl-C or SIGTERM
)

var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	say := func(a ...any) { fmt.Fprintln(stderr, append([]any{"clusterplay:"}, a...)...) }
	cfg, err := config.Load(args, os.Getenv)
	switch {
	case errors.Is(err, config.ErrHelp):
		fmt.Fprint(stdout, config.Usage())
		return exitOK
	case errors.Is(err, config.ErrVersion):
		fmt.Fprintln(stdout, "clusterplay", version)
		return exitOK
	case err != nil:
		say(err)
		return exitUsage
	}
	for _, n := range cfg.Notices {
		say(n)
	}

	var mem *cluster.Memory
	var notice string
	if cfg.Demo != "" {
		d, err := demo.Start(cfg.Demo)
		if err != nil {
			say("demo:", err)
			return exitUsage
		}
		defer d.Close()
		cfg.Hosts, notice = d.Hosts, d.Notice
		if cfg.Clip == "" {
			cfg.Clip = d.Clip
		}
		d.Apply(&cfg.Cluster)
		// The demo's hosts live on ports that change every run: nothing
		// worth remembering, and nothing to mix into the user's memory.
		mem = cluster.NewMemory()
	} else {
		if mem, err = cluster.OpenMemory(cfg.StateDir); err != nil {
			say("warning:", err)
		}
	}

	useTUI := !cfg.PrintURL && !cfg.JSON && !cfg.NoTUI && isTerminal(stdout)
	if cfg.Clip == "" && !useTUI {
		say("no CLIP given (see --help)")
		return exitUsage
	}
	engine, err := cluster.New(cfg.Hosts, cfg.Cluster, mem)
	if err != nil {
		say(err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// Without the TUI, events are printed: JSON lines on stdout, or the
	// original demo's sentences on stderr.
	printed := make(chan struct{})
	switch {
	case useTUI:
		close(printed)
	case cfg.JSON:
		go report.Print(engine.Events().Subscribe(), stdout, report.JSONLines, printed)
	default:
		go report.Print(engine.Events().Subscribe(), stderr, report.Plain, printed)
	}
	finish := func(code int) int {
		if err := engine.Flush(); err != nil {
			say("warning:", err)
		}
		engine.Events().Close()
		<-printed
		return code
	}

	if cfg.PrintURL {
		res, err := engine.Resolve(ctx, cfg.Clip)
		switch {
		case ctx.Err() != nil:
			return finish(exitInterrupted)
		case errors.Is(err, cluster.ErrAllFailed):
			return finish(exitAllFailed)
		case err != nil:
			say(err)
			return finish(exitUsage)
		}
		code := finish(exitOK)
		if !cfg.JSON {
			fmt.Fprintln(stdout, res.URL)
		}
		return code
	}

	if useTUI {
		var restore func()
		stderr, restore = divertStderr(cfg.StateDir)
		defer restore()
	}
	p, err := player.New(playerOptions(cfg))
	if err != nil {
		say("player:", err)
		return finish(exitUsage)
	}
	defer p.Close()
	opts := playback.Options{Clip: cfg.Clip, Start: cfg.Player.Start, StallTimeout: cfg.StallTimeout}
	if !useTUI {
		return finish(exitCode(playback.New(engine, p, opts).Run(ctx)))
	}

	// The TUI starts the clip itself (or prompts for one) and stays open
	// after the end, until the user quits.
	opts.Clip, opts.StayOpen = "", true
	session := playback.New(engine, p, opts)
	events := engine.Events().Subscribe()
	sessionCtx, cancelSession := context.WithCancel(ctx)
	defer cancelSession()
	outcome := make(chan playback.Outcome, 1)
	go func() { outcome <- session.Run(sessionCtx) }()
	err = ui.Run(ctx, ui.Options{
		ClusterName:   cfg.ClusterName,
		Hosts:         hostURLs(cfg.Hosts),
		Clip:          cfg.Clip,
		FailureExpiry: cfg.Cluster.FailureExpiry,
		Notice:        notice,
	}, tuiController{session, p, engine}, events, nil, nil)
	if err != nil {
		say("terminal:", err)
	}
	// The TUI asked the session to quit; give it a moment to say "end".
	select {
	case o := <-outcome:
		return finish(exitCode(o))
	case <-time.After(2 * time.Second):
		cancelSession()
		return finish(exitCode(<-outcome))
	}
}

func exitCode(o playback.Outcome) int {
	switch o {
	case playback.AllFailed:
		return exitAllFailed
	case playback.PlaybackFailed:
		return exitPlayback
	case playback.Interrupted:
		return exitInterrupted
	}
	return exitOK
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

func hostURLs(specs []cluster.HostSpec) []string {
	out := make([]string, len(specs))
	for i, s := range specs {
		out[i] = s.URL
	}
	return out
}

// playerOptions maps the player settings, and lets the engine rather than
// ffmpeg decide about a failing host: no reconnect attempts of ffmpeg's own,
// and a network timeout past which the stall watchdog has long acted.
func playerOptions(cfg *config.Config) player.Options {
	pc := cfg.Player
	return player.Options{
		NoVideo:        pc.NoVideo,
		VO:             pc.VO,
		AO:             pc.AO,
		Volume:         pc.Volume,
		Fullscreen:     pc.Fullscreen,
		MpvConfig:      pc.MpvConfig,
		Extra:          pc.Extra,
		NetworkTimeout: cfg.StallTimeout + cfg.Cluster.ConnectTimeout,
		StreamLavfO:    playback.NoReconnect,
	}
}

// tuiController gives the TUI the session's controls, the player's keys
// and the engine's load-balancing switch.
type tuiController struct {
	*playback.Session
	p *player.Player
	e *cluster.Engine
}

func (c tuiController) Status() ui.Status {
	s := c.Session.Status()
	return ui.Status{State: s.State, Position: s.Position, Duration: s.Duration, Cache: s.Cache,
		Host: s.Host, Volume: c.p.Volume(), Muted: c.p.Muted()}
}
func (c tuiController) TogglePause() error            { return c.p.TogglePause() }
func (c tuiController) Seek(d time.Duration) error    { return c.p.Seek(d) }
func (c tuiController) AddVolume(delta float64) error { return c.p.AddVolume(delta) }
func (c tuiController) ToggleMute() error             { return c.p.ToggleMute() }
func (c tuiController) ToggleFullscreen() error       { return c.p.ToggleFullscreen() }
func (c tuiController) HasWindow() bool               { return c.p.HasVideoOutput() }
func (c tuiController) SetLoadBalancing(on bool)      { c.e.SetLoadBalancing(on) }
func (c tuiController) LoadBalancing() bool           { return c.e.LoadBalancing() }
