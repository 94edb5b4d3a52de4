package player

import (
	"errors"
	"strconv"
)

// Error is an mpv_error code as returned by libmpv (always negative). It is
// comparable, so the constants below work with errors.Is even when the code
// arrives wrapped with context ("mpv option vo=x: ...").
type Error int

// Error returns libmpv's own wording (mpv_error_string), e.g. "loading failed".
func (e Error) Error() string {
	if s := mpvErrorString(int(e)); s != "" {
		return s
	}
	return "mpv error " + strconv.Itoa(int(e))
}

// The numbers are libmpv's ABI (client.h promises never to renumber them);
// mpvload.c checks them against the header at compile time.
const (
	ErrEventQueueFull      Error = -1
	ErrNoMem               Error = -2
	ErrUninitialized       Error = -3
	ErrInvalidParameter    Error = -4
	ErrOptionNotFound      Error = -5
	ErrOptionFormat        Error = -6
	ErrOptionError         Error = -7
	ErrPropertyNotFound    Error = -8
	ErrPropertyFormat      Error = -9
	ErrPropertyUnavailable Error = -10
	ErrPropertyError       Error = -11
	ErrCommand             Error = -12
	ErrLoadingFailed       Error = -13
	ErrAOInitFailed        Error = -14
	ErrVOInitFailed        Error = -15
	ErrNothingToPlay       Error = -16
	ErrUnknownFormat       Error = -17
	ErrUnsupported         Error = -18
	ErrNotImplemented      Error = -19
	ErrGeneric             Error = -20
)

// ErrClosed is returned by every Player method called after Close (and by
// the binding once its handle is destroyed), instead of touching freed memory.
var ErrClosed = errors.New("player: closed")

// codeError turns a libmpv return value into an error: nil for >= 0.
func codeError(code int) error {
	if code >= 0 {
		return nil
	}
	return Error(code)
}
