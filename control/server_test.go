package control

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/events"
)

// recorder is a Controller that notes each call: the protocol is what is
// tested here; the real session is driven by the end-to-end tests.
type recorder struct {
	mu    sync.Mutex
	calls []string
}

func (r *recorder) note(f string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, fmt.Sprintf(f, a...))
}

func (r *recorder) Calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.calls...)
}

func (r *recorder) SetLoadBalancing(on bool) { r.note("lb %v", on) }
func (r *recorder) FailHost(i int)           { r.note("fail %d", i) }
func (r *recorder) FailoverNow(blame bool)   { r.note("next %v", blame) }
func (r *recorder) Reresolve()               { r.note("resolve") }
func (r *recorder) Load(c string) error      { r.note("load %s", c); return nil }
func (r *recorder) SetPause(on bool) error   { r.note("pause %v", on); return nil }
func (r *recorder) Seek(d time.Duration) error {
	r.note("seek by %v", d)
	return nil
}
func (r *recorder) SeekTo(pos time.Duration) error {
	r.note("seek to %v", pos)
	return nil
}
func (r *recorder) QuitWithCode(code int) { r.note("quit %d", code) }
func (r *recorder) NextClip()             { r.note("next clip") }
func (r *recorder) PrevClip()             { r.note("previous clip") }
func (r *recorder) InjectFault(rule string) (string, error) {
	r.note("inject %s", rule)
	return "inject1", nil
}
func (r *recorder) ClearFaults() { r.note("clear_faults") }
func (r *recorder) GetPathways() any {
	r.note("get_pathways")
	return map[string]any{"pathways": []any{}}
}
func (r *recorder) SetPathway(name string) error { r.note("set_pathway %s", name); return nil }
func (r *recorder) CycleQuality() (string, error) {
	r.note("cycle_quality")
	return "480p", nil
}

func start(t *testing.T, opts Options) (*Server, *events.Bus, *recorder) {
	t.Helper()
	if opts.Path == "" {
		opts.Path = filepath.Join(t.TempDir(), "ctl.sock")
	}
	if opts.Hosts == nil {
		opts.Hosts = []string{"http://a/v", "http://b/v?token=secret"}
	}
	bus, rec := events.NewBus(), &recorder{}
	s, err := Listen(opts, bus, rec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); bus.Close() })
	return s, bus, rec
}

// conn is a test client.
type conn struct {
	t  *testing.T
	c  net.Conn
	sc *bufio.Scanner
	// skipped holds the event lines raw read past while it looked for a
	// reply: an event may come before the reply to the request that
	// caused it, as it does from mpv.
	skipped []string
}

func dial(t *testing.T, path string) *conn {
	t.Helper()
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	sc := bufio.NewScanner(c)
	sc.Buffer(make([]byte, 4096), 1<<20)
	return &conn{t: t, c: c, sc: sc}
}

// line reads the next line that is not an event, within a deadline.
func (c *conn) reply() map[string]any {
	c.t.Helper()
	_ = c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for c.sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(c.sc.Bytes(), &m); err != nil {
			c.t.Fatalf("not JSON: %q", c.sc.Text())
		}
		if _, isEvent := m["event"]; !isEvent {
			return m
		}
	}
	c.t.Fatalf("no reply: %v", c.sc.Err())
	return nil
}

func (c *conn) ask(line string) map[string]any {
	c.t.Helper()
	if _, err := c.c.Write([]byte(line + "\n")); err != nil {
		c.t.Fatal(err)
	}
	return c.reply()
}

