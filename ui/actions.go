package ui

import (
	"fmt"
	"time"

	"clusterplay/events"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// handleKey maps a key to a command. The Controller is only ever called
// inside the returned command.
func (m *Model) handleKey(k tea.KeyPressMsg) tea.Cmd {
	if k.String() == "ctrl+c" {
		return m.quit(true)
	}
	if m.prompt.active {
		return m.promptKey(k)
	}
	if cmd, ok := m.playerKey(k); ok {
		return cmd
	}
	if cmd, ok := m.sessionKey(k); ok {
		return cmd
	}
	return m.screenKey(k)
}

// promptKey is a key while the clip prompt is open.
func (m *Model) promptKey(k tea.KeyPressMsg) tea.Cmd {
	res, clip, cmd := m.prompt.update(k)
	switch res {
	case promptSubmit:
		m.clip = clip
		m.layout()
		return m.playCmd(clip)
	case promptCancel:
		m.layout()
	}
	return cmd
}

// sessionKey handles the keys that act on the session, the player's
// settings or the engine, whatever plays.
func (m *Model) sessionKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	c := m.ctrl
	switch {
	case key.Matches(k, m.keys.Quit):
		return m.quit(false), true
	case key.Matches(k, m.keys.Suspend):
		return tea.Suspend, true
	case key.Matches(k, m.keys.VolumeDown):
		return call("volume", func() error { return c.AddVolume(-volumeStep) }), true
	case key.Matches(k, m.keys.VolumeUp):
		return call("volume", func() error { return c.AddVolume(volumeStep) }), true
	case key.Matches(k, m.keys.Mute):
		return call("mute", c.ToggleMute), true
	case key.Matches(k, m.keys.SpeedDown):
		return call("speed", func() error { return c.MultiplySpeed(1 / speedStep) }), true
	case key.Matches(k, m.keys.SpeedUp):
		return call("speed", func() error { return c.MultiplySpeed(speedStep) }), true
	case key.Matches(k, m.keys.SpeedReset):
		return call("speed", c.ResetSpeed), true
	case key.Matches(k, m.keys.Fullscreen):
		if !m.hasWindow {
			m.logf(levelWarn, "no window: fullscreen needs a video window")
			return nil, true
		}
		return call("fullscreen", c.ToggleFullscreen), true
	case key.Matches(k, m.keys.Video):
		return m.moveVideo(), true
	case key.Matches(k, m.keys.LoadBalance):
		// Shown at once; the engine's LoadBalancing event confirms it.
		m.lb = !m.lb
		on := m.lb
		return do("", levelInfo, func() { c.SetLoadBalancing(on) }), true
	case key.Matches(k, m.keys.Next):
		return do("failing over to the next host", levelWarn, func() { c.FailoverNow(false) }), true
	case key.Matches(k, m.keys.MarkFailed):
		return do("marking the serving host failed and failing over", levelWarn, func() { c.FailoverNow(true) }), true
	case key.Matches(k, m.keys.Fault):
		return m.cycleFault(), true
	case key.Matches(k, m.keys.Reresolve):
		if m.status.State == "ended" {
			// After an error the session resumes where the clip broke off;
			// after its end it starts again.
			if m.status.Reason == events.ReasonError && m.status.Position > 0 {
				return do("resuming the clip at "+clock(m.status.Position)+", the hosts resolved afresh", levelInfo, c.Reresolve), true
			}
			return do("playing the clip again from the start, the hosts resolved afresh", levelInfo, c.Reresolve), true
		}
		return do("resolving again from scratch", levelInfo, c.Reresolve), true
	case key.Matches(k, m.keys.NextClip):
		return do("", levelInfo, c.NextClip), true
	case key.Matches(k, m.keys.PrevClip):
		return do("", levelInfo, c.PrevClip), true
	}
	return nil, false
}

// screenKey handles the keys that act on the screen itself: the prompt,
// the log, the help.
func (m *Model) screenKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.NewClip):
		cmd := m.prompt.open()
		m.layout()
		return cmd
	case key.Matches(k, m.keys.Progress):
		m.logf(levelInfo, "%s", m.progressLine())
	case key.Matches(k, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
	default:
		return m.logKey(k)
	}
	return nil
}

// logKey handles the keys that move through the event log.
func (m *Model) logKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.ScrollUp):
		m.log.pageUp()
	case key.Matches(k, m.keys.ScrollDown):
		m.log.pageDown()
	case key.Matches(k, m.keys.Oldest):
		m.log.top()
	case key.Matches(k, m.keys.Newest):
		if m.status.Live && m.playing() {
			return call("jump to the live edge", m.ctrl.SeekLiveEdge)
		}
		m.log.bottom()
	case key.Matches(k, m.keys.Fetches):
		m.log.toggleFetches()
	}
	return nil
}

