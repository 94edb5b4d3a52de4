package app

import (
	"context"
	"os"
	"sync"
	"time"

	"clusterplay/logging"
	"clusterplay/playback"
	"clusterplay/player"
	"clusterplay/ui"
)

// quitGrace is how long the TUI mode waits for the session to publish its
// end after the TUI is gone. The session serves quit at once, even during
// a resolution; this only bounds a session that is wedged.
const quitGrace = 700 * time.Millisecond

// playInTUI plays in the terminal UI, which starts the clip itself (or asks
// for one) and stays open after the end, until the user quits. q exits as
// a headless run of the last playback would (0 played or quit, 1 no host
// answered, 3 playback failed); Ctrl-C and SIGTERM 130.
func (a *app) playInTUI(ctx context.Context) int {
	stderr, restore := divertStderr(a.cfg.StateDir)
	defer restore()
	orig := a.stderr
	defer func() { a.stderr = orig }() // the diverted one is closed at return
	a.stderr = stderr
	p, err := player.New(a.playerOptions(true))
	if err != nil {
		a.say("player:", err)
		return a.finish(exitUsage, nil)
	}
	defer p.Close()
	var frames ui.FrameSource
	if pn := p.Pane(); pn != nil {
		pf, closeLog, err := newPaneFrames(pn, os.Getenv)
		if err != nil {
			a.say(err)
			return a.finish(exitUsage, nil)
		}
		defer closeLog()
		frames = pf
	}

	rel, closeRelay, err := a.startRelay()
	if err != nil {
		a.say(err)
		return a.finish(exitUsage, nil)
	}
	defer closeRelay()
	opts := playback.Options{Clip: a.cfg.Clip, Clips: a.cfg.Clips, Loop: a.cfg.Loop, Start: a.cfg.Player.Start,
		StallTimeout: a.cfg.StallTimeout, StayOpen: true, Relay: rel,
		Log: logging.For(a.log, logging.Playback)}
	session := playback.New(a.engine, p, opts)
	events := a.bus.SubscribeAll()
	last := followPlaybacks(a.bus.Subscribe())
	ctl := a.controller(session, p)
	closeControl, err := a.listenControl(ctl)
	if err != nil {
		a.say(err)
		return a.finish(exitUsage, nil)
	}
	defer closeControl()
	sessionCtx, cancelSession := context.WithCancel(ctx)
	defer cancelSession()
	// A session that ends on its own (quit from the control socket) takes
	// the TUI down with it.
	uiCtx, cancelUI := context.WithCancel(ctx)
	defer cancelUI()
	outcome := make(chan playback.Outcome, 1)
	go func() {
		outcome <- session.Run(sessionCtx)
		cancelUI()
	}()

	interrupted := make(chan struct{})
	var once sync.Once
	err = ui.Run(uiCtx, ui.Options{
		ClusterName:   a.cfg.ClusterName,
		Hosts:         hostURLs(a.cfg.Hosts),
		Clip:          a.cfg.Clip,
		Notice:        a.notice,
		LoadBalancing: a.engine.LoadBalancing(),
		Window:        p.HasVideoOutput(),
		Volume:        p.Volume(),
		Interrupted:   func() { once.Do(func() { close(interrupted) }) },
		CheckClip:     a.engine.CheckClip,
		SessionPlays:  true,
		Video:         string(p.Video()),
		Frames:        frames,
		Display:       player.DisplayAvailable(),
		TrueColor:     trueColor(os.Getenv),
	}, ctl, events, nil, nil)
	if err != nil {
		a.say("terminal:", err)
	}
	var o playback.Outcome
	select {
	case o = <-outcome:
	case <-time.After(quitGrace):
		cancelSession()
		o = <-outcome
	}
	select {
	case <-interrupted:
		o = playback.Interrupted
	default:
	}
	if ctx.Err() != nil {
		o = playback.Interrupted
	}
	// The session has published its last event: the fold has it once the
	// bus hands over what it holds.
	a.bus.Close()
	<-last.done
	return a.finish(a.exitCode(tuiOutcome(o, last.outcome, a.quitCode.Load())), nil)
}
