package control

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/mpvnode"
)

// fakeMPV stands for the player's libmpv: the socket's dispatch is what is
// tested here; the real libmpv is driven by the player's and the
// end-to-end tests.
type fakeMPV struct {
	mu      sync.Mutex
	clients []*fakeClient
}

func (f *fakeMPV) Attach(name string) (MPVClient, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := &fakeClient{name: strings.ReplaceAll(name, "-", "_"), events: make(chan mpvnode.Map, 16),
		props: map[string]any{"pause": false, "volume": 100.0, "input-bindings": fakeBindings,
			"command-list": []any{mpvnode.Map{{Key: "name", Value: "cycle"}}, mpvnode.Map{{Key: "name", Value: "seek"}},
				mpvnode.Map{{Key: "name", Value: "keypress"}}, mpvnode.Map{{Key: "name", Value: "run"}}, mpvnode.Map{{Key: "name", Value: "subprocess"}},
				mpvnode.Map{{Key: "name", Value: "set"}}, mpvnode.Map{{Key: "name", Value: "show-text"}}}}}
	f.clients = append(f.clients, c)
	return c, nil
}

func (f *fakeMPV) client(i int) *fakeClient {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.clients[i]
}

// fakeBindings are a few of mpv's keys as its input-bindings property
// lists them.
var fakeBindings = []any{
	binding("SPACE", "cycle pause", 0), binding("q", "quit", 0), binding(">", "playlist-next", 0),
	binding("x", "run rm -rf /", 0), binding("Ctrl+w", "quit", 0),
	binding("q", "quit 4", -1), // an inactive section's
}

func binding(key, cmd string, priority int64) mpvnode.Map {
	return mpvnode.Map{{Key: "section", Value: "default"}, {Key: "cmd", Value: cmd},
		{Key: "priority", Value: priority}, {Key: "key", Value: key}}
}

// fakeClient notes what it was asked: "cmd [...]", "text ...", "set ...".
type fakeClient struct {
	name   string
	mu     sync.Mutex
	calls  []string
	props  map[string]any
	events chan mpvnode.Map
	closed bool
}

var errUnavailable = errors.New("property unavailable")

func (c *fakeClient) note(f string, a ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, fmt.Sprintf(f, a...))
}

func (c *fakeClient) Calls() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.calls...)
}

func (c *fakeClient) Command(cmd any) (any, error) {
	c.note("cmd %s", mpvnode.Append(nil, cmd))
	if arr, ok := cmd.([]any); ok && len(arr) > 1 && arr[1] == "soon" {
		return nil, errInvalid
	}
	return nil, nil
}

func (c *fakeClient) CommandAsync(id uint64, cmd any) error {
	c.note("async %d %s", id, mpvnode.Append(nil, cmd))
	c.events <- mpvnode.Map{{Key: "request_id", Value: int64(id)}, {Key: "error", Value: "success"}, {Key: "data", Value: nil}}
	return nil
}

func (c *fakeClient) CommandString(line string) error {
	c.note("text %s", line)
	if strings.HasPrefix(line, "frobnicate") {
		return errInvalid
	}
	return nil
}

func (c *fakeClient) GetProperty(name string) (any, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if name == "time-pos" {
		return nil, errUnavailable
	}
	v, ok := c.props[name]
	if !ok {
		return nil, errors.New("property not found")
	}
	return v, nil
}

func (c *fakeClient) GetPropertyString(name string) (string, bool) {
	v, err := c.GetProperty(name)
	if err != nil {
		return "", false
	}
	return string(mpvnode.Append(nil, v)), true
}

func (c *fakeClient) SetProperty(name string, v any) error {
	c.note("set %s %s", name, mpvnode.Append(nil, v))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.props[name] = v
	return nil
}

func (c *fakeClient) Observe(id uint64, name string, asString bool) error {
	c.note("observe %d %s %v", id, name, asString)
	c.events <- mpvnode.Map{{Key: "event", Value: "property-change"}, {Key: "id", Value: int64(id)},
		{Key: "name", Value: name}, {Key: "data", Value: false}}
	return nil
}