// playerKey handles the keys that act on what plays: after the end of the
// clip (or before any) they are refused with a word on what to do, rather
// than passed to mpv, whose answer would be "error running command".
func (m *Model) playerKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	c := m.ctrl
	var cmd tea.Cmd
	switch {
	case key.Matches(k, m.keys.Pause):
		if m.status.State == "ended" {
			return do("playing the clip again from the start", levelInfo, c.Replay), true
		}
		cmd = call("pause", c.TogglePause)
	case key.Matches(k, m.keys.SeekBack):
		cmd = m.seek(-seekShort)
	case key.Matches(k, m.keys.SeekFwd):
		cmd = m.seek(seekShort)
	case key.Matches(k, m.keys.SeekBackLong):
		cmd = m.seek(-seekLong)
	case key.Matches(k, m.keys.SeekFwdLong):
		cmd = m.seek(seekLong)
	case key.Matches(k, m.keys.FrameStep):
		cmd = call("frame step", func() error { return c.FrameStep(false) })
	case key.Matches(k, m.keys.FrameBack):
		cmd = call("frame step", func() error { return c.FrameStep(true) })
	case key.Matches(k, m.keys.Screenshot):
		cmd = tell("screenshot", func() (string, error) {
			path, err := c.Screenshot()
			return "screenshot saved: " + path, err
		})
	case key.Matches(k, m.keys.Audio):
		cmd = tell("audio track", c.CycleAudio)
	case key.Matches(k, m.keys.Subtitles):
		cmd = tell("subtitle track", c.CycleSubtitles)
	case key.Matches(k, m.keys.Quality):
		cmd = tell("quality", func() (string, error) {
			q, err := c.CycleQuality()
			return "quality: " + q, err
		})
	default:
		return nil, false
	}
	if why := m.refusal(); why != "" {
		m.logf(levelWarn, "%s", why)
		return nil, true
	}
	return cmd, true
}

func (m *Model) seek(by time.Duration) tea.Cmd {
	c := m.ctrl
	return call("seek", func() error { return c.Seek(by) })
}

// refusal says why a key for what plays does nothing now; "" when
// something may play (the player itself refuses before a first frame).
func (m *Model) refusal() string {
	switch m.status.State {
	case "ended":
		return "the clip has ended: space or r plays it again, c takes another clip"
	case "failed":
		return "nothing plays: r tries the hosts again, c takes another clip"
	case "", "idle":
		if m.clip == "" {
			return "no clip yet: c asks for one"
		}
		return "nothing plays yet"
	}
	return ""
}

// playing: a stream is on, whatever its pace.
func (m *Model) playing() bool {
	switch m.status.State {
	case "playing", "paused", "buffering":
		return true
	}
	return false
}

// progressLine is o's line in the log: mpv shows its progress bar for a
// moment; here it stays in the log.
func (m *Model) progressLine() string {
	st := m.status
	switch {
	case m.refusal() != "" && st.State != "ended":
		return "progress: nothing plays"
	case st.Live && st.Behind > 0:
		return fmt.Sprintf("progress: %s into a live stream, %.1fs behind live", clock(st.Position), st.Behind.Seconds())
	case st.Live:
		return fmt.Sprintf("progress: %s into a live stream", clock(st.Position))
	case st.Duration > 0:
		return fmt.Sprintf("progress: %s of %s (%d%%), cache %.1fs", clock(st.Position), clock(st.Duration),
			int(100*st.Position/st.Duration), st.Cache.Seconds())
	}
	return fmt.Sprintf("progress: %s, duration unknown, cache %.1fs", clock(st.Position), st.Cache.Seconds())
}

// quit asks the controller to stop and ends the program; interrupt says
// it was ctrl+c.
func (m *Model) quit(interrupt bool) tea.Cmd {
	c, called, interrupted := m.ctrl, m.quitCalled, m.opts.Interrupted
	return func() tea.Msg {
		if interrupt && interrupted != nil {
			interrupted()
		}
		if called.CompareAndSwap(false, true) {
			c.Quit()
		}
		return tea.QuitMsg{}
	}
}

func (m *Model) playCmd(clip string) tea.Cmd {
	c := m.ctrl
	return do("playing clip: "+events.RedactURL(clip), levelInfo, func() { c.Play(clip) })
}
