package ui

import (
	"time"

	"clusterplay/watch"
)

// Controller is what the TUI drives: the session's and the player's
// controls. All methods are safe from any goroutine and return quickly.
// The TUI calls them only inside tea.Cmds, never in Update or View, and
// never asks the controller what is going on: what it shows is folded from
// the events alone.
type Controller interface {
	TogglePause() error
	Seek(delta time.Duration) error
	AddVolume(delta float64) error
	ToggleMute() error
	ToggleFullscreen() error
	SetLoadBalancing(on bool)    // the engine confirms with a LoadBalancing event
	FailoverNow(markFailed bool) // n: false, x: true
	Reresolve()                  // r
	Play(clip string)            // Enter on the prompt, and the clip from Options at start
	NextClip()                   // >: the playlist's next clip
	PrevClip()                   // <
	Quit()                       // q, ctrl+c
	// SetVideo moves the picture (v): VideoTerminal, VideoOff or VideoWindow.
	SetVideo(where string) error

	// mpv's own keys, where they do not clash with the cluster's.
	Replay()                            // space after the end: the clip again from its start
	MultiplySpeed(factor float64) error // [ and ]
	ResetSpeed() error                  // backspace
	FrameStep(back bool) error          // . and ,
	Screenshot() (string, error)        // s: the file written
	CycleAudio() (string, error)        // #: the track now playing, in words
	CycleSubtitles() (string, error)    // j
	SeekLiveEdge() error                // end, on a live stream
	CycleQuality() (string, error)      // b: auto and the variants in turn, the quality now

	// SetHostFault puts a fault plan's action (faults.ParseAction) on
	// every request to the host at index, in the place of the one set
	// before; "" removes it (F).
	SetHostFault(index int, action string) error
}

// Status is what the playback bar shows: the watch fold's playback, folded
// from the state, tick and playback events.
type Status = watch.Playback

// Options configure the TUI: what is known before the first event.
type Options struct {
	ClusterName   string   // "" → "cluster"
	Hosts         []string // host base URLs in list order (index = position)
	Clip          string   // "" → show the prompt first; else played at start
	Notice        string   // optional line shown in the panel at start
	LoadBalancing bool     // at start; LoadBalancing events follow it
	Window        bool     // the player has a video window; ticks follow it
	Volume        float64  // at start; ticks follow it
	// Interrupted, when set, is called (in a command) when the user ends
	// the TUI with ctrl+c rather than q: an interrupt, whose exit code
	// differs from a quit's.
	Interrupted func()
	// SessionPlays says the session begins Clip (or its playlist) itself:
	// the TUI does not ask it to.
	SessionPlays bool
	// CheckClip, when set, says why a clip typed at the prompt cannot be
	// played; the prompt shows it and asks again.
	CheckClip func(clip string) error

	// Video is where the picture is at start: VideoTerminal (the pane,
	// fed by Frames), VideoWindow ("" too) or VideoNone.
	Video string
	// Frames feeds the pane; nil when there is no picture to show here.
	Frames FrameSource
	// Display: a window can open, so v moves the picture between the pane
	// and a window instead of turning the pane off and on.
	Display bool
	// TrueColor: the terminal takes 24-bit colour (COLORTERM says so);
	// else the pane uses the 256-colour palette.
	TrueColor bool
}

// Keyboard steps, in mpv's habits.
const (
	seekShort  = 5 * time.Second
	seekLong   = 60 * time.Second
	volumeStep = 2.0
	speedStep  = 1.1
)
