package player

// This is the only file with cgo. It is a thin binding of libmpv's client
// API (mpv/client.h, API 2.0 as shipped with mpv 0.35): every C value is
// copied into a Go value before a function returns, and C never keeps a Go
// pointer, so the rest of the package is plain Go.
//
// The binary does not link libmpv. It compiles against the header only and
// dlopens the library on the first New (loadLibmpv), because libmpv drags in
// some 200 shared libraries whose pages cost tens of MB of RSS at start-up,
// which a process that never plays (--print-url, --version) should not pay,
// and which a machine that only resolves need not have installed. Every
// mpv_* function is called through a pointer in cp_mpv, filled by dlsym.
// Building needs only mpv/client.h (libmpv-dev; /usr/include on Debian, else
// set CGO_CFLAGS=$(pkg-config --cflags mpv)); running playback needs libmpv2.

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <pthread.h>
#include <mpv/client.h>
#include <mpv/render.h>

// errors.go and mpv_types.go spell these as Go literals; keep them honest.
_Static_assert(MPV_ERROR_EVENT_QUEUE_FULL == -1, "mpv_error renumbered");
_Static_assert(MPV_ERROR_NOMEM == -2, "mpv_error renumbered");
_Static_assert(MPV_ERROR_UNINITIALIZED == -3, "mpv_error renumbered");
_Static_assert(MPV_ERROR_INVALID_PARAMETER == -4, "mpv_error renumbered");
_Static_assert(MPV_ERROR_OPTION_NOT_FOUND == -5, "mpv_error renumbered");
_Static_assert(MPV_ERROR_OPTION_FORMAT == -6, "mpv_error renumbered");
_Static_assert(MPV_ERROR_OPTION_ERROR == -7, "mpv_error renumbered");
_Static_assert(MPV_ERROR_PROPERTY_NOT_FOUND == -8, "mpv_error renumbered");
_Static_assert(MPV_ERROR_PROPERTY_FORMAT == -9, "mpv_error renumbered");
_Static_assert(MPV_ERROR_PROPERTY_UNAVAILABLE == -10, "mpv_error renumbered");
_Static_assert(MPV_ERROR_PROPERTY_ERROR == -11, "mpv_error renumbered");
_Static_assert(MPV_ERROR_COMMAND == -12, "mpv_error renumbered");
_Static_assert(MPV_ERROR_LOADING_FAILED == -13, "mpv_error renumbered");
_Static_assert(MPV_ERROR_AO_INIT_FAILED == -14, "mpv_error renumbered");
_Static_assert(MPV_ERROR_VO_INIT_FAILED == -15, "mpv_error renumbered");
_Static_assert(MPV_ERROR_NOTHING_TO_PLAY == -16, "mpv_error renumbered");
_Static_assert(MPV_ERROR_UNKNOWN_FORMAT == -17, "mpv_error renumbered");
_Static_assert(MPV_ERROR_UNSUPPORTED == -18, "mpv_error renumbered");
_Static_assert(MPV_ERROR_NOT_IMPLEMENTED == -19, "mpv_error renumbered");
_Static_assert(MPV_ERROR_GENERIC == -20, "mpv_error renumbered");
_Static_assert(MPV_FORMAT_STRING == 1 && MPV_FORMAT_FLAG == 3 && MPV_FORMAT_INT64 == 4 &&
	MPV_FORMAT_DOUBLE == 5, "mpv_format renumbered");
_Static_assert(MPV_EVENT_SHUTDOWN == 1 && MPV_EVENT_LOG_MESSAGE == 2 && MPV_EVENT_START_FILE == 6 &&
	MPV_EVENT_END_FILE == 7 && MPV_EVENT_FILE_LOADED == 8 && MPV_EVENT_IDLE == 11 &&
	MPV_EVENT_SEEK == 20 && MPV_EVENT_PLAYBACK_RESTART == 21 &&
	MPV_EVENT_PROPERTY_CHANGE == 22, "mpv_event_id renumbered");