func (c *fakeClient) Unobserve(id uint64) error            { c.note("unobserve %d", id); return nil }
func (c *fakeClient) RequestLogMessages(l string) error    { c.note("log %s", l); return nil }
func (c *fakeClient) RequestEvent(n string, on bool) error { c.note("event %s %v", n, on); return nil }
func (c *fakeClient) Name() string                         { return c.name }
func (c *fakeClient) TimeUS() int64                        { return 12345 }
func (c *fakeClient) APIVersion() int64                    { return 2 << 16 }

func (c *fakeClient) NextEvent() (mpvnode.Map, bool) {
	ev, ok := <-c.events
	return ev, ok
}

func (c *fakeClient) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.closed = true
		close(c.events)
	}
}

// raw sends one line and returns the next line that is not an event,
// as it came.
func (c *conn) raw(line string) string {
	c.t.Helper()
	if _, err := c.c.Write([]byte(line + "\n")); err != nil {
		c.t.Fatal(err)
	}
	_ = c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for c.sc.Scan() {
		if !strings.Contains(c.sc.Text(), `"event"`) {
			return c.sc.Text()
		}
		c.skipped = append(c.skipped, c.sc.Text())
	}
	c.t.Fatalf("no reply to %s: %v", line, c.sc.Err())
	return ""
}

// waitLine waits for an event line, among those raw read past too.
func (c *conn) waitLine(want string) {
	c.t.Helper()
	for i, l := range c.skipped {
		if l == want {
			c.skipped = append(c.skipped[:i], c.skipped[i+1:]...)
			return
		}
	}
	_ = c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for c.sc.Scan() {
		if c.sc.Text() == want {
			return
		}
	}
	c.t.Fatalf("no %s: %v", want, c.sc.Err())
}

// TestMPVReplies: mpv's IPC requests are answered as mpv answers them,
// byte for byte.
func TestMPVReplies(t *testing.T) {
	s, _, _ := start(t, Options{MPV: &fakeMPV{}})
	c := dial(t, s.opts.Path)
	tests := []struct{ req, want string }{
		{`{"command":["get_property","volume"]}`, `{"data":100.000000,"request_id":0,"error":"success"}`},
		{`{"command":["get_property","pause"],"request_id":"abc"}`, `{"data":false,"request_id":"abc","error":"success"}`},
		{`{"command":["get_property","pause"],"request_id":1.5}`, `{"data":false,"request_id":1.500000,"error":"success"}`},
		{`{"command":["get_property","pause"],"request_id":{"k":[null]}}`, `{"data":false,"request_id":{"k":[null]},"error":"success"}`},
		{`{"command":["get_property","time-pos"],"request_id":2}`, `{"request_id":2,"error":"property unavailable"}`},
		{`{"command":["get_property","nope"]}`, `{"request_id":0,"error":"property not found"}`},
		{`{"command":["get_property"]}`, `{"request_id":0,"error":"invalid parameter"}`},
		{`{"command":["get_property",5]}`, `{"request_id":0,"error":"invalid parameter"}`},
		{`{"command":["get_property_string","nope"]}`, `{"data":null,"request_id":0,"error":"success"}`},
		{`{"command":["set_property","pause",true]}`, `{"request_id":0,"error":"success"}`},
		{`{"command":["set_property","pause"]}`, `{"request_id":0,"error":"invalid parameter"}`},
		{`{"command":["observe_property",1.5,"pause"]}`, `{"request_id":0,"error":"invalid parameter"}`},
		{`{"command":["unobserve_property",1]}`, `{"request_id":0,"error":"success"}`},
		{`{"command":["request_log_messages","warn"]}`, `{"request_id":0,"error":"success"}`},
		{`{"command":["disable_event","all"]}`, `{"request_id":0,"error":"success"}`},
		{`{"command":["client_name"]}`, `{"data":"ipc_0","request_id":0,"error":"success"}`},
		{`{"command":["get_time_us"]}`, `{"data":12345,"request_id":0,"error":"success"}`},
		{`{"command":["get_version"]}`, `{"data":131072,"request_id":0,"error":"success"}`},
		{`{"command":["cycle","pause"],"request_id":3}`, `{"data":null,"request_id":3,"error":"success"}`},
		{`{"command":["seek","soon"]}`, `{"request_id":0,"error":"seek: argument 1 must be a number, got \"soon\""}`},
		{`{"command":["frobnicate"]}`, `{"request_id":0,"error":"unknown command \"frobnicate\" (get_status, set_load_balancing, fail_host, next_host, resolve, load, set_pause, seek, inject, clear_faults, get_pathways, set_pathway, cycle_quality, quit)"}`},
		{`{"command":{"name":"frobnicate"}}`, `{"request_id":0,"error":"unknown command \"frobnicate\" (get_status, set_load_balancing, fail_host, next_host, resolve, load, set_pause, seek, inject, clear_faults, get_pathways, set_pathway, cycle_quality, quit)"}`},
		{`{"command":{"args":[]}}`, `{"request_id":0,"error":"invalid parameter"}`},
		{`{"command":["cycle","pause"],"async":true,"request_id":"x"}`, `{"request_id":"x","error":"invalid parameter"}`},
		{`{"command":["cycle","pause"],"async":"yes","request_id":4}`, `{"request_id":0,"error":"invalid parameter"}`},
		{`{"command":["get_status"]`, `{"request_id":0,"error":"invalid parameter"}`},
		{`{command = ["get_property", "pause",], request_id = 5,}`, `{"data":true,"request_id":5,"error":"success"}`},
		{`{"command":["cycle","pause"],"request_id":6,"async":true}`, `{"request_id":6,"error":"success","data":null}`}, // from the event loop
	}
	for _, tt := range tests {
		if got := c.raw(tt.req); got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.req, got, tt.want)
		}
	}
}

