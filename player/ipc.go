package player

// The binding of what mpv's JSON IPC needs from libmpv: a client handle
// of its own per socket connection (mpv_create_client, as mpv's
// --input-ipc-server makes one per connection), commands and properties
// as nodes, observation, and the client's events as mpv_event_to_node
// makes them. Its functions are looked up in the process's global scope,
// where loadLibmpv put libmpv (RTLD_GLOBAL), so this file needs nothing
// of mpv.go's C. The control socket reaches it through the app, never
// directly: it knows only the methods.

/*
#cgo LDFLAGS: -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <mpv/client.h>

#define CPI_FUNCS(X) \
	X(create_client) X(destroy) X(client_name) X(get_time_us) X(free) \
	X(free_node_contents) X(command_node) X(command_node_async) X(command_string) \
	X(get_property) X(get_property_string) X(set_property) X(observe_property) \
	X(unobserve_property) X(request_log_messages) X(request_event) X(event_name) \
	X(wait_event) X(wakeup) X(event_to_node)

#define CPI_FIELD(name) __typeof__(&mpv_##name) name;
static struct { CPI_FUNCS(CPI_FIELD) } cpi;

// cpi_load resolves the functions; NULL, or the name of one missing.
static const char *cpi_load(void) {
#define CPI_SYM(name) \
	if ((cpi.name = (__typeof__(cpi.name))dlsym(RTLD_DEFAULT, "mpv_" #name)) == NULL) return "mpv_" #name;
	CPI_FUNCS(CPI_SYM)
#undef CPI_SYM
	return NULL;
}

static mpv_handle *cpi_create_client(mpv_handle *core, const char *name) { return cpi.create_client(core, name); }
static void cpi_destroy(mpv_handle *h) { cpi.destroy(h); }
static const char *cpi_client_name(mpv_handle *h) { return cpi.client_name(h); }
static int64_t cpi_get_time_us(mpv_handle *h) { return cpi.get_time_us(h); }
static void cpi_free(void *p) { cpi.free(p); }
static void cpi_free_node_contents(mpv_node *n) { cpi.free_node_contents(n); }
static int cpi_command_node(mpv_handle *h, mpv_node *args, mpv_node *result) {
	return cpi.command_node(h, args, result);
}
static int cpi_command_node_async(mpv_handle *h, uint64_t id, mpv_node *args) {
	return cpi.command_node_async(h, id, args);
}
static int cpi_command_string(mpv_handle *h, const char *s) { return cpi.command_string(h, s); }
static int cpi_get_property_node(mpv_handle *h, const char *name, mpv_node *out) {
	return cpi.get_property(h, name, MPV_FORMAT_NODE, out);
}
static char *cpi_get_property_string(mpv_handle *h, const char *name) { return cpi.get_property_string(h, name); }
static int cpi_set_property_node(mpv_handle *h, const char *name, mpv_node *v) {
	return cpi.set_property(h, name, MPV_FORMAT_NODE, v);
}
static int cpi_observe(mpv_handle *h, uint64_t id, const char *name, int as_string) {
	return cpi.observe_property(h, id, name, as_string ? MPV_FORMAT_STRING : MPV_FORMAT_NODE);
}
static int cpi_unobserve(mpv_handle *h, uint64_t id) { return cpi.unobserve_property(h, id); }
static int cpi_request_log_messages(mpv_handle *h, const char *level) { return cpi.request_log_messages(h, level); }
static int cpi_request_event(mpv_handle *h, int id, int enable) { return cpi.request_event(h, id, enable); }
static const char *cpi_event_name(int id) { return cpi.event_name(id); }
static mpv_event *cpi_wait_event(mpv_handle *h, double timeout) { return cpi.wait_event(h, timeout); }
static void cpi_wakeup(mpv_handle *h) { cpi.wakeup(h); }
static int cpi_event_to_node(mpv_node *dst, mpv_event *ev) { return cpi.event_to_node(dst, ev); }
static mpv_node *cpi_reply_result(mpv_event *ev) { return &((mpv_event_command *)ev->data)->result; }

_Static_assert(MPV_EVENT_COMMAND_REPLY == 5, "mpv_event_id renumbered");
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"

	"clusterplay/mpvnode"
)

// eventCommandReply is MPV_EVENT_COMMAND_REPLY: the end of CommandAsync.
const eventCommandReply mpvEventID = 5

// ipcFuncs are resolved once, after libmpv is loaded.
var ipcFuncs struct {
	once sync.Once
	err  error
}

func loadIPCFuncs() error {
	if err := loadLibmpv(); err != nil {
		return err
	}
	ipcFuncs.once.Do(func() {
		if missing := C.cpi_load(); missing != nil {
			ipcFuncs.err = noLibmpvError("libmpv lacks " + C.GoString(missing))
		}
	})
	return ipcFuncs.err
}

// IPCClient is one client of the player's libmpv core, with its own
// observed properties, event mask and event queue, as each connection to
// mpv's own IPC socket has. Its methods are safe for concurrent use;
// Close must come before the Player's Close, whose core waits for every
// client to go.
type IPCClient struct {
	mu      sync.RWMutex // calls share it; destroying takes it
	h       *C.mpv_handle
	closing chan struct{}
	once    sync.Once
}

// NewIPCClient makes a client of the core named name (mpv makes it
// unique if it is taken). Its events must be read (NextEvent) until it is
// closed: a core that shuts down waits for its clients.
func (p *Player) NewIPCClient(name string) (*IPCClient, error) {
	if err := loadIPCFuncs(); err != nil {
		return nil, err
	}
	if p.closed() {
		return nil, ErrClosed
	}
	cname := cString(name)
	defer C.free(unsafe.Pointer(cname))
	var h *C.mpv_handle
	err := p.m.use(func(core *C.mpv_handle) error {
		if h = C.cpi_create_client(core, cname); h == nil {
			return ErrNoMem
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("mpv_create_client: %w", err)
	}
	return &IPCClient{h: h, closing: make(chan struct{})}, nil
}

// use runs f with the live handle; after Close, or once the core shut
// down, the error is mpv's for a core that is gone.
func (c *IPCClient) use(f func(h *C.mpv_handle) error) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.h == nil {
		return ErrUninitialized
	}
	return f(c.h)
}

// Name is mpv_client_name.
func (c *IPCClient) Name() string {
	var name string
	_ = c.use(func(h *C.mpv_handle) error { name = C.GoString(C.cpi_client_name(h)); return nil })
	return name
}

// TimeUS is mpv_get_time_us: mpv's clock, in microseconds.
func (c *IPCClient) TimeUS() int64 {
	var t int64
	_ = c.use(func(h *C.mpv_handle) error { t = int64(C.cpi_get_time_us(h)); return nil })
	return t
}

// APIVersion is mpv_client_api_version: major<<16 | minor.
func (c *IPCClient) APIVersion() int64 { return int64(mpvClientAPIVersion()) }

// Command runs a command given as a node (an array, or a map of named
// arguments) and returns its result: mpv_command_node. The error is
// libmpv's own code, unwrapped, so its text is mpv_error_string's.
func (c *IPCClient) Command(cmd any) (any, error) {
	args, err := newCNode(cmd)
	if err != nil {
		return nil, ErrInvalidParameter
	}
	defer args.free()
	var result any
	err = c.use(func(h *C.mpv_handle) error {
		var out C.mpv_node
		if err := codeError(int(C.cpi_command_node(h, args.n, &out))); err != nil {
			return err
		}
		result = goNode(&out)
		C.cpi_free_node_contents(&out)
		return nil
	})
	return result, err
}

// CommandAsync starts a command; its reply comes from NextEvent with
// request_id id: mpv_command_node_async.
func (c *IPCClient) CommandAsync(id uint64, cmd any) error {
	args, err := newCNode(cmd)
	if err != nil {
		return ErrInvalidParameter
	}
	defer args.free()
	return c.use(func(h *C.mpv_handle) error {
		return codeError(int(C.cpi_command_node_async(h, C.uint64_t(id), args.n)))
	})
}

// CommandString runs a command line as input.conf writes it.
func (c *IPCClient) CommandString(line string) error {
	cs := cString(line)
	defer C.free(unsafe.Pointer(cs))
	return c.use(func(h *C.mpv_handle) error { return codeError(int(C.cpi_command_string(h, cs))) })
}

// GetProperty reads a property as a node.
func (c *IPCClient) GetProperty(name string) (any, error) {
	cs := cString(name)
	defer C.free(unsafe.Pointer(cs))
	var v any
	err := c.use(func(h *C.mpv_handle) error {
		var out C.mpv_node
		if err := codeError(int(C.cpi_get_property_node(h, cs, &out))); err != nil {
			return err
		}
		v = goNode(&out)
		C.cpi_free_node_contents(&out)
		return nil
	})
	return v, err
}

// GetPropertyString reads a property as mpv prints it; ok is false when
// it cannot be read (mpv_get_property_string returns NULL).
func (c *IPCClient) GetPropertyString(name string) (s string, ok bool) {
	cs := cString(name)
	defer C.free(unsafe.Pointer(cs))
	_ = c.use(func(h *C.mpv_handle) error {
		if v := C.cpi_get_property_string(h, cs); v != nil {
			s, ok = C.GoString(v), true
			C.cpi_free(unsafe.Pointer(v))
		}
		return nil
	})
	return s, ok
}

// SetProperty writes a property from a node.
func (c *IPCClient) SetProperty(name string, v any) error {
	val, err := newCNode(v)
	if err != nil {
		return ErrInvalidParameter
	}
	defer val.free()
	cs := cString(name)
	defer C.free(unsafe.Pointer(cs))
	return c.use(func(h *C.mpv_handle) error { return codeError(int(C.cpi_set_property_node(h, cs, val.n))) })
}

// Observe asks for property-change events of name with id, the value a
// node, or a string when asString.
func (c *IPCClient) Observe(id uint64, name string, asString bool) error {
	cs := cString(name)
	defer C.free(unsafe.Pointer(cs))
	flag := C.int(0)
	if asString {
		flag = 1
	}
	return c.use(func(h *C.mpv_handle) error { return codeError(int(C.cpi_observe(h, C.uint64_t(id), cs, flag))) })
}

// Unobserve undoes every Observe with id.
func (c *IPCClient) Unobserve(id uint64) error {
	return c.use(func(h *C.mpv_handle) error { return codeError(int(C.cpi_unobserve(h, C.uint64_t(id)))) })
}

// RequestLogMessages makes mpv's log lines at level and above events.
func (c *IPCClient) RequestLogMessages(level string) error {
	cs := cString(level)
	defer C.free(unsafe.Pointer(cs))
	return c.use(func(h *C.mpv_handle) error { return codeError(int(C.cpi_request_log_messages(h, cs))) })
}

// RequestEvent turns an event on or off by mpv's name for it, or every
// event with "all", as mpv's IPC does: an unknown name is an invalid
// parameter.
func (c *IPCClient) RequestEvent(name string, enable bool) error {
	on := C.int(0)
	if enable {
		on = 1
	}
	return c.use(func(h *C.mpv_handle) error {
		if name == "all" {
			for n := 0; n < 64; n++ {
				C.cpi_request_event(h, C.int(n), on)
			}
			return nil
		}
		id := -1
		for n := 0; n < 64; n++ {
			if s := C.cpi_event_name(C.int(n)); s != nil && C.GoString(s) == name {
				id = n
			}
		}
		if id < 0 {
			return ErrInvalidParameter
		}
		return codeError(int(C.cpi_request_event(h, C.int(id), on)))
	})
}

// NextEvent waits for the client's next event and returns it as mpv's IPC
// writes it: mpv_event_to_node's map ({"event": "property-change", "id",
// "name", "data"}, {"event": "end-file", "reason", ...}), or, for the end
// of a CommandAsync, the reply {"request_id", "error", "data"}. ok is
// false once the client is closed or the core has shut down; the client
// is then destroyed, so the core's shutdown does not wait for it.
func (c *IPCClient) NextEvent() (ev mpvnode.Map, ok bool) {
	for {
		ev, state := c.waitEvent()
		switch state {
		case eventGot:
			return ev, true
		case eventGone:
			c.destroy()
			return nil, false
		}
	}
}

type waitState int

const (
	eventGot  waitState = iota
	eventNext           // nothing (a wake-up) or nothing to pass on: wait again
	eventGone           // closed, or the core shut down
)

func (c *IPCClient) waitEvent() (mpvnode.Map, waitState) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	select {
	case <-c.closing:
		return nil, eventGone
	default:
	}
	if c.h == nil {
		return nil, eventGone
	}
	ev := C.cpi_wait_event(c.h, -1)
	switch mpvEventID(ev.event_id) {
	case eventNone:
		return nil, eventNext
	case eventShutdown:
		return nil, eventGone
	case eventCommandReply:
		return mpvnode.Map{
			{Key: "request_id", Value: int64(ev.reply_userdata)},
			{Key: "error", Value: mpvErrorString(int(ev.error))},
			{Key: "data", Value: goNode(C.cpi_reply_result(ev))},
		}, eventGot
	}
	var node C.mpv_node
	if C.cpi_event_to_node(&node, ev) < 0 {
		return nil, eventNext
	}
	m, _ := goNode(&node).(mpvnode.Map)
	C.cpi_free_node_contents(&node)
	if m == nil {
		return nil, eventNext
	}
	return m, eventGot
}

// Close ends a NextEvent that waits and destroys the client, which drops
// what it observes. It is idempotent.
func (c *IPCClient) Close() {
	c.once.Do(func() {
		close(c.closing)
		_ = c.use(func(h *C.mpv_handle) error { C.cpi_wakeup(h); return nil })
		c.destroy()
	})
}

func (c *IPCClient) destroy() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.h != nil {
		C.cpi_destroy(c.h)
		c.h = nil
	}
}
