package app

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"clusterplay/cluster"
	"clusterplay/control"
	"clusterplay/faults"
	"clusterplay/logging"
	"clusterplay/playback"
	"clusterplay/player"
	"clusterplay/relay"
	"clusterplay/ui"
)

// controller is the one door from what a user asks, by a key of the TUI
// or a command on the control socket, to the session's controls, the
// player's and the engine's load-balancing switch. What they lead to
// comes back as events; nobody asks. Each action is logged here (as
// "user: WHAT", component ui), so a key and a script that ask for the
// same thing leave the same line, and the TUI stays a fold over the
// events.
type controller struct {
	session *playback.Session
	p       playerControls
	engine  *cluster.Engine
	log     *slog.Logger
	// quitCode is where a script's quit CODE is kept for the exit (the
	// app's; -1 while none was asked for).
	quitCode *atomic.Int32
	faults   *faults.Injector // the run's fault plan, which inject adds to
	alts     pathwayControls  // the stream's own alternatives; nil without a relay
	// relay switches the quality (the b key); nil without a relay.
	relay *relay.Relay
}

var (
	_ ui.Controller      = (*controller)(nil)
	_ control.Controller = (*controller)(nil)
)

// playerControls is what the keys and commands ask of the player
// (*player.Player has it).
type playerControls interface {
	Pause(on bool) error
	TogglePause() error
	Seek(delta time.Duration) error
	SeekTo(pos time.Duration) error
	AddVolume(delta float64) error
	ToggleMute() error
	ToggleFullscreen() error
	SetVideo(v player.Video) error
	MultiplySpeed(factor float64) error
	ResetSpeed() error
	FrameStep(back bool) error
	Screenshot(dir string) (string, error)
	CycleAudio() (player.Track, error)
	CycleSubtitles() (player.Track, error)
	SeekLiveEdge() error
}

// controller gives the keys and the socket the controls of session and p.
func (a *app) controller(session *playback.Session, p playerControls) *controller {
	c := &controller{session: session, p: p, engine: a.engine,
		log: logging.For(a.log, logging.UI), quitCode: &a.quitCode, faults: a.faults, relay: a.relay}
	if a.relay != nil {
		c.alts = a.relay
	}
	return c
}

// controlsOf returns the session's one adapter, made on first use.
func (a *app) controlsOf() *controller {
	if a.controls == nil {
		a.controls = a.controller(a.session, a.player)
	}
	return a.controls
}

// did logs one action and passes its error on.
func (c *controller) did(what string, err error, args ...any) error {
	if err != nil {
		args = append(args, "err", err)
	}
	c.log.Debug("user: "+what, args...)
	return err
}

// The cluster: the engine's switch and the session's moves.

func (c *controller) SetLoadBalancing(on bool) {
	c.did("load balancing", nil, "on", on)
	c.engine.SetLoadBalancing(on)
}

// FailoverNow is n (blame false) and x (blame true).
func (c *controller) FailoverNow(blame bool) {
	if c.pathwayKey(blame) {
		return
	}
	c.did("fail over now", nil, "blame", blame)
	c.session.FailoverNow(blame)
}

// FailHost marks the host at index failed; -1, the serving one, is x.
func (c *controller) FailHost(index int) {
	if index < 0 {
		c.FailoverNow(true)
		return
	}
	c.did("fail host", nil, "index", index)
	c.session.FailHost(index)
}

func (c *controller) Reresolve() {
	c.did("resolve again from scratch", nil)
	c.session.Reresolve()
}

// Play is Enter on the TUI's prompt, which has checked the clip.
func (c *controller) Play(clip string) {
	c.did("play", nil, "clip", clip)
	c.session.Play(clip)
}

// Load is Play for a clip nobody has checked yet.
func (c *controller) Load(clip string) error {
	if err := c.engine.CheckClip(clip); err != nil {
		return c.did("play", err, "clip", clip)
	}
	c.Play(clip)
	return nil
}

func (c *controller) Replay() {
	c.did("play again", nil)
	c.session.Replay()
}