_Static_assert(MPV_END_FILE_REASON_EOF == 0 && MPV_END_FILE_REASON_STOP == 2 &&
	MPV_END_FILE_REASON_QUIT == 3 && MPV_END_FILE_REASON_ERROR == 4 &&
	MPV_END_FILE_REASON_REDIRECT == 5, "mpv_end_file_reason renumbered");

// Every libmpv function the binding uses; X(name) stands for mpv_name.
#define CP_MPV_FUNCS(X) \
	X(client_api_version) \
	X(error_string) \
	X(event_name) \
	X(free) \
	X(create) \
	X(initialize) \
	X(terminate_destroy) \
	X(set_option_string) \
	X(command) \
	X(get_property) \
	X(set_property) \
	X(observe_property) \
	X(request_log_messages) \
	X(wait_event) \
	X(wakeup) \
	X(render_context_create) \
	X(render_context_set_update_callback) \
	X(render_context_get_info) \
	X(render_context_render) \
	X(render_context_free)

// The pointers take their types from the header's prototypes, so a wrapper
// below that calls one wrongly fails to compile, as a direct call would.
#define CP_FIELD(name) __typeof__(&mpv_##name) name;
static struct { CP_MPV_FUNCS(CP_FIELD) } cp_mpv;

enum { CP_LOAD_OK, CP_LOAD_DLOPEN, CP_LOAD_DLSYM, CP_LOAD_VERSION };

