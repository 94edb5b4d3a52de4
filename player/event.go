package player

import "time"

// EventKind names a Player event. The values are short stable words so they
// can be logged or shown as they are.
type EventKind string

const (
	// EventLoaded: mpv opened the stream and its demuxer (FILE_LOADED).
	// Duration is known here unless the stream is live. Sent once per Load
	// (once per entry if the URL turns out to be a playlist).
	EventLoaded EventKind = "loaded"
	// EventStart: the first frame of a Load is shown (the first
	// playback-restart after it; when Load was given a start position, the
	// one after the resume seek). Sent at most once per Load.
	EventStart EventKind = "start"
	// EventProgress: position, duration, cache, buffering or pause changed
	// (also sent on volume and mute changes so a UI can redraw). Progress
	// events are coalesced when the reader falls behind; the latest state is
	// always delivered eventually.
	EventProgress EventKind = "progress"
	// EventEnd: the file of the latest Load ended; see Event.Reason. Sent at
	// most once per Load. A Load that replaces a file still playing does not
	// produce an End for the replaced file. A live load ends (eof) as soon
	// as its demuxer has read the end of the stream, leaving what mpv still
	// holds unplayed (see live.go).
	EventEnd EventKind = "end"
)

// End reasons, as in mpv's end-file event.
const (
	ReasonEOF   = "eof"   // the demuxer hit the end of the stream (see Event)
	ReasonStop  = "stop"  // Stop was called
	ReasonQuit  = "quit"  // the core shut down: Close, or the video window was closed
	ReasonError = "error" // loading or playback failed; Event.Err says why
)

// Event is what the Player reports. All fields are plain Go values.
//
// An EOF is passed on as mpv reports it. It is NOT judged here: when a host
// cuts the connection mid-file, mpv (after ffmpeg's own reconnect attempts,
// unless Options.StreamLavfO turns them off) reports a normal EOF at the
// point the data ran out. End therefore carries Position and Duration at the
// time the file ended, and the engine decides whether an EOF well before
// Duration is a failure.
type Event struct {
	Kind EventKind
	// URL is the URL of the Load the event belongs to ("" before any
	// Load), so a reader can tell a late event of an earlier Load.
	URL string

	// Position is the last observed playback position of the current Load
	// (before its first frame: the requested start). Duration is 0 when
	// unknown or live. Cache is the demuxer's buffered time ahead.
	Position, Duration, Cache time.Duration
	// Buffering: playback is paused waiting for the network (mpv's
	// paused-for-cache). A stalled host that keeps the connection open
	// leaves this true indefinitely; mpv never gives up by itself.
	Buffering bool
	// Paused: paused by the user (the pause property).
	Paused bool
	// Live: the stream declares no duration (a live stream), so its end
	// is never the end of a clip. Known from EventLoaded or EventStart on;
	// Duration is 0 from then on.
	Live bool
	// Behind is how far a live stream plays behind the newest data mpv
	// has received; 0 when unknown (mpv has no demuxer-cache-time) or
	// not live.
	Behind time.Duration

	// Volume (percent) and Muted as last observed; Window: a video window
	// is open (false with vo=null).
	Volume float64
	Muted  bool
	Window bool
	// Speed is mpv's playback speed (1 = normal).
	Speed float64
	// Bitrate is the stream's bits per second as mpv measures it from the
	// packets it demuxes (video-bitrate + audio-bitrate, each over about
	// the last second); 0 until mpv knows. Packets, not container bytes:
	// the same measure for MP4, HLS and DASH, whatever the manifests or
	// file sizes say, a few percent under the bytes on the wire.
	Bitrate float64

	// Reason and Err are set on EventEnd only. Err is non-nil for
	// ReasonError and then wraps an Error (e.g. ErrLoadingFailed for a
	// refused host or an HTTP error status).
	Reason string
	Err    error
}
