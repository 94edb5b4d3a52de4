package ui

import "time"

// Controller is what the TUI drives. All methods are safe from any goroutine
// and return quickly (they send requests to the playback session). The TUI
// calls them only inside tea.Cmds, never in Update or View.
type Controller interface {
	Status() Status // snapshot of playback, cheap
	TogglePause() error
	Seek(delta time.Duration) error
	AddVolume(delta float64) error
	ToggleMute() error
	ToggleFullscreen() error
	HasWindow() bool
	SetLoadBalancing(on bool)
	LoadBalancing() bool
	FailoverNow(markFailed bool) // n: false, x: true
	Reresolve()                  // r
	Play(clip string)            // Enter on the prompt, and the clip from Options at start
	Quit()                       // q, ctrl+c
}

// Status is a snapshot of playback.
type Status struct {
	State    string        // "idle", "connecting", "buffering", "playing", "paused", "ended"
	Position time.Duration // current position
	Duration time.Duration // 0 = unknown or live
	Cache    time.Duration // seconds of media buffered ahead
	Host     string        // serving host base URL ("" none)
	Volume   float64       // 0-100 (mpv may allow more)
	Muted    bool
}

// Options configure the TUI.
type Options struct {
	ClusterName   string        // "" → "cluster"
	Hosts         []string      // host base URLs in list order (index = position)
	Clip          string        // "" → show the prompt first; else played at start
	FailureExpiry time.Duration // for the remembered-failed countdown
	Notice        string        // optional line shown in the panel at start
}

// Keyboard steps, in mpv's habits.
const (
	seekShort  = 5 * time.Second
	seekLong   = 60 * time.Second
	volumeStep = 2.0
)