// cp_load opens libmpv (primary, else fallback if not NULL) and resolves
// every function into cp_mpv. It returns a CP_LOAD_* code; on failure err
// holds dlerror's text (thread-local in libc, so it is copied here, in the
// same call). Go calls it at most once (sync.Once), so there is no race on
// cp_mpv: its writes happen before any use, which the Once orders.
static int cp_load(const char *primary, const char *fallback, char *err, size_t errlen) {
	// RTLD_GLOBAL: mpv's C plugin scripts, which a user's mpv config may load,
	// resolve the mpv_* functions from the global scope.
	void *lib = dlopen(primary, RTLD_NOW | RTLD_GLOBAL);
	if (lib == NULL) {
		const char *e = dlerror();
		snprintf(err, errlen, "%s", e ? e : primary);
		if (fallback == NULL || (lib = dlopen(fallback, RTLD_NOW | RTLD_GLOBAL)) == NULL) {
			return CP_LOAD_DLOPEN; // the first error: the soname is what was missing
		}
	}
	dlerror();
#define CP_SYM(name) \
	if ((cp_mpv.name = (__typeof__(cp_mpv.name))dlsym(lib, "mpv_" #name)) == NULL) { \
		const char *e = dlerror(); \
		snprintf(err, errlen, "%s", e ? e : "mpv_" #name ": symbol is NULL"); \
		goto fail; \
	}
	CP_MPV_FUNCS(CP_SYM)
#undef CP_SYM
	// The binding reads API 2.x structs; a library of another major (a
	// libmpv.so symlink to libmpv.so.1, say) would be misread.
	unsigned long v = cp_mpv.client_api_version();
	if (v >> 16 != MPV_CLIENT_API_VERSION >> 16) {
		snprintf(err, errlen, "client API %lu.%lu, this build needs %lu.x",
			v >> 16, v & 0xffff, (unsigned long)(MPV_CLIENT_API_VERSION >> 16));
		memset(&cp_mpv, 0, sizeof cp_mpv);
		dlclose(lib);
		return CP_LOAD_VERSION;
	}
	return CP_LOAD_OK;
fail:
	memset(&cp_mpv, 0, sizeof cp_mpv);
	dlclose(lib);
	return CP_LOAD_DLSYM;
}

// mpv_create returns NULL unless LC_NUMERIC is "C" (mpv parses and prints
// floats with the C library), so force it right before creating.
static mpv_handle *cp_create(void) {
	setlocale(LC_NUMERIC, "C");
	return cp_mpv.create();
}

// Static wrappers, because Go cannot call a C function pointer itself.
static unsigned long cp_client_api_version(void) { return cp_mpv.client_api_version(); }
static const char *cp_error_string(int error) { return cp_mpv.error_string(error); }
static const char *cp_event_name(mpv_event_id id) { return cp_mpv.event_name(id); }
static void cp_free(void *data) { cp_mpv.free(data); }
static int cp_initialize(mpv_handle *h) { return cp_mpv.initialize(h); }
static void cp_terminate_destroy(mpv_handle *h) { cp_mpv.terminate_destroy(h); }
static int cp_set_option_string(mpv_handle *h, const char *name, const char *data) {
	return cp_mpv.set_option_string(h, name, data);
}
static int cp_command(mpv_handle *h, const char **args) { return cp_mpv.command(h, args); }
static int cp_get_property(mpv_handle *h, const char *name, mpv_format format, void *data) {
	return cp_mpv.get_property(h, name, format, data);
}
static int cp_set_property(mpv_handle *h, const char *name, mpv_format format, void *data) {
	return cp_mpv.set_property(h, name, format, data);
}
static int cp_observe_property(mpv_handle *h, uint64_t reply_userdata, const char *name, mpv_format format) {
	return cp_mpv.observe_property(h, reply_userdata, name, format);
}
static int cp_request_log_messages(mpv_handle *h, const char *min_level) {
	return cp_mpv.request_log_messages(h, min_level);
}
static mpv_event *cp_wait_event(mpv_handle *h, double timeout) { return cp_mpv.wait_event(h, timeout); }
static void cp_wakeup(mpv_handle *h) { cp_mpv.wakeup(h); }

// cp_wake hands mpv's render-update callback to the goroutine that renders.
// mpv forbids calling any of its functions from that callback, so it only
// sets a bit and signals; Go sets its own bit (a resize, a stop) the same
// way, so one blocking wait serves both. It lives in C memory because mpv
// keeps the pointer.
enum { CP_WAKE_MPV = 1, CP_WAKE_GO = 2 };
typedef struct {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int bits;
} cp_wake;

static cp_wake *cp_wake_new(void) {
	cp_wake *w = calloc(1, sizeof *w);
	if (w != NULL) {
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->cond, NULL);
	}
	return w;
}
static void cp_wake_free(cp_wake *w) {
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->mu);
	free(w);
}
static void cp_wake_set(cp_wake *w, int bit) {
	pthread_mutex_lock(&w->mu);
	w->bits |= bit;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mu);
}
static int cp_wake_wait(cp_wake *w) {
	pthread_mutex_lock(&w->mu);
	while (w->bits == 0) {
		pthread_cond_wait(&w->cond, &w->mu);
	}
	int bits = w->bits;
	w->bits = 0;
	pthread_mutex_unlock(&w->mu);
	return bits;
}
static void cp_on_render_update(void *ctx) { cp_wake_set(ctx, CP_WAKE_MPV); }

static int cp_render_create(mpv_handle *h, mpv_render_context **ctx, cp_wake *w) {
	mpv_render_param params[] = {
		{MPV_RENDER_PARAM_API_TYPE, (void *)MPV_RENDER_API_TYPE_SW},
		{MPV_RENDER_PARAM_INVALID, NULL},
	};
	int err = cp_mpv.render_context_create(ctx, h, params);
	if (err >= 0) {
		cp_mpv.render_context_set_update_callback(*ctx, cp_on_render_update, w);
	}
	return err;
}

