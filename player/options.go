package player

import (
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Options configure a Player. The zero value plays with mpv's default video
// and audio outputs and ignores the user's mpv configuration.
type Options struct {
	NoVideo    bool     // vo=null, ao=null (headless; for CDN testing and CI); overrides VO and AO
	Video      Video    // where the picture goes; "" is VideoWindow (see video.go)
	PaneFPS    int      // most pictures a second the terminal pane takes; 0 = DefaultPaneFPS
	VO, AO     string   // --vo / --ao passthrough ("" = mpv default)
	Volume     *float64 // nil = default
	Fullscreen bool
	MpvConfig  bool // honour the user's mpv config (config=yes); false = config=no

	// Extra holds --mpv NAME=VALUE pairs, applied last before initialize,
	// so they override everything above. A bad name or value makes New
	// fail with an error naming it.
	Extra [][2]string

	// NetworkTimeout is mpv's network-timeout; 0 leaves mpv's default (60 s).
	NetworkTimeout time.Duration
	// StreamLavfO is mpv's stream-lavf-o ("" leaves mpv's default). mpv asks
	// ffmpeg to reconnect on its own, which hides a dead host for ~11 s; the
	// engine turns that off with e.g.
	// "reconnect=0,reconnect_streamed=0,reconnect_on_network_error=0".
	StreamLavfO string

	// HTTPHeaders ("Name: value"), UserAgent and Referer go with mpv's
	// every HTTP request (its http-header-fields, user-agent, referrer):
	// a CDN that wants a token header must get it from the player too.
	HTTPHeaders []string
	UserAgent   string
	Referer     string

	// QuietMPV leaves mpv's own log messages out of Log (its fatal line
	// about a video output is still read): for a log that is the terminal
	// at its default level, where mpv's complaints about the sound system
	// would stand between the events.
	QuietMPV bool

	// KeyBindings loads mpv's default key bindings, which libmpv leaves
	// out, so that a control socket's keypress does what it does in mpv
	// (space pauses). Keys still reach mpv only through commands: the
	// window's keyboard and the terminal stay off. mpv's console, which
	// would take typed commands past the socket's checks, stays unloaded.
	KeyBindings bool

	// Log receives mpv's own log messages, at the slog level matching
	// mpv's, and the Player's decisions at debug; the caller names it
	// (component player). nil discards.
	Log *slog.Logger
}

// mpvOption is one option set before mpv_initialize. Optional ones may be
// missing from an mpv build (osc needs Lua) and are skipped if unknown.
type mpvOption struct {
	name, value string
	optional    bool
}

// mpvOptions turns o into the ordered option list for New and reports
// whether a video window is expected.
func (o Options) mpvOptions() (opts []mpvOption, wantVideo bool) {
	set := func(name, value string) { opts = append(opts, mpvOption{name: name, value: value}) }

	// The terminal belongs to the program's own UI; mpv must neither print
	// to it nor read keys from it. idle=yes keeps the core alive between
	// files, so Load works after an end; keep-open=no makes the end of a
	// file an end-file event instead of a paused last frame.
	set("terminal", "no")
	set("input-default-bindings", yesNo(o.KeyBindings))
	set("input-terminal", "no")
	set("idle", "yes")
	set("keep-open", "no")
	opts = append(opts, mpvOption{name: "osc", value: "no", optional: true})
	if o.KeyBindings {
		opts = append(opts, mpvOption{name: "load-osd-console", value: "no", optional: true})
	}
	set("config", yesNo(o.MpvConfig))
	// The ytdl hook runs yt-dlp on every URL that fails to open: ~0.5 s
	// more per dead host, and an extra request to the CDN.
	set("ytdl", "no")
	// Without this, a missing sound device turns a complete playback into
	// end-file "error" (audio output initialization failed) in mpv 0.35.
	set("audio-fallback-to-null", "yes")

	vo, ao := o.VO, o.AO
	switch o.video() {
	case VideoNone:
		vo, ao = "null", "null"
	case VideoTerminal:
		// mpv draws through the render context the Player creates;
		// nothing is probed, no window opens.
		vo = "libmpv"
	}
	switch {
	case vo == "null" || vo == "libmpv":
	case vo == "" && !displayAvailable():
		// Probing gpu, gpu-next and sdl without a display costs ~0.5 s per
		// file, prints to stderr behind our back, can close our file
		// descriptors (see displayAvailable), and if every driver fails mpv
		// 0.35 ends the file with an error instead of playing audio.
		vo = "null"
	case vo != "" && !hasListEntry(vo, "null") && !strings.HasSuffix(vo, ","):
		// Same failure for a chosen driver that cannot open: fall back to
		// no video rather than failing the file (and the host with it).
		vo += ",null"
	}
	if vo != "" {
		set("vo", vo)
	}
	if ao != "" {
		set("ao", ao)
	}
	if o.Volume != nil {
		set("volume", formatFloat(*o.Volume))
	}
	if o.Fullscreen {
		set("fullscreen", "yes")
	}
	if o.NetworkTimeout > 0 {
		set("network-timeout", formatFloat(o.NetworkTimeout.Seconds()))
	}
	if o.StreamLavfO != "" {
		set("stream-lavf-o", o.StreamLavfO)
	}
	if o.UserAgent != "" {
		set("user-agent", o.UserAgent)
	}
	if o.Referer != "" {
		set("referrer", o.Referer)
	}
	for _, kv := range o.Extra {
		set(kv[0], kv[1])
		if kv[0] == "vo" {
			vo = kv[1]
		}
	}
	return opts, vo != "null" && vo != "libmpv"
}

func hasListEntry(list, want string) bool {
	for _, e := range strings.Split(list, ",") {
		if strings.TrimSpace(e) == want {
			return true
		}
	}
	return false
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// formatFloat prints seconds the way mpv parses them (LC_NUMERIC is "C").
func formatFloat(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// seconds renders a duration for mpv commands, to the millisecond.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}

// fromSeconds converts an mpv time in seconds to a Duration.
func fromSeconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second))
}