// TestMPVPassesAndEvents: what is not clusterplay's goes to the client's
// own libmpv client as it came, and its events reach the connection.
func TestMPVPassesAndEvents(t *testing.T) {
	mpv := &fakeMPV{}
	s, _, rec := start(t, Options{MPV: mpv})
	c := dial(t, s.opts.Path)
	c.raw(`{"command":["cycle","pause"]}`)
	c.raw(`{"command":{"name":"seek","target":5,"flags":"absolute"}}`)
	c.raw(`{"command":["no-osd","seek",1,"absolute-percent"]}`)
	c.raw(`{"command":["seek",50,"absolute-percent"]}`)
	c.raw(`{"command":["observe_property",7,"pause"]}`)
	fc := mpv.client(0)
	want := []string{`cmd ["cycle","pause"]`, `cmd {"name":"seek","target":5,"flags":"absolute"}`,
		`cmd ["no-osd","seek",1,"absolute-percent"]`, `cmd ["seek",50,"absolute-percent"]`, `observe 7 pause false`}
	if got := fc.Calls(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("mpv was asked\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if calls := rec.Calls(); len(calls) != 0 {
		t.Errorf("clusterplay was asked %q", calls)
	}
	c.waitLine(`{"event":"property-change","id":7,"name":"pause","data":false}`)
	// Text lines: mpv runs them, and they are answered only on failure.
	c.c.Write([]byte("show-text hi ; cycle pause # a comment\n"))
	if r := c.raw("frobnicate 1"); r != `{"request_id":0,"error":"invalid parameter"}` {
		t.Errorf("a failing text command: %s", r)
	}
	if got := fc.Calls()[len(want):]; strings.Join(got, ",") != "text show-text hi,text cycle pause,text frobnicate 1" {
		t.Errorf("text commands: %q", got)
	}
	// Disconnecting drops the client of libmpv, with what it observed.
	c.c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for !fc.isClosed() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !fc.isClosed() {
		t.Error("the libmpv client outlived its connection")
	}
}

func (c *fakeClient) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}