// cp_render_sw renders the current frame into pixels (rgb0, w x h, stride
// bytes a row), or with skip set takes the frame off mpv's queue without
// drawing it. The parameters are built here so Go passes no pointers to Go
// pointers. It never blocks for the frame's display time: the caller paces.
static int cp_render_sw(mpv_render_context *ctx, int w, int h, size_t stride, void *pixels, int skip) {
	int size[2] = {w, h};
	int block = 0;
	mpv_render_param params[] = {
		{MPV_RENDER_PARAM_SW_SIZE, size},
		{MPV_RENDER_PARAM_SW_FORMAT, (void *)"rgb0"},
		{MPV_RENDER_PARAM_SW_STRIDE, &stride},
		{MPV_RENDER_PARAM_SW_POINTER, pixels},
		{MPV_RENDER_PARAM_BLOCK_FOR_TARGET_TIME, &block},
		{MPV_RENDER_PARAM_SKIP_RENDERING, &skip},
		{MPV_RENDER_PARAM_INVALID, NULL},
	};
	return cp_mpv.render_context_render(ctx, params);
}
// cp_render_has_frame says whether mpv queued a frame to draw (or to
// redraw), rather than waking the renderer for a change of its video
// output, after which it may hold no picture at all.
static int cp_render_has_frame(mpv_render_context *ctx) {
	mpv_render_frame_info info = {0};
	mpv_render_param param = {MPV_RENDER_PARAM_NEXT_FRAME_INFO, &info};
	return cp_mpv.render_context_get_info(ctx, param) >= 0 &&
		(info.flags & MPV_RENDER_FRAME_INFO_PRESENT) != 0;
}
static void cp_render_free(mpv_render_context *ctx) { cp_mpv.render_context_free(ctx); }

// Property payloads are read in C so Go never dereferences a void* itself.
static char *cp_prop_string(mpv_event_property *p) { return *(char **)p->data; }
static int cp_prop_flag(mpv_event_property *p) { return *(int *)p->data; }
static double cp_prop_double(mpv_event_property *p) { return *(double *)p->data; }
static int64_t cp_prop_int64(mpv_event_property *p) { return *(int64_t *)p->data; }
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

// getProperty reads name into the C variable at dst, which must match format.
func (m *mpvHandle) getProperty(name string, format mpvFormat, dst unsafe.Pointer) error {
	cs, free, err := cstrings(name)
	defer free()
	if err != nil {
		return err
	}
	return m.use(func(h *C.mpv_handle) error {
		if err := codeError(int(C.cp_get_property(h, cs[0], C.mpv_format(format), dst))); err != nil {
			return fmt.Errorf("mpv property %s: %w", name, err)
		}
		return nil
	})
}

// setProperty writes the C variable at src, which must match format.
func (m *mpvHandle) setProperty(name string, format mpvFormat, src unsafe.Pointer) error {
	cs, free, err := cstrings(name)
	defer free()
	if err != nil {
		return err
	}
	return m.use(func(h *C.mpv_handle) error {
		if err := codeError(int(C.cp_set_property(h, cs[0], C.mpv_format(format), src))); err != nil {
			return fmt.Errorf("mpv set property %s: %w", name, err)
		}
		return nil
	})
}

func (m *mpvHandle) GetPropertyString(name string) (string, error) {
	var v *C.char
	if err := m.getProperty(name, formatString, unsafe.Pointer(&v)); err != nil {
		return "", err
	}
	defer C.cp_free(unsafe.Pointer(v))
	return C.GoString(v), nil
}

func (m *mpvHandle) GetPropertyFlag(name string) (bool, error) {
	var v C.int
	err := m.getProperty(name, formatFlag, unsafe.Pointer(&v))
	return v != 0, err
}

func (m *mpvHandle) GetPropertyDouble(name string) (float64, error) {
	var v C.double
	err := m.getProperty(name, formatDouble, unsafe.Pointer(&v))
	return float64(v), err
}

func (m *mpvHandle) GetPropertyInt64(name string) (int64, error) {
	var v C.int64_t
	err := m.getProperty(name, formatInt64, unsafe.Pointer(&v))
	return int64(v), err
}

func (m *mpvHandle) SetPropertyString(name, value string) error {
	cs, free, err := cstrings(value)
	defer free()
	if err != nil {
		return err
	}
	// MPV_FORMAT_STRING takes a char**: the address of the slice element,
	// Go memory holding only a C pointer, which cgo allows.
	return m.setProperty(name, formatString, unsafe.Pointer(&cs[0]))
}

func (m *mpvHandle) SetPropertyFlag(name string, value bool) error {
	v := C.int(0)
	if value {
		v = 1
	}
	return m.setProperty(name, formatFlag, unsafe.Pointer(&v))
}

