package player

import "fmt"

// Plain Go mirrors of the libmpv enums the binding uses. They are literals
// (client.h promises stable numbers; mpvload.c asserts them against the
// header) so this file, and the !cgo stub, build without cgo.

// mpvFormat is mpv_format, limited to the scalar formats the binding copies.
type mpvFormat int

const (
	formatNone   mpvFormat = 0
	formatString mpvFormat = 1
	formatFlag   mpvFormat = 3
	formatInt64  mpvFormat = 4
	formatDouble mpvFormat = 5
)

// mpvEventID is mpv_event_id.
type mpvEventID int

const (
	eventNone            mpvEventID = 0
	eventShutdown        mpvEventID = 1
	eventLogMessage      mpvEventID = 2
	eventStartFile       mpvEventID = 6
	eventEndFile         mpvEventID = 7
	eventFileLoaded      mpvEventID = 8
	eventIdle            mpvEventID = 11
	eventSeek            mpvEventID = 20
	eventPlaybackRestart mpvEventID = 21
	eventPropertyChange  mpvEventID = 22
)

// mpvEndReason is mpv_end_file_reason.
type mpvEndReason int

const (
	endEOF      mpvEndReason = 0
	endStop     mpvEndReason = 2
	endQuit     mpvEndReason = 3
	endError    mpvEndReason = 4
	endRedirect mpvEndReason = 5
)

// String gives the reason the way the player's events spell it.
func (r mpvEndReason) String() string {
	switch r {
	case endEOF:
		return ReasonEOF
	case endStop:
		return ReasonStop
	case endQuit:
		return ReasonQuit
	case endError:
		return ReasonError
	case endRedirect:
		return "redirect"
	}
	return fmt.Sprintf("reason-%d", int(r))
}

// mpvEvent is an mpv_event with its payload copied out. Fields that do not
// apply to ID stay zero.
type mpvEvent struct {
	ID            mpvEventID
	ReplyUserdata uint64 // the observe id, for property changes
	Err           error  // mpv_event.error (async replies); nil when >= 0

	// Property change: Format is formatNone (and Value nil) when the
	// property became unavailable; Value is string, bool, float64 or int64.
	Name   string
	Format mpvFormat
	Value  any

	// Start/end file. EndErr is the mpv_error for reason error, else nil.
	EntryID   int64
	Reason    mpvEndReason
	EndErr    error
	InsertID  int64 // redirect: first playlist entry inserted
	InsertNum int

	// Log message; Text has its trailing newline removed.
	Prefix, Level, Text string
}