func TestCommands(t *testing.T) {
	s, _, rec := start(t, Options{})
	c := dial(t, s.opts.Path)
	tests := []struct {
		req, wantErr, wantCall string
	}{
		{`{"command":["set_load_balancing",true],"request_id":1}`, "success", "lb true"},
		{`{"command":["fail_host"],"request_id":2}`, "success", "fail -1"},
		{`{"command":["fail_host",1],"request_id":3}`, "success", "fail 1"},
		{`{"command":["next_host"]}`, "success", "next false"},
		{`{"command":["resolve"]}`, "success", "resolve"},
		{`{"command":["load","dir/clip.mp4"]}`, "success", "load dir/clip.mp4"},
		{`{"command":["set_pause",false]}`, "success", "pause false"},
		{`{"command":["seek",-5]}`, "success", "seek by -5s"},
		{`{"command":["seek",1.5,"relative"]}`, "success", "seek by 1.5s"},
		{`{"command":["seek",12.5,"absolute"]}`, "success", "seek to 12.5s"},
		{`{"command":["quit",3]}`, "success", "quit 3"},
		{`{"command":["quit"]}`, "success", "quit 0"},
		{`{"command":["inject","{host: 0, action: hang}"]}`, "success", "inject {host: 0, action: hang}"},
		{`{"command":["inject"]}`, "inject takes 1 argument(s), got 0", ""},
		{`{"command":["clear_faults"]}`, "success", "clear_faults"},
		// Bad input: an error that names what was wrong, nothing called.
		{`{"command":["frobnicate"]}`, `unknown command "frobnicate" (get_status, set_load_balancing, fail_host, next_host, resolve, load, set_pause, seek, inject, clear_faults, get_pathways, set_pathway, cycle_quality, quit)`, ""},
		{`{"command":["set_pause","yes"]}`, "set_pause: argument 1 must be true or false", ""},
		{`{"command":["fail_host",7]}`, "no host 7", ""},
		{`{"command":["fail_host",1.5]}`, "must be a whole number", ""},
		{`{"command":["seek",1,"sideways"]}`, `must be "relative" or "absolute"`, ""},
		{`{"command":["seek",-1,"absolute"]}`, "must not be negative", ""},
		{`{"command":["seek"]}`, "seek takes 1 to 2 arguments, got 0", ""},
		{`{"command":["seek",1,5]}`, `seek: argument 2 must be "relative" or "absolute", got 5`, ""},
		{`{"command":["seek","soon"]}`, `seek: argument 1 must be a number, got "soon"`, ""},
		{`{"command":["seek",1,"absolute",3]}`, "seek takes 1 to 2 arguments, got 3", ""},
		{`{"command":["get_status",1]}`, "get_status takes 0 argument(s), got 1", ""},
		{`{"command":["next_host",true]}`, "next_host takes 0 argument(s), got 1", ""},
		{`{"command":["set_load_balancing"]}`, "set_load_balancing takes 1 argument(s), got 0", ""},
		{`{"command":["set_load_balancing",1]}`, "set_load_balancing: argument 1 must be true or false, got 1", ""},
		{`{"command":["fail_host",-1]}`, "fail_host: no host -1 (the cluster has 2, from 0)", ""},
		{`{"command":["fail_host","1"]}`, `fail_host: argument 1 must be a whole number, got "1"`, ""},
		{`{"command":["quit",256]}`, "quit: exit code 256 is not within 0 to 255", ""},
		{`{"command":["quit",1,2]}`, "quit takes 0 to 1 arguments, got 2", ""},
		{`{"command":["quit",1e300]}`, "quit: argument 1 must be a whole number, got 1e+300", ""},
		{`{"command":["load"]}`, "load takes 1 argument(s), got 0", ""},
		{`{"command":["load",42]}`, "must be a string", ""},
		// What mpv's IPC cannot read gets its words.
		{`{"command":[]}`, "invalid parameter", ""},
		{`{"command":[7]}`, "invalid parameter", ""},
		{`{"command":"get_status"}`, "invalid parameter", ""},
		{`{"request_id":1}`, "invalid parameter", ""},
		{`{"command":["get_status"],"async":1}`, "invalid parameter", ""},
		{`{not json`, "invalid parameter", ""},
		{`{"command":["get_status"]`, "invalid parameter", ""},
		// A line that is not JSON is an input.conf command, as in mpv.
		{`[1,2,3]`, `unknown command "[1,2,3]"`, ""},
		{`set_pause yes`, `set_pause: argument 1 must be true or false, got "yes"`, ""},
	}
	for _, tt := range tests {
		before := len(rec.Calls())
		r := c.ask(tt.req)
		if e, _ := r["error"].(string); !strings.Contains(e, tt.wantErr) {
			t.Errorf("%s: error %q, want %q", tt.req, e, tt.wantErr)
		}
		calls := rec.Calls()[before:]
		switch {
		case tt.wantCall == "" && len(calls) != 0:
			t.Errorf("%s: called %q", tt.req, calls)
		case tt.wantCall != "" && (len(calls) != 1 || calls[0] != tt.wantCall):
			t.Errorf("%s: called %q, want %q", tt.req, calls, tt.wantCall)
		}
	}
	if r := c.ask(`{"command":["get_status"],"request_id":9}`); r["request_id"] != 9.0 || r["error"] != "success" {
		t.Errorf("request_id not echoed: %v", r)
	}
	// Text commands of clusterplay's own run too, answered only when
	// they fail, as mpv answers none.
	before := len(rec.Calls())
	c.c.Write([]byte("fail_host 1 ; set_pause true # then a comment\n"))
	if r := c.ask(`{"command":["get_status"],"request_id":10}`); r["request_id"] != 10.0 {
		t.Errorf("a text command was answered: %v", r)
	}
	if got := rec.Calls()[before:]; strings.Join(got, ",") != "fail 1,pause true" {
		t.Errorf("text commands called %q", got)
	}
}