func (m *mpvHandle) SetPropertyDouble(name string, value float64) error {
	v := C.double(value)
	return m.setProperty(name, formatDouble, unsafe.Pointer(&v))
}

func (m *mpvHandle) SetPropertyInt64(name string, value int64) error {
	v := C.int64_t(value)
	return m.setProperty(name, formatInt64, unsafe.Pointer(&v))
}

// ObserveProperty asks for PROPERTY_CHANGE events carrying id as
// ReplyUserdata and the value in format (formatNone: change notice only).
func (m *mpvHandle) ObserveProperty(id uint64, name string, format mpvFormat) error {
	cs, free, err := cstrings(name)
	defer free()
	if err != nil {
		return err
	}
	return m.use(func(h *C.mpv_handle) error {
		if err := codeError(int(C.cp_observe_property(h, C.uint64_t(id), cs[0], C.mpv_format(format)))); err != nil {
			return fmt.Errorf("mpv observe %s: %w", name, err)
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

// mpvRender is the core's software render context (mpv/render.h). One
// goroutine waits and renders; poke may come from any. free must come
// before the handle's TerminateDestroy: mpv requires it.
type mpvRender struct {
	mu   sync.Mutex // orders poke against free
	ctx  *C.mpv_render_context
	wake *C.cp_wake
}

// newSWRender creates the render context that vo=libmpv draws through. It
// must exist before the first file is loaded, or the video output fails.
func (m *mpvHandle) newSWRender() (*mpvRender, error) {
	w := C.cp_wake_new()
	if w == nil {
		return nil, fmt.Errorf("mpv_render_context_create: %w", ErrNoMem)
	}
	var ctx *C.mpv_render_context
	err := m.use(func(h *C.mpv_handle) error {
		return codeError(int(C.cp_render_create(h, &ctx, w)))
	})
	if err != nil {
		C.cp_wake_free(w)
		return nil, fmt.Errorf("mpv_render_context_create: %w", err)
	}
	return &mpvRender{ctx: ctx, wake: w}, nil
}

// wait blocks until mpv has a frame (or a redraw) or poke was called, and
// says which. Only the rendering goroutine calls it, and never after free.
func (r *mpvRender) wait() wakeBits { return wakeBits(C.cp_wake_wait(r.wake)) }

// poke ends the current or next wait with wakeGo; after free it does nothing.
func (r *mpvRender) poke() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.wake != nil {
		C.cp_wake_set(r.wake, C.CP_WAKE_GO)
	}
}

// render draws the newest frame, letterboxed by mpv, into pix: rgb0 rows
// of stride bytes, w x h pixels. pix is Go memory that C only borrows for
// the call.
func (r *mpvRender) render(pix []byte, w, h, stride int) error {
	if w <= 0 || h <= 0 || len(pix) < stride*h || stride < 4*w {
		return fmt.Errorf("render %dx%d, stride %d, into %d bytes: %w", w, h, stride, len(pix), ErrInvalidParameter)
	}
	err := codeError(int(C.cp_render_sw(r.ctx, C.int(w), C.int(h), C.size_t(stride), unsafe.Pointer(&pix[0]), 0)))
	if err != nil {
		return fmt.Errorf("mpv_render_context_render: %w", err)
	}
	return nil
}

// hasFrame says whether mpv has queued a frame since the last render.
func (r *mpvRender) hasFrame() bool { return C.cp_render_has_frame(r.ctx) != 0 }

// skip takes the newest frame without drawing it, so mpv's video output
// never waits for a frame the pane has no use for.
func (r *mpvRender) skip() {
	C.cp_render_sw(r.ctx, 0, 0, 0, nil, 1)
}

// free releases the context (mpv stops the video output it fed) and then
// the wake-up, which mpv's callback may touch until the context is gone.
func (r *mpvRender) free() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx == nil {
		return
	}
	C.cp_render_free(r.ctx)
	C.cp_wake_free(r.wake)
	r.ctx, r.wake = nil, nil
}
