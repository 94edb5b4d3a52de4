package player

// The libmpv binding: every C value is copied into a Go value before a
// function returns, and C never keeps a Go pointer, so the rest of the
// package is plain Go. Three files use cgo, each for one part of libmpv's
// client API (mpv/client.h, API 2.0 as shipped with mpv 0.35): this one the
// handle (loading, creating, commands, events, destroying), mpv_props.go
// its properties, mpv_render.go the software render context. The C they
// call is mpvload.c.
//
// The binary does not link libmpv: mpvload.c dlopens it on the first New
// (loadLibmpv), and every mpv_* function is called through a pointer
// filled by dlsym. Building needs only mpv/client.h (libmpv-dev; /usr/include
// on Debian, else set CGO_CFLAGS=$(pkg-config --cflags mpv)); running
// playback needs libmpv2. Without cgo, mpv_nocgo.go stands in.

/*
#cgo LDFLAGS: -ldl
#include <stdlib.h>
#include "mpvload.h"
*/
import "C"

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// mpvHandle owns one mpv_handle. libmpv calls are thread-safe among
// themselves, but nothing may use the handle during or after
// mpv_terminate_destroy, hence the RWMutex: calls share it, destroy takes it.
type mpvHandle struct {
	mu      sync.RWMutex
	h       *C.mpv_handle
	closing chan struct{} // closed when destroy starts: WaitEvent stops blocking
	once    sync.Once
}

// libmpv is loaded at most once per process; ok is set once it is usable.
var libmpv struct {
	once sync.Once
	err  error
	ok   atomic.Bool
}

// loadLibmpv dlopens libmpv and resolves its functions on the first call;
// later calls return the first one's result. The error wraps ErrNoLibmpv.
func loadLibmpv() error {
	libmpv.once.Do(func() {
		names := libmpvNames
		primary := C.CString(names[0])
		defer C.free(unsafe.Pointer(primary))
		var fallback *C.char
		if len(names) > 1 {
			fallback = C.CString(names[1])
			defer C.free(unsafe.Pointer(fallback))
		}
		var buf [512]C.char
		switch C.cp_load(primary, fallback, &buf[0], C.size_t(len(buf))) {
		case C.CP_LOAD_OK:
			libmpv.ok.Store(true)
		case C.CP_LOAD_DLOPEN:
			libmpv.err = fmt.Errorf("%w: %s", ErrNoLibmpv, C.GoString(&buf[0]))
		default: // a library was found but is not a usable libmpv 2.x
			libmpv.err = noLibmpvError("libmpv cannot be used (need libmpv2, client API 2.x, mpv 0.35+): " + C.GoString(&buf[0]))
		}
	})
	return libmpv.err
}

// newMPV creates an uninitialized core: set options, then Initialize. It
// loads libmpv first; without it the error wraps ErrNoLibmpv.
func newMPV() (*mpvHandle, error) {
	if err := loadLibmpv(); err != nil {
		return nil, err
	}
	h := C.cp_create()
	if h == nil {
		return nil, fmt.Errorf("mpv_create failed (out of memory, or LC_NUMERIC is not \"C\")")
	}
	return &mpvHandle{h: h, closing: make(chan struct{})}, nil
}

// use runs f with the live handle, or returns ErrClosed after destroy.
func (m *mpvHandle) use(f func(h *C.mpv_handle) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.h == nil {
		return ErrClosed
	}
	return f(m.h)
}

// cstrings allocates C copies of ss and returns a function freeing them all.
// A NUL inside a string would silently cut it short in C, so it is refused.
func cstrings(ss ...string) ([]*C.char, func(), error) {
	for _, s := range ss {
		if strings.IndexByte(s, 0) >= 0 {
			return nil, func() {}, fmt.Errorf("%q contains a NUL byte: %w", s, ErrInvalidParameter)
		}
	}
	cs := make([]*C.char, len(ss), len(ss)+1)
	for i, s := range ss {
		cs[i] = C.CString(s)
	}
	return cs, func() {
		for _, c := range cs {
			C.free(unsafe.Pointer(c))
		}
	}, nil
}

// SetOptionString sets an option before Initialize (mpv_set_option_string).
func (m *mpvHandle) SetOptionString(name, value string) error {
	cs, free, err := cstrings(name, value)
	defer free()
	if err != nil {
		return err
	}
	return m.use(func(h *C.mpv_handle) error {
		if err := codeError(int(C.cp_set_option_string(h, cs[0], cs[1]))); err != nil {
			return fmt.Errorf("mpv option %s=%q: %w", name, value, err)
		}
		return nil
	})
}

// Initialize starts the core; options given before it take effect.
func (m *mpvHandle) Initialize() error {
	return m.use(func(h *C.mpv_handle) error {
		if err := codeError(int(C.cp_initialize(h))); err != nil {
			return fmt.Errorf("mpv_initialize: %w", err)
		}
		return nil
	})
}