func TestStatusAndEventsFollowTheBus(t *testing.T) {
	s, bus, _ := start(t, Options{Clip: "clip.mp4"})
	c := dial(t, s.opts.Path)
	c.ask(`{"command":["get_status"]}`) // connected before the events
	exp := time.Now().Add(time.Minute)
	bus.Publish(events.Event{Kind: events.ConnectFailed, Host: "http://a/v", Index: 0, Class: events.ClassRefused, ExpiresAt: exp})
	bus.Publish(events.Event{Kind: events.Resolved, Host: "http://b/v?token=secret", Index: 1})
	// LoadBalancing is internal, never sent: it goes before the last line
	// the client waits for, so the status has it by then.
	bus.Publish(events.Event{Kind: events.LoadBalancing, Index: -1, On: true})
	bus.Publish(events.Event{Kind: events.StateChanged, Index: 1, State: events.StatePlaying, Clip: "clip.mp4", Position: 1500 * time.Millisecond})
	// Every public event reaches the client, as --json prints it.
	var kinds []string
	_ = c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for len(kinds) < 3 && c.sc.Scan() {
		var m map[string]any
		json.Unmarshal(c.sc.Bytes(), &m)
		if k, ok := m["event"].(string); ok {
			kinds = append(kinds, k)
			if strings.Contains(c.sc.Text(), "secret") {
				t.Errorf("event shows a secret: %s", c.sc.Text())
			}
		}
	}
	if strings.Join(kinds, ",") != "connect_failed,resolved,state" {
		t.Errorf("events %v", kinds)
	}
	st := c.ask(`{"command":["get_status"]}`)["data"].(map[string]any)
	hosts := st["hosts"].([]any)
	h0, h1 := hosts[0].(map[string]any), hosts[1].(map[string]any)
	if st["state"] != "playing" || st["index"] != 1.0 || st["position"] != 1.5 || st["load_balancing"] != true || st["clip"] != "clip.mp4" {
		t.Errorf("status %v", st)
	}
	if h0["state"] != "failed" || h0["expires_at"] == nil || h1["state"] != "serving" || strings.Contains(fmt.Sprint(h1), "secret") {
		t.Errorf("hosts %v", hosts)
	}
}

func TestBadClientsDoNotHurt(t *testing.T) {
	s, bus, _ := start(t, Options{MaxClients: 40})
	path := s.opts.Path
	// A line over 64 KiB: an error, then the client is gone.
	long := dial(t, path)
	go long.c.Write([]byte(`{"command":["load","` + strings.Repeat("x", MaxLine) + `"]}` + "\n"))
	if r := long.reply(); !strings.Contains(r["error"].(string), "longer than 64 KiB") {
		t.Errorf("long line: %v", r)
	}
	// A client that connects and never reads, while events flood.
	stuck, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close()
	stuck.Write([]byte(`{"command":["get_status"]}` + "\n"))
	for i := range 20000 {
		bus.Publish(events.Event{Kind: events.Connect, Host: "http://a/v", Index: i % 2})
	}
	// Many clients at once (the stuck one and the long one count or went):
	// each still answered promptly.
	var clients []*conn
	for range 36 {
		clients = append(clients, dial(t, path))
	}
	for i, c := range clients {
		began := time.Now()
		if r := c.ask(`{"command":["get_status"]}`); r["error"] != "success" {
			t.Errorf("client %d: %v", i, r)
		}
		if took := time.Since(began); took > 2*time.Second {
			t.Errorf("client %d waited %v behind a stuck one", i, took)
		}
	}
	// Past the limit: told so and disconnected.
	for range 10 {
		dial(t, path)
	}
	over := dial(t, path)
	if r := over.reply(); !strings.Contains(fmt.Sprint(r["error"]), "too many clients") {
		t.Errorf("client past the limit: %v", r)
	}
}

