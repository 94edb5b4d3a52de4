//go:build cgo

package player

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/mpvnode"
)

// TestNodeRoundTrip: every node value survives Go -> C mpv_node -> Go,
// map order and the integer/double split included.
func TestNodeRoundTrip(t *testing.T) {
	for _, v := range []any{
		nil, true, false, int64(math.MinInt64), int64(42), 2.5, math.Inf(1), "", "tëxt",
		[]any{}, mpvnode.Map{},
		[]any{int64(1), "two", 3.0, nil, []any{false}},
		mpvnode.Map{{Key: "z", Value: int64(1)}, {Key: "a", Value: mpvnode.Map{{Key: "k", Value: []any{"v"}}}}},
	} {
		got, err := roundTripNode(v)
		if err != nil || !reflect.DeepEqual(got, v) {
			t.Errorf("%#v came back %#v, %v", v, got, err)
		}
	}
	// A string ends at a NUL in C, as in mpv's own IPC.
	if got, _ := roundTripNode("ab\x00cd"); got != "ab" {
		t.Errorf("NUL: %q", got)
	}
	for _, bad := range []any{7, map[string]any{"a": 1}, []any{struct{}{}}} {
		if _, err := roundTripNode(bad); !errors.Is(err, ErrInvalidParameter) {
			t.Errorf("%#v: %v, want invalid parameter", bad, err)
		}
	}
}

// TestIPCClient drives a client of a real core as mpv's IPC does: mpv's
// answers and errors, its events, observation and async replies.
func TestIPCClient(t *testing.T) {
	cs := serveClip(t)
	p, err := New(Options{NoVideo: true})
	must(t, err)
	defer p.Close()
	c, err := p.NewIPCClient("ipc-0")
	must(t, err)
	events := readEvents(c)
	// mpv makes a client's name of letters, digits and _, as its own IPC's.
	if c.Name() != "ipc_0" || c.APIVersion()>>16 != 2 || c.TimeUS() <= 0 {
		t.Errorf("name %q, API %#x, time %d", c.Name(), c.APIVersion(), c.TimeUS())
	}
	// Idle: what a property without a file answers.
	for name, want := range map[string]error{"time-pos": ErrPropertyUnavailable, "no-such-property": ErrPropertyNotFound} {
		if _, err := c.GetProperty(name); err != want {
			t.Errorf("%s: %v, want %v", name, err, want)
		}
	}
	if s, ok := c.GetPropertyString("no-such-property"); ok {
		t.Errorf("string of no property: %q", s)
	}
	must(t, c.SetProperty("pause", true))
	if v, err := c.GetProperty("pause"); v != true || err != nil {
		t.Errorf("pause %v, %v", v, err)
	}
	if s, _ := c.GetPropertyString("pause"); s != "yes" {
		t.Errorf("pause as a string: %q", s)
	}
	if err := c.SetProperty("pause", "sideways"); err == nil {
		t.Error("pause = sideways accepted")
	}
	if err := c.RequestEvent("no-such-event", false); err != ErrInvalidParameter {
		t.Errorf("unknown event: %v", err)
	}
	must(t, c.RequestEvent("seek", true))
	if _, err := c.Command([]any{"no-such-command"}); err != ErrInvalidParameter {
		t.Errorf("unknown command: %v", err)
	}
	must(t, c.Observe(7, "pause", false))
	must(t, c.Observe(8, "volume", true))
	must(t, c.SetProperty("pause", false))
	must(t, c.CommandAsync(99, []any{"set", "volume", "50"}))
	must(t, p.Load(cs.url(assets.ClipName), 0))
	seen := seenEvents(t, events)
	if r := seen["reply"]; !reflect.DeepEqual(r, mpvnode.Map{{Key: "request_id", Value: int64(99)}, {Key: "error", Value: "success"}, {Key: "data", Value: nil}}) {
		t.Errorf("async reply %v", r)
	}
	if _, ok := seen["start-file"].Get("playlist_entry_id"); !ok || seen["file-loaded"] == nil {
		t.Errorf("start-file %v, file-loaded %v", seen["start-file"], seen["file-loaded"])
	}
	if d, err := c.GetProperty("duration"); err != nil || math.Abs(d.(float64)-assets.ClipDuration.Seconds()) > 0.1 {
		t.Errorf("duration %v, %v", d, err)
	}
	if _, err := c.Command([]any{"seek", "1", "absolute"}); err != nil {
		t.Errorf("seek: %v", err)
	}
	c.Close()
	c.Close()
	for range events { // NextEvent ends after Close
	}
	if _, err := c.GetProperty("pause"); err != ErrUninitialized {
		t.Errorf("after Close: %v", err)
	}
	assertCloses(t, p, 5*time.Second)
}

// readEvents reads the client's events until it ends.
func readEvents(c *IPCClient) <-chan mpvnode.Map {
	events := make(chan mpvnode.Map, 1000)
	go func() {
		defer close(events)
		for {
			ev, ok := c.NextEvent()
			if !ok {
				return
			}
			events <- ev
		}
	}()
	return events
}

// seenEvents waits for what TestIPCClient asked for: the first frame,
// the async reply, and the two observed properties' new values. The
// events are kept by mpv's name; "reply", "volume 50" and "pause false"
// name the others.
func seenEvents(t *testing.T, events <-chan mpvnode.Map) map[string]mpvnode.Map {
	t.Helper()
	seen := map[string]mpvnode.Map{}
	deadline := time.After(waitLong)
	for seen["playback-restart"] == nil || seen["reply"] == nil || seen["volume 50"] == nil || seen["pause false"] == nil {
		select {
		case ev := <-events:
			name, _ := ev.String("event")
			id, _ := ev.Get("id")
			switch {
			case name == "":
				seen["reply"] = ev
			case name == "property-change" && id == int64(8):
				if d, _ := ev.String("data"); d == "50.000000" {
					seen["volume 50"] = ev
				}
			case name == "property-change" && id == int64(7):
				if d, _ := ev.Get("data"); d == false {
					seen["pause false"] = ev
				}
			default:
				seen[name] = ev
			}
		case <-deadline:
			t.Fatalf("events so far: %v", seen)
		}
	}
	return seen
}

// TestIPCClientEndsWithTheCore: a core shut down under its clients (the
// window closed) ends their NextEvent, so the shutdown does not wait.
func TestIPCClientEndsWithTheCore(t *testing.T) {
	p, err := New(Options{NoVideo: true})
	must(t, err)
	c, err := p.NewIPCClient("ipc-1")
	must(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, ok := c.NextEvent(); !ok {
				return
			}
		}
	}()
	assertCloses(t, p, 5*time.Second)
	select {
	case <-done:
	case <-time.After(waitLong):
		t.Fatal("NextEvent still waits after the core shut down")
	}
	c.Close()
}
