package ui

import "charm.land/bubbles/v2/key"

// keyMap holds the player's key bindings, in mpv's habits. It is also the
// help.KeyMap the footer is rendered from.
type keyMap struct {
	Pause        key.Binding
	SeekBack     key.Binding
	SeekFwd      key.Binding
	SeekBackLong key.Binding
	SeekFwdLong  key.Binding
	VolumeDown   key.Binding
	VolumeUp     key.Binding
	Mute         key.Binding
	Fullscreen   key.Binding
	Video        key.Binding
	LoadBalance  key.Binding
	Next         key.Binding
	MarkFailed   key.Binding
	Fault        key.Binding
	Reresolve    key.Binding
	NewClip      key.Binding
	NextClip     key.Binding
	PrevClip     key.Binding
	ScrollUp     key.Binding
	ScrollDown   key.Binding
	Oldest       key.Binding
	Newest       key.Binding
	Fetches      key.Binding
	Help         key.Binding
	Quit         key.Binding

	// mpv's habits that do not clash with the cluster's keys.
	SpeedDown  key.Binding
	SpeedUp    key.Binding
	SpeedReset key.Binding
	FrameStep  key.Binding
	FrameBack  key.Binding
	Screenshot key.Binding
	Audio      key.Binding
	Subtitles  key.Binding
	Quality    key.Binding
	Progress   key.Binding
	Suspend    key.Binding

	// hasWindow hides the fullscreen entry from the help when there is no
	// video window. The key itself stays bound so it can say why it does
	// nothing.
	hasWindow bool
	// hasPicture shows the v entry when there is a picture to move.
	hasPicture bool
	// ended: the clip has ended and space plays it again.
	ended bool
}

func newKeyMap() keyMap {
	return keyMap{
		Pause:        key.NewBinding(key.WithKeys("space", "p"), key.WithHelp("space", "pause")),
		SeekBack:     key.NewBinding(key.WithKeys("left"), key.WithHelp("←/→", "seek 5s")),
		SeekFwd:      key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "seek +5s")),
		SeekBackLong: key.NewBinding(key.WithKeys("down"), key.WithHelp("↓/↑", "seek 60s")),
		SeekFwdLong:  key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "seek +60s")),
		VolumeDown:   key.NewBinding(key.WithKeys("9"), key.WithHelp("9/0", "volume")),
		VolumeUp:     key.NewBinding(key.WithKeys("0"), key.WithHelp("0", "volume up")),
		Mute:         key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mute")),
		Fullscreen:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "fullscreen")),
		Video:        key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "picture")),
		LoadBalance:  key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "balance")),
		Next:         key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next host")),
		MarkFailed:   key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "fail host")),
		Fault:        key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "fault host")),
		Reresolve:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "resolve again")),
		NewClip:      key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "new clip")),
		NextClip:     key.NewBinding(key.WithKeys(">"), key.WithHelp(">/<", "next/prev clip")),
		PrevClip:     key.NewBinding(key.WithKeys("<"), key.WithHelp("<", "previous clip")),
		ScrollUp:     key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup/pgdn", "scroll log")),
		ScrollDown:   key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "scroll down")),
		Oldest:       key.NewBinding(key.WithKeys("home"), key.WithHelp("home/end", "oldest/newest")),
		Newest:       key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "newest")),
		Fetches:      key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "fetches")),
		Help:         key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more")),
		Quit:         key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

		SpeedDown:  key.NewBinding(key.WithKeys("["), key.WithHelp("[/]", "speed")),
		SpeedUp:    key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "faster")),
		SpeedReset: key.NewBinding(key.WithKeys("backspace"), key.WithHelp("bs", "speed 1×")),
		FrameStep:  key.NewBinding(key.WithKeys("."), key.WithHelp("./,", "frame step")),
		FrameBack:  key.NewBinding(key.WithKeys(","), key.WithHelp(",", "frame back")),
		Screenshot: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "screenshot")),
		Audio:      key.NewBinding(key.WithKeys("#"), key.WithHelp("#/j", "audio/subs")),
		Subtitles:  key.NewBinding(key.WithKeys("j"), key.WithHelp("j", "subtitles")),
		Quality:    key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "quality")),
		Progress:   key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "progress")),
		Suspend:    key.NewBinding(key.WithKeys("ctrl+z"), key.WithHelp("ctrl+z", "suspend")),
	}
}

// note is a line of the full help that binds nothing: a key's other
// meaning, said under it. It needs a key to be shown at all, and none of
// its keys is ever matched.
func note(desc string) key.Binding {
	return key.NewBinding(key.WithKeys("\x00"), key.WithHelp("", desc))
}

// ShortHelp is the one-line footer: the keys a viewer needs first. Quit and
// "more keys" come early so they survive a 60-column terminal; the help
// bubble cuts the rest with an ellipsis.
func (k keyMap) ShortHelp() []key.Binding {
	if k.ended {
		k.Pause.SetHelp("space", "play again")
	}
	if k.hasPicture {
		return []key.Binding{k.Pause, k.Next, k.MarkFailed, k.Quit, k.Help, k.Video, k.SeekBack, k.LoadBalance, k.NewClip}
	}
	return []key.Binding{k.Pause, k.Next, k.MarkFailed, k.Quit, k.Help, k.SeekBack, k.LoadBalance, k.NewClip}
}

// FullHelp is the expanded footer, one column per group.
func (k keyMap) FullHelp() [][]key.Binding {
	pause := k.Pause
	pause.SetHelp("space/p", "pause")
	lb := k.LoadBalance
	lb.SetHelp("l", "load balancing")
	help := k.Help
	help.SetHelp("?", "fewer keys")
	oldest := k.Oldest
	oldest.SetHelp("home/end", "first/last")
	// end is the log's last line, but a live stream's edge while one plays.
	liveEdge := note("live: edge")
	liveEdge.SetHelp("end", "live: edge")
	playback := []key.Binding{pause, note("ended: replay"), k.SeekBack, k.SeekBackLong, k.SpeedDown, k.SpeedReset, k.FrameStep}
	media := []key.Binding{k.VolumeDown, k.Mute, k.Audio, k.Quality, k.Screenshot, k.Progress}
	if k.hasWindow {
		media = append(media, k.Fullscreen)
	}
	if k.hasPicture {
		media = append(media, k.Video)
	}
	return [][]key.Binding{
		playback,
		{k.Next, k.MarkFailed, k.Fault, k.Reresolve, lb, note("(not A-B loop)"), k.NewClip, k.NextClip},
		media,
		{k.ScrollUp, oldest, liveEdge, k.Fetches, k.Suspend, help, k.Quit},
	}
}

// promptKeyMap is the help while the clip prompt has the keyboard: every
// printable key types, so only these act.
type promptKeyMap struct {
	Play   key.Binding
	Cancel key.Binding
	Quit   key.Binding
}

func newPromptKeyMap() promptKeyMap {
	return promptKeyMap{
		Play:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "play")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Quit:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

func (k promptKeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Play, k.Cancel, k.Quit} }

func (k promptKeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }
