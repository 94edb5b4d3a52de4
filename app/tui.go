package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"clusterplay/cluster"
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
	closeControl, err := a.listenControl(session, p)
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
	}, tuiController{session, p, a.engine, logging.For(a.log, logging.UI)}, events, nil, nil)
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

// tuiController gives the TUI the session's controls, the player's keys
// and the engine's load-balancing switch. What they lead to comes back as
// events; the TUI never asks. What the user asked for is logged (component
// ui) here, so that the TUI itself stays a fold over the events.
type tuiController struct {
	*playback.Session
	p   *player.Player
	e   *cluster.Engine
	log *slog.Logger
}

func (c tuiController) did(what string, err error, args ...any) error {
	if err != nil {
		args = append(args, "err", err)
	}
	c.log.Debug("user: "+what, args...)
	return err
}

func (c tuiController) TogglePause() error { return c.did("pause", c.p.TogglePause()) }
func (c tuiController) Seek(d time.Duration) error {
	return c.did("seek", c.p.Seek(d), "by", d)
}
func (c tuiController) AddVolume(delta float64) error {
	return c.did("volume", c.p.AddVolume(delta), "by", delta)
}
func (c tuiController) ToggleMute() error       { return c.did("mute", c.p.ToggleMute()) }
func (c tuiController) ToggleFullscreen() error { return c.did("fullscreen", c.p.ToggleFullscreen()) }
func (c tuiController) SetLoadBalancing(on bool) {
	c.did("load balancing", nil, "on", on)
	c.e.SetLoadBalancing(on)
}
func (c tuiController) FailoverNow(blame bool) {
	c.did("fail over now", nil, "blame", blame)
	c.Session.FailoverNow(blame)
}
func (c tuiController) Reresolve() {
	c.did("resolve again from scratch", nil)
	c.Session.Reresolve()
}
func (c tuiController) Play(clip string) {
	c.did("play", nil, "clip", clip)
	c.Session.Play(clip)
}
func (c tuiController) Quit() {
	c.did("quit", nil)
	c.Session.Quit()
}
func (c tuiController) SetVideo(where string) error {
	return c.did("video", c.p.SetVideo(player.Video(where)), "to", where)
}
func (c tuiController) Replay() {
	c.did("play again", nil)
	c.Session.Replay()
}
func (c tuiController) MultiplySpeed(factor float64) error {
	return c.did("speed", c.p.MultiplySpeed(factor), "by", factor)
}
func (c tuiController) ResetSpeed() error { return c.did("normal speed", c.p.ResetSpeed()) }
func (c tuiController) FrameStep(back bool) error {
	return c.did("frame step", c.p.FrameStep(back), "back", back)
}
func (c tuiController) SeekLiveEdge() error { return c.did("live edge", c.p.SeekLiveEdge()) }

// Screenshot writes to the current directory, as mpv does by default.
func (c tuiController) Screenshot() (string, error) {
	path, err := c.p.Screenshot(".")
	return path, c.did("screenshot", err, "path", path)
}
func (c tuiController) CycleAudio() (string, error) {
	t, err := c.p.CycleAudio()
	return trackWords("audio", t), c.did("audio track", err, "id", t.ID)
}
func (c tuiController) CycleSubtitles() (string, error) {
	t, err := c.p.CycleSubtitles()
	return trackWords("subtitles", t), c.did("subtitle track", err, "id", t.ID)
}

// trackWords says which track of a kind plays after a cycle, as mpv's OSD
// would.
func trackWords(kind string, t player.Track) string {
	switch {
	case t.Count == 0:
		return kind + ": none in this clip"
	case t.ID == 0:
		return kind + ": off"
	}
	return fmt.Sprintf("%s: track %d of %d", kind, t.ID, t.Count)
}
