package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// The socket's mpv commands that clusterplay carries out or refuses,
// against a real session.

// requestLog is a loopback host that serves the clip at any path ending
// in .mp4 and notes every request's path and query.
type requestLog struct {
	mu    sync.Mutex
	lines []string
	delay map[string]time.Duration // path suffix: wait before answering
}

func (l *requestLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	l.lines = append(l.lines, r.Method+" "+r.URL.RequestURI())
	var wait time.Duration
	for suffix, d := range l.delay {
		if strings.HasSuffix(r.URL.Path, suffix) {
			wait = d
		}
	}
	l.mu.Unlock()
	if !strings.HasSuffix(r.URL.Path, ".mp4") {
		http.NotFound(w, r)
		return
	}
	select {
	case <-time.After(wait):
	case <-r.Context().Done():
		return
	}
	http.ServeContent(w, r, assets.ClipName, time.Time{}, bytes.NewReader(assets.Clip))
}

func (l *requestLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func loggedHost(t *testing.T, delay map[string]time.Duration) (*loopback.Host, *requestLog) {
	log := &requestLog{delay: delay}
	return hosttest.Keep(t)(loopback.NewHTTP(log)), log
}

// TestSocketLoadfileGoesThroughTheCluster: mpv's loadfile is clusterplay's
// load, resolved on the cluster's hosts, the URL's own host never asked;
// run is refused; stop ends the playback with one end and exit 0.
func TestSocketLoadfileGoesThroughTheCluster(t *testing.T) {
	cluster, clusterLog := loggedHost(t, map[string]time.Duration{"clip2.mp4": time.Second})
	outside, outsideLog := loggedHost(t, nil)
	sock := filepath.Join(t.TempDir(), "cp.sock")
	cmd, lines, _ := startJSON(t, "--control-socket", sock, "--host", cluster.URL, assets.ClipName)
	stream := collectJSON(lines)
	waitEvent := stream.wait(t)
	waitEvent("start", is("start"))
	c := dialIPC(t, sock)

	touched := filepath.Join(t.TempDir(), "ran")
	for _, req := range []string{
		`{"command":["run","touch","` + touched + `"]}`,
		`{"command":{"name":"subprocess","args":["touch","` + touched + `"]}}`,
		`{"command":["load-script","` + touched + `"]}`,
		`{"command":["keybind","F1","run touch ` + touched + `"]}`,
		`{"command":["set_property","script-opts","ytdl_hook-ytdl_path=` + touched + `"]}`,
	} {
		if r := c.askMap(req); !strings.Contains(r["error"].(string), "--control-socket-allow-run") {
			t.Errorf("%s: %v, want the refusal", req, r)
		}
	}
	// An input.conf line too; mpv answers none, a refused one is answered.
	if r := c.ask("show-text hello ; run touch " + touched); !strings.Contains(r, "--control-socket-allow-run") {
		t.Errorf("a text line with run: %s", r)
	}
	if _, err := os.Stat(touched); err == nil {
		t.Error("a refused command ran")
	}

	elsewhere := "http://" + outside.Addr + "/other/clip2.mp4?x=1"
	if r := c.ask(`{"command":["loadfile","` + elsewhere + `"],"request_id":4}`); r != `{"data":null,"request_id":4,"error":"success"}` {
		t.Errorf("loadfile: %s", r)
	}
	// Make before break: the clip plays on while the new one's host
	// (which holds its answer back) is found.
	if r := c.askMap(`{"command":["get_property","time-pos"]}`); r["error"] != "success" {
		t.Errorf("time-pos while the new clip resolves: %v", r)
	}
	waitEvent("the new clip's start", func(ev map[string]any) bool {
		return ev["event"] == "start" && strings.Contains(ev["url"].(string), "clip2.mp4")
	})
	c.waitEvent("mpv's start-file", func(ev map[string]any) bool { return ev["event"] == "start-file" })
	c.waitEvent("mpv's playback-restart", func(ev map[string]any) bool { return ev["event"] == "playback-restart" })
	if !strings.Contains(clusterLog.String(), "/other/clip2.mp4?x=1") {
		t.Errorf("the cluster's host was not asked for the clip; its log:\n%s", clusterLog)
	}
	if log := outsideLog.String(); log != "" {
		t.Errorf("the host outside the cluster was contacted:\n%s", log)
	}
	if r := c.askMap(`{"command":["get_property","duration"]}`); r["data"] != assets.ClipDuration.Seconds() {
		t.Errorf("duration of the loaded clip: %v", r)
	}

	if r := c.ask(`{"command":["stop"]}`); r != `{"data":null,"request_id":0,"error":"success"}` {
		t.Errorf("stop: %s", r)
	}
	end := waitEvent("end", is("end"))
	if end["reason"] != "quit" {
		t.Errorf("end after stop: %v", end)
	}
	waitExit(t, cmd, 0)
	ends := 0
	for _, ev := range stream.all() {
		if ev["event"] == "end" {
			ends++
		}
	}
	if ends != 2 { // the first clip's, which loadfile replaced, and the one stop ended
		t.Errorf("%d end events, want 2: %v", ends, stream.all())
	}
}

// jsonStream keeps every event of a --json stream, for waiting on the
// next one that matches and for counting them all once it closed.
type jsonStream struct {
	mu     sync.Mutex
	events []map[string]any
	next   chan map[string]any
	closed chan struct{}
}

func collectJSON(lines *bufio.Scanner) *jsonStream {
	s := &jsonStream{next: make(chan map[string]any, 10000), closed: make(chan struct{})}
	go func() {
		defer close(s.closed)
		for lines.Scan() {
			var ev map[string]any
			if json.Unmarshal(lines.Bytes(), &ev) == nil {
				s.mu.Lock()
				s.events = append(s.events, ev)
				s.mu.Unlock()
				s.next <- ev
			}
		}
	}()
	return s
}

// wait is followEvents' waiter over the stream.
func (s *jsonStream) wait(t *testing.T) func(what string, match func(map[string]any) bool) map[string]any {
	return func(what string, match func(map[string]any) bool) map[string]any {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case ev := <-s.next:
				if match(ev) {
					return ev
				}
			case <-deadline:
				t.Fatalf("no %s within 20 s", what)
			}
		}
	}
}

