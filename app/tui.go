package app

import (
	"fmt"
	"log/slog"
	"time"

	"clusterplay/cluster"
	"clusterplay/playback"
	"clusterplay/player"
)

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
