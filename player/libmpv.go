package player

import (
	"errors"
	"fmt"
)

// ErrNoLibmpv is wrapped by the error New returns when libmpv cannot be
// used: the shared library is missing or unusable (mpvload.c loads it on the
// first New, not at process start), or the program was built without cgo.
// Everything but playback works without it, so callers may test for it
// with errors.Is and carry on.
var ErrNoLibmpv = errors.New("libmpv is not installed (apt-get install libmpv2, or libmpv-dev to build)")

// noLibmpvError is an error matching ErrNoLibmpv with its own wording, for
// when "not installed" would mislead.
type noLibmpvError string

func (e noLibmpvError) Error() string        { return string(e) }
func (e noLibmpvError) Is(target error) bool { return target == ErrNoLibmpv }

// libmpvNames are the shared objects New tries, in order: the soname of the
// client API 2.x, then the development symlink. Tests replace it to act out
// a machine without libmpv; nothing else may change it.
var libmpvNames = []string{"libmpv.so.2", "libmpv.so"}

// mpvErrorStrings is mpv_error_string of libmpv 0.35 (client API 2.0), for
// Error.Error before libmpv is loaded, or without it. A test checks it
// against the library.
var mpvErrorStrings = [...]string{
	0:  "success",
	1:  "event queue full",
	2:  "memory allocation failed",
	3:  "core not uninitialized", // sic, libmpv's own text
	4:  "invalid parameter",
	5:  "option not found",
	6:  "unsupported format for accessing option",
	7:  "error setting option",
	8:  "property not found",
	9:  "unsupported format for accessing property",
	10: "property unavailable",
	11: "error accessing property",
	12: "error running command",
	13: "loading failed",
	14: "audio output initialization failed",
	15: "video output initialization failed",
	16: "no audio or video data played",
	17: "unrecognized file format",
	18: "not supported",
	19: "operation not implemented",
	20: "something happened",
}

// staticErrorString mirrors mpv_error_string: codes >= 0 are "success",
// codes it does not know "unknown error".
func staticErrorString(code int) string {
	if code >= 0 {
		return mpvErrorStrings[0]
	}
	if -code < len(mpvErrorStrings) {
		return mpvErrorStrings[-code]
	}
	return "unknown error"
}

// mpvEventNames is mpv_event_name of libmpv 0.35; "" where it returns NULL.
var mpvEventNames = [...]string{
	0:  "none",
	1:  "shutdown",
	2:  "log-message",
	3:  "get-property-reply",
	4:  "set-property-reply",
	5:  "command-reply",
	6:  "start-file",
	7:  "end-file",
	8:  "file-loaded",
	11: "idle",
	14: "tick",
	16: "client-message",
	17: "video-reconfig",
	18: "audio-reconfig",
	20: "seek",
	21: "playback-restart",
	22: "property-change",
	24: "event-queue-overflow",
	25: "hook",
}

// staticEventName mirrors mpvEventID.String when libmpv is not loaded.
func staticEventName(id mpvEventID) string {
	if id >= 0 && int(id) < len(mpvEventNames) && mpvEventNames[id] != "" {
		return mpvEventNames[id]
	}
	return fmt.Sprintf("event-%d", int(id))
}
