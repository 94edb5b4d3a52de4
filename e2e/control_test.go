package e2e

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// ctlRun runs `clusterplay ctl` and returns its exit code and stdout.
func ctlRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"ctl"}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	return exitCodeOf(err), strings.TrimSpace(string(out)), stderr.String()
}

// TestControlSocketSteersAPlayingSession drives a real headless session
// over its control socket with every command, through `clusterplay ctl`
// and through a client that reads the event lines.
func TestControlSocketSteersAPlayingSession(t *testing.T) {
	slow := int64(len(assets.Clip) / 3) // about 18 s to serve the 6 s clip: playback waits
	a := hosttest.Keep(t)(loopback.Throttled(media, slow))
	b := hosttest.Keep(t)(loopback.Throttled(media, slow))
	refused := hosttest.Refused(t)
	sock := filepath.Join(t.TempDir(), "ctl.sock")
	cmd, lines, _ := startJSON(t, "--control-socket", sock, "--failure-expiry", "1m",
		"--host", refused, "--host", a.URL, "--host", b.URL, assets.ClipName)
	waitEvent := followEvents(t, lines)
	waitEvent("start", is("start"))

	// A client on the socket sees the same event lines.
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sockLines := bufio.NewScanner(c)

	code, out, errOut := ctlRun(t, sock, "get_status")
	var st map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || st["state"] != "playing" || st["index"] != 1.0 {
		t.Fatalf("get_status: exit %d %q %s", code, out, errOut)
	}
	if hosts := st["hosts"].([]any); hosts[0].(map[string]any)["state"] != "failed" {
		t.Errorf("refused host not failed in status: %v", hosts)
	}
	// A command without data prints nothing: a script's output holds only
	// what it asked for.
	ctl := func(args ...string) {
		t.Helper()
		if code, out, errOut := ctlRun(t, append([]string{sock}, args...)...); code != 0 || out != "" {
			t.Fatalf("ctl %v: exit %d, stdout %q, stderr %s", args, code, out, errOut)
		}
	}
	ctl("set_load_balancing", "true")
	if _, out, _ := ctlRun(t, sock, "get_status"); !strings.Contains(out, `"load_balancing":true`) {
		t.Errorf("load balancing not on: %s", out)
	}
	ctl("set_load_balancing", "false")
	ctl("set_pause", "true")
	waitEvent("paused", func(ev map[string]any) bool { return ev["event"] == "state" && ev["state"] == "paused" })
	ctl("set_pause", "false")
	ctl("seek", "0.5", "absolute")
	ctl("fail_host", "2")
	waitEvent("host_failed of host 2", func(ev map[string]any) bool { return ev["event"] == "host_failed" && ev["index"] == 2.0 })
	// Every other host is remembered failed now (0 refused, 2 marked): n
	// tries them oldest failure first and lands on host 2, leaving 1.
	ctl("next_host")
	f := waitEvent("failover", is("failover"))
	if f["class"] != "switch" || f["host"] != a.URL {
		t.Errorf("next_host: %v", f)
	}
	waitEvent("start after the switch", is("start"))
	ctl("resolve")
	waitEvent("start after resolve", is("start"))
	ctl("load", assets.ClipName+"?again=1")
	waitEvent("the new clip's state", func(ev map[string]any) bool {
		return ev["event"] == "state" && strings.Contains(ev["clip"].(string), "again=1")
	})
	ctlRefusals(t, sock)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	sawEvent := false
	for !sawEvent && sockLines.Scan() {
		sawEvent = strings.Contains(sockLines.Text(), `"event":`)
	}
	if !sawEvent {
		t.Errorf("the socket client saw no event line")
	}

	ctl("quit", "7")
	waitExit(t, cmd, 7)
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("socket left behind: %v", err)
	}
}

// is matches an event of kind.
func is(kind string) func(map[string]any) bool {
	return func(ev map[string]any) bool { return ev["event"] == kind }
}

// followEvents reads the --json lines as they come; the function it
// returns waits (20 s at most) for the next event that matches, passing
// those that do not.
func followEvents(t *testing.T, lines *bufio.Scanner) func(what string, match func(map[string]any) bool) map[string]any {
	evs := make(chan map[string]any, 1000)
	go func() {
		defer close(evs)
		for lines.Scan() {
			var ev map[string]any
			if json.Unmarshal(lines.Bytes(), &ev) == nil {
				evs <- ev
			}
		}
	}()
	return func(what string, match func(map[string]any) bool) map[string]any {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case ev, ok := <-evs:
				if !ok {
					t.Fatalf("stream closed waiting for %s", what)
				}
				if match(ev) {
					return ev
				}
			case <-deadline:
				t.Fatalf("no %s within 20 s", what)
			}
		}
	}
}