func (c *controller) NextClip() {
	c.did("next clip", nil)
	c.session.NextClip()
}

func (c *controller) PrevClip() {
	c.did("previous clip", nil)
	c.session.PrevClip()
}

// Quit is q: the exit code follows from how the playback went.
func (c *controller) Quit() {
	c.did("quit", nil)
	c.session.Quit()
}

// QuitWithCode is a script's quit CODE: the exit code is CODE.
// InjectFault adds a rule to the run's fault plan (the socket's inject).
func (c *controller) InjectFault(rule string) (string, error) {
	r, err := faults.ParseRule(rule, "")
	if err != nil {
		return "", c.did("inject "+rule, err)
	}
	name := c.faults.Add(r)
	c.did("inject "+rule, nil, "rule", name)
	return name, nil
}

// SetHostFault puts action on every request to the host at index, in
// the place of the one the F key set before ("" removes it).
func (c *controller) SetHostFault(index int, action string) error {
	name := fmt.Sprintf("key%d", index)
	if action == "" {
		c.faults.Replace(name, nil)
		return c.did("fault on host "+strconv.Itoa(index)+": none", nil)
	}
	a, err := faults.ParseAction(action)
	if err != nil {
		return c.did("fault on host "+strconv.Itoa(index), err)
	}
	c.faults.Replace(name, faults.HostRule(index, a))
	return c.did("fault on host "+strconv.Itoa(index)+": "+action, nil)
}

// ClearFaults removes every fault rule (the socket's clear_faults).
func (c *controller) ClearFaults() {
	c.faults.Clear()
	c.did("clear faults", nil)
}

func (c *controller) QuitWithCode(code int) {
	c.quitCode.CompareAndSwap(-1, int32(code))
	c.did("quit", nil, "code", code)
	c.session.Quit()
}

// The player.

func (c *controller) TogglePause() error { return c.did("pause", c.p.TogglePause()) }
func (c *controller) SetPause(on bool) error {
	return c.did("pause", c.p.Pause(on), "on", on)
}
func (c *controller) Seek(d time.Duration) error { return c.did("seek", c.p.Seek(d), "by", d) }
func (c *controller) SeekTo(pos time.Duration) error {
	return c.did("seek", c.p.SeekTo(pos), "to", pos)
}
func (c *controller) SeekLiveEdge() error { return c.did("live edge", c.p.SeekLiveEdge()) }
func (c *controller) AddVolume(delta float64) error {
	return c.did("volume", c.p.AddVolume(delta), "by", delta)
}
func (c *controller) ToggleMute() error       { return c.did("mute", c.p.ToggleMute()) }
func (c *controller) ToggleFullscreen() error { return c.did("fullscreen", c.p.ToggleFullscreen()) }
func (c *controller) SetVideo(where string) error {
	return c.did("video", c.p.SetVideo(player.Video(where)), "to", where)
}
func (c *controller) MultiplySpeed(factor float64) error {
	return c.did("speed", c.p.MultiplySpeed(factor), "by", factor)
}
func (c *controller) ResetSpeed() error { return c.did("normal speed", c.p.ResetSpeed()) }
func (c *controller) FrameStep(back bool) error {
	return c.did("frame step", c.p.FrameStep(back), "back", back)
}

// Screenshot writes to the current directory, as mpv does by default.
func (c *controller) Screenshot() (string, error) {
	path, err := c.p.Screenshot(".")
	return path, c.did("screenshot", err, "path", path)
}

func (c *controller) CycleAudio() (string, error) {
	t, err := c.p.CycleAudio()
	return trackWords("audio", t), c.did("audio track", err, "id", t.ID)
}

func (c *controller) CycleSubtitles() (string, error) {
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

// CycleQuality moves to the next of auto and the variants (b): the relay
// serves it from the next segment on.
func (c *controller) CycleQuality() (string, error) {
	if c.relay == nil {
		return "", errors.New("no relay: the quality is switched by the relay (--relay=on)")
	}
	q, err := c.relay.CycleQuality()
	return q, c.did("quality", err, "to", q)
}