// all is every event, once the stream has closed (10 s at most).
func (s *jsonStream) all() []map[string]any {
	select {
	case <-s.closed:
	case <-time.After(10 * time.Second):
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.events...)
}

// TestSocketIdleAnswersAsMPVIdle: before the first frame (the only host
// holds its answer back) and between clips, player properties answer as
// mpv idle does, at once.
func TestSocketIdleAnswersAsMPVIdle(t *testing.T) {
	host, _ := loggedHost(t, map[string]time.Duration{"first.mp4": 4 * time.Second, "second.mp4": 4 * time.Second})
	dir := t.TempDir()
	mpvSock, cpSock := filepath.Join(dir, "mpv.sock"), filepath.Join(dir, "cp.sock")
	startMPV(t, mpvSock)
	m := dialIPC(t, mpvSock)
	_, lines, _ := startJSON(t, "--control-socket", cpSock, "--connect-timeout", "10s", "--host", host.URL,
		"first.mp4", assets.ClipName, "second.mp4")
	waitEvent := followEvents(t, lines)
	c := dialIPC(t, cpSock)
	idle := []string{
		`{"command":["get_property","time-pos"]}`,
		`{"command":["get_property","duration"],"request_id":1}`,
		`{"command":["get_property","media-title"]}`,
		`{"command":["get_property","percent-pos"]}`,
		`{"command":["get_property_string","time-pos"]}`,
		`{"command":["get_property","idle-active"]}`,
		`{"command":["get_property","pause"]}`,
	}
	compare := func(when string) {
		t.Helper()
		for _, req := range idle {
			began := time.Now()
			rm, rc := m.ask(req), c.ask(req)
			if rm != rc {
				t.Errorf("%s, %s\n mpv idle %s\n clusterplay %s", when, req, rm, rc)
			}
			if took := time.Since(began); took > 2*time.Second {
				t.Errorf("%s, %s: answered in %v", when, req, took)
			}
		}
	}
	compare("before the first frame")
	waitEvent("the first clip's start", is("start"))
	// The middle clip plays; seek to its end, and the last one is held back.
	waitEvent("the second clip's start", func(ev map[string]any) bool {
		return ev["event"] == "start" && strings.HasSuffix(ev["url"].(string), assets.ClipName)
	})
	c.ask(`{"command":["seek",5.8,"absolute"]}`)
	waitEvent("the second clip's end", is("end"))
	compare("between clips")
}

// TestCtlSpeaksMPV: clusterplay ctl sends mpv's commands as its own, and
// --control-socket-allow-run opens what is refused without it.
func TestCtlSpeaksMPV(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(media))
	sock := filepath.Join(t.TempDir(), "cp.sock")
	_, lines, _ := startJSON(t, "--control-socket", sock, "--control-socket-allow-run",
		"--host", good.URL, assets.ClipName)
	followEvents(t, lines)("start", is("start"))
	for _, tt := range []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"set_property", "pause", "true"}, 0, "", ""}, // paused, the clip does not end under the test
		{[]string{"get_property", "duration"}, 0, "6.000000", ""},
		{[]string{"get_property", "media-title"}, 0, `"` + assets.ClipName + `"`, ""},
		{[]string{"get_property", "no-such-property"}, 1, "", "property not found"},
		{[]string{"get_property_string", "pause"}, 0, `"yes"`, ""},
		{[]string{"cycle", "pause"}, 0, "", ""},
		{[]string{"get_property", "pause"}, 0, "false", ""},
		{[]string{"cycle", "pause"}, 0, "", ""},
		{[]string{"set", "volume", "50"}, 0, "", ""},
		{[]string{"get_property", "volume"}, 0, "50.000000", ""},
		{[]string{"frobnicate"}, 1, "", `unknown command "frobnicate" (get_status,`},
	} {
		code, out, msg := ctlRun(t, append([]string{sock}, tt.args...)...)
		if code != tt.code || out != tt.out || !strings.Contains(msg, tt.err) {
			t.Errorf("ctl %v: exit %d, stdout %q, stderr %q; want %d %q %q", tt.args, code, out, msg, tt.code, tt.out, tt.err)
		}
	}
	c := dialIPC(t, sock)
	r := c.askMap(`{"command":{"name":"subprocess","args":["true"],"capture_stdout":true}}`)
	if data, _ := r["data"].(map[string]any); r["error"] != "success" || data["status"] != 0.0 {
		t.Errorf("subprocess with --control-socket-allow-run: %v", r)
	}
}