func TestSocketFile(t *testing.T) {
	dir := t.TempDir()
	// Not a socket: refused, left alone.
	plain := filepath.Join(dir, "file")
	os.WriteFile(plain, []byte("keep"), 0o600)
	if _, err := Listen(Options{Path: plain}, events.NewBus(), &recorder{}); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Errorf("a regular file at the path: %v", err)
	}
	if data, _ := os.ReadFile(plain); string(data) != "keep" {
		t.Errorf("the file was touched")
	}
	// Our own socket: mode 0600, in use while open, removed on close.
	s, _, _ := start(t, Options{Path: filepath.Join(dir, "ctl.sock")})
	st, err := os.Stat(s.opts.Path)
	if err != nil || st.Mode()&os.ModeSocket == 0 || st.Mode().Perm() != 0o600 {
		t.Errorf("socket %v: %v", st.Mode(), err)
	}
	if _, err := Listen(Options{Path: s.opts.Path}, events.NewBus(), &recorder{}); err == nil || !strings.Contains(err.Error(), "listening") {
		t.Errorf("a socket in use: %v", err)
	}
	s.Close()
	if _, err := os.Lstat(s.opts.Path); !os.IsNotExist(err) {
		t.Errorf("socket left after Close: %v", err)
	}
	// A stale socket (nobody listening) is replaced.
	stale := filepath.Join(dir, "stale.sock")
	ln, _ := net.Listen("unix", stale)
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	s2, err := Listen(Options{Path: stale}, events.NewBus(), &recorder{})
	if err != nil {
		t.Fatalf("stale socket: %v", err)
	}
	s2.Close()
}

func TestCall(t *testing.T) {
	s, _, rec := start(t, Options{})
	data, err := Call(s.opts.Path, "seek", []string{"10", "absolute"}, 5*time.Second)
	if err != nil || string(data) != "null" {
		t.Errorf("seek: %s, %v", data, err)
	}
	if _, err := Call(s.opts.Path, "load", []string{"123"}, 5*time.Second); err != nil {
		t.Errorf("load of a clip named 123: %v", err)
	}
	if got := rec.Calls(); len(got) != 2 || got[0] != "seek to 10s" || got[1] != "load 123" {
		t.Errorf("calls %q", got)
	}
	_, err = Call(s.opts.Path, "nope", nil, 5*time.Second)
	if _, ok := err.(*ErrorReply); !ok {
		t.Errorf("unknown command: %v, want an ErrorReply", err)
	}
	if _, err := Call(filepath.Join(t.TempDir(), "none"), "get_status", nil, time.Second); err == nil {
		t.Errorf("no socket: no error")
	} else if _, ok := err.(*ErrorReply); ok {
		t.Errorf("no socket: an ErrorReply")
	}
}

// quitCloses is a Controller whose quit ends the run, as the app's does:
// the server is closed while the quit's reply is still being made.
type quitCloses struct {
	*recorder
	s *Server
}

func (q *quitCloses) QuitWithCode(code int) {
	go q.s.Close()
	time.Sleep(100 * time.Millisecond) // Close is under way before the reply
}

// TestCloseStillAnswersTheQuit: the request that ended the run gets its
// reply; the client is not cut before it.
func TestCloseStillAnswersTheQuit(t *testing.T) {
	bus := events.NewBus()
	defer bus.Close()
	q := &quitCloses{recorder: &recorder{}}
	s, err := Listen(Options{Path: filepath.Join(t.TempDir(), "ctl.sock")}, bus, q)
	if err != nil {
		t.Fatal(err)
	}
	q.s = s
	defer s.Close()
	c := dial(t, s.opts.Path)
	if r := c.ask(`{"command":["stop"],"request_id":7}`); r["error"] != "success" || r["request_id"] != 7.0 {
		t.Errorf("stop's reply: %v", r)
	}
}