// ctlRefusals: what the player refuses exits 1 with the reason, and
// prints nothing on stdout; no socket exits 2.
func ctlRefusals(t *testing.T, sock string) {
	t.Helper()
	if code, out, msg := ctlRun(t, sock, "seek", "soon"); code != 1 || out != "" || !strings.Contains(msg, `seek: argument 1 must be a number, got "soon"`) {
		t.Errorf("bad seek: exit %d %q %q", code, out, msg)
	}
	if code, _, msg := ctlRun(t, sock, "frobnicate", "1"); code != 1 || !strings.Contains(msg, `unknown command "frobnicate" (get_status, set_load_balancing,`) {
		t.Errorf("unknown command: exit %d %q", code, msg)
	}
	// A null is no value: JSON would decode it into false without an
	// error. A seek of 1e300 seconds wrapped round to a seek to 0.
	if code, _, msg := ctlRun(t, sock, "set_load_balancing", "true"); code != 0 {
		t.Errorf("set_load_balancing true: exit %d %q", code, msg)
	}
	for _, r := range []struct {
		args []string
		msg  string
	}{
		{[]string{"set_load_balancing", "null"}, "set_load_balancing: argument 1 must be true or false, got null"},
		{[]string{"set_pause", "null"}, "set_pause: argument 1 must be true or false, got null"},
		{[]string{"seek", "1e300", "absolute"}, "seek: argument 1 must be within ±1000000000 seconds, got 1e+300"},
		{[]string{"seek", "-1e300"}, "seek: argument 1 must be within ±1000000000 seconds, got -1e+300"},
	} {
		if code, out, msg := ctlRun(t, append([]string{sock}, r.args...)...); code != 1 || out != "" || !strings.Contains(msg, r.msg) {
			t.Errorf("ctl %v: exit %d %q %q, want exit 1 and %q", r.args, code, out, msg, r.msg)
		}
	}
	if _, out, _ := ctlRun(t, sock, "get_status"); !strings.Contains(out, `"load_balancing":true`) {
		t.Errorf("set_load_balancing null turned load balancing off: %s", out)
	}
	if code, _, _ := ctlRun(t, sock, "load", "a\tb"); code != 1 {
		t.Errorf("load of an unusable clip: exit %d, want 1", code)
	}
	if code, _, _ := ctlRun(t, filepath.Join(t.TempDir(), "none"), "get_status"); code != 2 {
		t.Errorf("no socket: exit %d, want 2", code)
	}
}

// waitExit waits (10 s at most) for cmd to exit with code.
func waitExit(t *testing.T, cmd *exec.Cmd, want int) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if code := exitCodeOf(err); code != want {
			t.Errorf("exit %d, want %d", code, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10 s after quit")
	}
}

// TestCtlHelpAndUsage: `clusterplay ctl --help` lists every command with
// its arguments on stdout; no command to send is a usage error.
func TestCtlHelpAndUsage(t *testing.T) {
	code, out, errOut := ctlRun(t, "--help")
	if code != 0 || errOut != "" {
		t.Fatalf("ctl --help: exit %d, stderr %q", code, errOut)
	}
	for _, line := range []string{"Usage: clusterplay ctl PATH NAME [ARGS...]", "  get_status\n", "  set_load_balancing true|false\n",
		"  fail_host [INDEX]\n", "  next_host\n", "  resolve\n", "  load CLIP\n", "  set_pause true|false\n",
		"  seek SECONDS [relative|absolute]\n", "  quit [CODE]", "  get_property NAME\n",
		"  observe_property ID NAME\n", "  loadfile URL [FLAGS]\n", "  keypress KEY\n"} {
		if !strings.Contains(out, line) {
			t.Errorf("ctl --help lacks %q:\n%s", line, out)
		}
	}
	code, out, errOut = ctlRun(t, "/nowhere.sock")
	if code != 2 || out != "" || !strings.Contains(errOut, "usage: clusterplay ctl PATH NAME [ARGS...] (NAME: get_status, ") {
		t.Errorf("ctl without a command: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestControlSocketPathThatIsNoSocket: a path that exists and is not a
// socket is refused with exit 2 and left alone.
func TestControlSocketPathThatIsNoSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(path, []byte("mine"), 0o600)
	good := hosttest.Keep(t)(loopback.Good(media))
	r := clusterplay(t, nil, "--no-video", "--no-tui", "--control-socket", path, "--host", good.URL, assets.ClipName)
	if r.code != 2 || !strings.Contains(r.stderr, "not a socket") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if data, _ := os.ReadFile(path); string(data) != "mine" {
		t.Errorf("the file was replaced")
	}
}

// TestSwitchMakesBeforeBreak: n (next_host) finds the next host while the
// current stream plays on, and the new one resumes where it had got to.
func TestSwitchMakesBeforeBreak(t *testing.T) {
	slow := int64(len(assets.Clip) / 3)
	a := hosttest.Keep(t)(loopback.Throttled(media, slow))
	b := hosttest.Keep(t)(loopback.Throttled(media, slow))
	sock := filepath.Join(t.TempDir(), "ctl.sock")
	_, lines, _ := startJSON(t, "--control-socket", sock, "--host", a.URL, "--host", b.URL, assets.ClipName)
	var evs []map[string]any
	next := func() map[string]any {
		t.Helper()
		if !lines.Scan() {
			t.Fatalf("stream ended; events %v", evs)
		}
		var ev map[string]any
		json.Unmarshal(lines.Bytes(), &ev)
		evs = append(evs, ev)
		return ev
	}
	for next()["event"] != "start" {
	}
	time.Sleep(time.Second) // let it play a while: no event says "a second in"
	if code, out, errOut := ctlRun(t, sock, "next_host"); code != 0 {
		t.Fatalf("next_host: %d %s %s", code, out, errOut)
	}
	var failover, start map[string]any
	for start == nil {
		ev := next()
		switch ev["event"] {
		case "state":
			if failover == nil && ev["state"] != "playing" {
				t.Errorf("playback left playing (%v) before the next host was found", ev["state"])
			}
		case "failover":
			failover = ev
		case "start":
			start = ev
		}
	}
	at, resumed := failover["position"].(float64), start["position"].(float64)
	if failover["class"] != "switch" || failover["to_host"] != b.URL || at < 0.5 {
		t.Errorf("failover %v", failover)
	}
	if d := resumed - at; d < -0.2 || d > 0.5 {
		t.Errorf("resumed at %.2f s, the switch was at %.2f s", resumed, at)
	}
}