// Command runs an mpv input command synchronously. Each argument is passed
// as is (mpv_command with a NULL-terminated argv): no quoting or parsing.
func (m *mpvHandle) Command(args ...string) error {
	if len(args) == 0 {
		return fmt.Errorf("empty mpv command: %w", ErrInvalidParameter)
	}
	cs, free, err := cstrings(args...)
	defer free()
	if err != nil {
		return err
	}
	// The argv itself lives in Go memory; it holds only C pointers, which
	// cgo allows, and mpv reads it only during the call.
	argv := append(cs, nil)
	return m.use(func(h *C.mpv_handle) error {
		if err := codeError(int(C.cp_command(h, &argv[0]))); err != nil {
			return fmt.Errorf("mpv command %q: %w", args, err)
		}
		return nil
	})
}

// RequestLogMessages enables LOG_MESSAGE events at minLevel ("no" to stop).
func (m *mpvHandle) RequestLogMessages(minLevel string) error {
	cs, free, err := cstrings(minLevel)
	defer free()
	if err != nil {
		return err
	}
	return m.use(func(h *C.mpv_handle) error {
		if err := codeError(int(C.cp_request_log_messages(h, cs[0]))); err != nil {
			return fmt.Errorf("mpv log level %q: %w", minLevel, err)
		}
		return nil
	})
}

// WaitEvent waits up to timeout seconds (negative: forever) for the next
// event; eventNone on timeout or Wakeup. Only one goroutine may call it at
// a time. After TerminateDestroy has begun it returns eventShutdown at once.
func (m *mpvHandle) WaitEvent(timeout float64) mpvEvent {
	m.mu.RLock()
	defer m.mu.RUnlock()
	select {
	case <-m.closing:
		// mpv_wakeup is sticky, so a destroy that starts after this check
		// still interrupts the wait below.
		return mpvEvent{ID: eventShutdown}
	default:
	}
	if m.h == nil {
		return mpvEvent{ID: eventShutdown}
	}
	return copyEvent(C.cp_wait_event(m.h, C.double(timeout)))
}

// copyEvent copies everything out of ev, which mpv reuses on the next wait.
func copyEvent(ev *C.mpv_event) mpvEvent {
	out := mpvEvent{
		ID:            mpvEventID(ev.event_id),
		ReplyUserdata: uint64(ev.reply_userdata),
		Err:           codeError(int(ev.error)),
	}
	if ev.data == nil {
		return out
	}
	switch out.ID {
	case eventPropertyChange:
		p := (*C.mpv_event_property)(ev.data)
		out.Name = C.GoString(p.name)
		out.Format = mpvFormat(p.format)
		if p.data == nil {
			out.Format = formatNone
			break
		}
		switch out.Format {
		case formatString:
			out.Value = C.GoString(C.cp_prop_string(p))
		case formatFlag:
			out.Value = C.cp_prop_flag(p) != 0
		case formatDouble:
			out.Value = float64(C.cp_prop_double(p))
		case formatInt64:
			out.Value = int64(C.cp_prop_int64(p))
		default:
			out.Format = formatNone
		}
	case eventStartFile:
		out.EntryID = int64((*C.mpv_event_start_file)(ev.data).playlist_entry_id)
	case eventEndFile:
		e := (*C.mpv_event_end_file)(ev.data)
		out.Reason = mpvEndReason(e.reason)
		out.EndErr = codeError(int(e.error))
		out.EntryID = int64(e.playlist_entry_id)
		out.InsertID = int64(e.playlist_insert_id)
		out.InsertNum = int(e.playlist_insert_num_entries)
	case eventLogMessage:
		l := (*C.mpv_event_log_message)(ev.data)
		out.Prefix = C.GoString(l.prefix)
		out.Level = C.GoString(l.level)
		out.Text = strings.TrimSuffix(C.GoString(l.text), "\n")
	}
	return out
}

// Wakeup interrupts a blocked WaitEvent (or the next one, if none blocks).
func (m *mpvHandle) Wakeup() {
	_ = m.use(func(h *C.mpv_handle) error {
		C.cp_wakeup(h)
		return nil
	})
}

// TerminateDestroy shuts the core down (like the quit command), waits for
// it, and frees the handle. It waits for a concurrent WaitEvent to return
// first. Safe to call more than once.
func (m *mpvHandle) TerminateDestroy() {
	m.once.Do(func() {
		close(m.closing)
		m.Wakeup()
		m.mu.Lock()
		defer m.mu.Unlock()
		C.cp_terminate_destroy(m.h)
		m.h = nil
	})
}

// String is mpv's own event name ("end-file", "playback-restart", ...). It
// does not load libmpv: until something has, the names come from a table.
func (id mpvEventID) String() string {
	if !libmpv.ok.Load() {
		return staticEventName(id)
	}
	if s := C.cp_event_name(C.mpv_event_id(id)); s != nil {
		return C.GoString(s)
	}
	return fmt.Sprintf("event-%d", int(id))
}

// mpvErrorString is mpv_error_string; errors.go stays cgo-free. Error values
// can be formatted in a process that never plays, so this does not load
// libmpv either: until something has, the text comes from a table.
func mpvErrorString(code int) string {
	if !libmpv.ok.Load() {
		return staticErrorString(code)
	}
	return C.GoString(C.cp_error_string(C.int(code)))
}

// mpvClientAPIVersion is mpv_client_api_version: major<<16 | minor. It loads
// libmpv if need be, and is 0 when that fails.
func mpvClientAPIVersion() uint32 {
	if loadLibmpv() != nil {
		return 0
	}
	return uint32(C.cp_client_api_version())
}
