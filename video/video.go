// Package video holds the words for where the picture goes: the values of
// --video, and the v key's steps between them. The command line (config),
// the player and the TUI each speak of them; they are written here once,
// and the three name them under their own identifiers (config.VideoAuto,
// player.VideoAuto, ui.VideoTerminal, ...).
//
// It imports nothing: every package, from the player at the bottom to the
// TUI at the top, may import it.
package video

// The words are untyped constants, so each package keeps its own type for
// them (the player's Video, plain strings in config and ui).
const (
	// Auto is Window when a display answers (or a video output was named
	// with --vo), else Terminal. The default of --video.
	Auto = "auto"
	// Window is mpv's own window; without a display, no picture.
	Window = "window"
	// Terminal is the TUI's pane, drawn from the player's frames.
	Terminal = "terminal"
	// None decodes no picture at all.
	None = "none"
	// Off is no --video value but a step of the v key: the pane hidden for
	// now, with mpv's video output kept so the pane can come back at once.
	Off = "off"
)

// Modes are the values --video takes, in the order help lists them.
var Modes = []string{Auto, Window, Terminal, None}
