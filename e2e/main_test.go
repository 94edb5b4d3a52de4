package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// binary is the clusterplay built once for the end-to-end tests.
var binary string

// TestMain builds the binary once for every test of the end-to-end tier.
// That tier drives it against real servers, real libmpv and tmux, so it
// is left out of the unit tier (`go test -short`).
func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("e2e: the end-to-end tier does not run with -short")
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "clusterplay-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "clusterplay")
	build := exec.Command("go", "build", "-o", binary, "clusterplay")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		panic("building clusterplay: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

// clusterplay runs the built binary with its own state and config homes,
// so the user's files are neither read nor touched.
func clusterplay(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"),
		"XDG_STATE_HOME="+filepath.Join(home, "state"))
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	began := time.Now()
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(began)}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running clusterplay: %v", err)
	}
	return res
}

var files = map[string][]byte{"clip.mp4": []byte("bytes"), "dir/clip.mp4": []byte("bytes")}

func TestPrintURLAfterRefusedHost(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	bad := hosttest.Refused(t)
	r := clusterplay(t, nil, "--print-url", "--host", bad, "--host", good.URL, "dir/clip.mp4")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if want := good.URL + "/dir/clip.mp4\n"; r.stdout != want {
		t.Errorf("stdout %q, want the good URL alone: %q", r.stdout, want)
	}
	for _, line := range []string{
		"attempting to connect: " + bad,
		"connection failed to: " + bad + " (refused)",
		"attempting to connect: " + good.URL,
	} {
		if !strings.Contains(r.stderr, line) {
			t.Errorf("stderr lacks %q:\n%s", line, r.stderr)
		}
	}
}

func decodeLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var events []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not a JSON line: %q: %v", line, err)
		}
		events = append(events, ev)
	}
	return events
}

func TestJSONEvents(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	bad := hosttest.Refused(t)
	r := clusterplay(t, nil, "--print-url", "--json", "--host", bad, "--host", good.URL, "clip.mp4")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	events := decodeLines(t, r.stdout)
	var names []string
	for _, ev := range events {
		names = append(names, ev["event"].(string))
		ts, _ := ev["ts"].(string)
		if _, err := time.Parse(time.RFC3339Nano, ts); err != nil || !strings.Contains(ts, ".") {
			t.Errorf("ts %q is not RFC 3339 with fractions", ts)
		}
	}
	if got, want := strings.Join(names, " "), "connect connect_failed connect resolved"; got != want {
		t.Fatalf("events %q, want %q", got, want)
	}
	failed, resolved := events[1], events[3]
	if failed["host"] != bad || failed["index"] != 0.0 || !strings.Contains(failed["error"].(string), "refused") {
		t.Errorf("connect_failed = %v", failed)
	}
	if _, ok := failed["elapsed_ms"].(float64); !ok {
		t.Errorf("connect_failed has no elapsed_ms: %v", failed)
	}
	if resolved["url"] != good.URL+"/clip.mp4" || resolved["index"] != 1.0 || resolved["host"] != good.URL {
		t.Errorf("resolved = %v", resolved)
	}
	if _, ok := resolved["elapsed_ms"].(float64); !ok {
		t.Errorf("resolved has no elapsed_ms: %v", resolved)
	}
	if _, ok := events[0]["error"]; ok {
		t.Errorf("connect carries an error field: %v", events[0])
	}
}

func TestEveryHostFailedExitsOne(t *testing.T) {
	r := clusterplay(t, nil, "--json", "--connect-count", "2", "--failure-expiry", "0",
		"--host", hosttest.Refused(t), "--host", hosttest.Keep(t)(loopback.Status(404)).URL, "clip.mp4")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
	}
	events := decodeLines(t, r.stdout)
	last := events[len(events)-1]
	if last["event"] != "failed" {
		t.Errorf("last event %v, want failed", last)
	}
	n := 0
	for _, ev := range events {
		if ev["event"] == "connect" {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d attempts, want 2 hosts x 2 passes", n)
	}
}

// TestMemoryAcrossProcesses: a host that failed in one run is skipped by
// the next run, which reads the same state directory.
func TestMemoryAcrossProcesses(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	bad := hosttest.Refused(t)
	state := t.TempDir()
	args := []string{"--print-url", "--json", "--state-dir", state, "--failure-expiry", "1m", "--host", bad, "--host", good.URL, "clip.mp4"}
	if r := clusterplay(t, nil, args...); r.code != 0 {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	info, err := os.Stat(filepath.Join(state, "memory.json"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v, %v; want mode 0600", info, err)
	}
	r := clusterplay(t, nil, args...)
	if r.code != 0 {
		t.Fatalf("second run: exit %d\n%s", r.code, r.stderr)
	}
	events := decodeLines(t, r.stdout)
	if events[0]["event"] != "skip" || events[0]["host"] != bad {
		t.Errorf("second run began with %v; want a skip of the host that failed in the first run", events[0])
	}
	if left, ok := events[0]["expiry_left_ms"].(float64); !ok || left < 30000 {
		t.Errorf("skip expiry_left_ms = %v", events[0]["expiry_left_ms"])
	}
}

func TestCorruptStateIsAWarning(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	state := t.TempDir()
	if err := os.WriteFile(filepath.Join(state, "memory.json"), []byte("\x00garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := clusterplay(t, nil, "--print-url", "--state-dir", state, "--host", good.URL, "clip.mp4")
	if r.code != 0 || r.stdout != good.URL+"/clip.mp4\n" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "warning") || !strings.Contains(r.stderr, "memory.json") {
		t.Errorf("no warning naming the state file:\n%s", r.stderr)
	}
}

func TestConfigFile(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	dir := t.TempDir()
	yaml := filepath.Join(dir, "cluster.yaml")
	content := "hosts:\n  - " + hosttest.Refused(t) + "\n  - host: " + good.URL + "\nconnectTimeout: 1500\nconnectCount: 2\n"
	if err := os.WriteFile(yaml, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	r := clusterplay(t, nil, "--print-url", "--config", yaml, "clip.mp4")
	if r.code != 0 || r.stdout != good.URL+"/clip.mp4\n" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	// A pasted Flowplayer block, converted to JSON.
	jsonFile := filepath.Join(dir, "flowplayer.json")
	block := `{"cluster": {"url": "flowplayer.cluster-3.2.10.swf", "hosts": ["` + hosttest.Refused(t) + `", "` + good.URL + `"],
	"connectTimeout": 2000, "connectCount": 3, "failureExpiry": 2000, "loadBalance": false}}`
	if err := os.WriteFile(jsonFile, []byte(block), 0o600); err != nil {
		t.Fatal(err)
	}
	r = clusterplay(t, nil, "--print-url", "--config", jsonFile, "clip.mp4")
	if r.code != 0 || r.stdout != good.URL+"/clip.mp4\n" {
		t.Fatalf("Flowplayer block: exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, `"url"`) {
		t.Errorf("no notice about the ignored Flowplayer key url:\n%s", r.stderr)
	}
}

// TestBadInput: every mistake is one clear line on stderr and exit 2, at
// once: a config file that never ends or explodes included.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	syntax := write("broken.yaml", "hosts:\n  - http://a/v\nconnectTimeout: [\n")
	unknown := write("unknown.yaml", "hosts: [http://a/v]\nconnectTimeot: 2000\n")
	badPort := write("port.yaml", "hosts: [http://a/v, 'http://b:99999/v']\n")
	bomb := write("bomb.yaml", `a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
`)
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no hosts", []string{"clip.mp4"}, "host"},
		{"unparsable URL", []string{"--host", "http://[::1", "clip.mp4"}, "http://[::1"},
		{"unsupported scheme", []string{"--host", "ftp://h/v", "clip.mp4"}, "ftp"},
		{"zero timeout", []string{"--host", "http://h/v", "--connect-timeout", "0", "clip.mp4"}, "connect-timeout"},
		{"negative timeout", []string{"--host", "http://h/v", "--connect-timeout", "-1s", "clip.mp4"}, "connect-timeout"},
		{"zero count", []string{"--host", "http://h/v", "--connect-count", "0", "clip.mp4"}, "connect-count"},
		{"unknown flag", []string{"--frobnicate", "clip.mp4"}, "frobnicate"},
		{"syntax error names file and line", []string{"--config", syntax, "clip.mp4"}, "broken.yaml:"},
		{"unknown key is named", []string{"--config", unknown, "clip.mp4"}, "connectTimeot"},
		{"missing config file", []string{"--config", filepath.Join(dir, "nope.yaml"), "clip.mp4"}, "nope.yaml"},
		{"port out of range", []string{"--host", "http://h:99999/v", "clip.mp4"}, "(h) has port 99999"},
		{"port out of range in the file", []string{"--config", badPort, "clip.mp4"}, "port.yaml:1: hosts[1]"},
		{"endless config file", []string{"--config", "/dev/zero", "x.mp4"}, "/dev/zero: a device, not a regular file"},
		{"FIFO as config file", []string{"--config", fifo, "x.mp4"}, "fifo.yaml: a named pipe"},
		{"alias bomb", []string{"--config", bomb, "x.mp4"}, "bomb.yaml:5: the file expands too much through aliases"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := clusterplay(t, nil, tt.args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2; stderr:\n%s", r.code, r.stderr)
			}
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "clusterplay: ") {
				t.Errorf("stderr is not one clusterplay line:\n%s", r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q does not mention %q", r.stderr, tt.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			if r.took > 5*time.Second { // each takes a few ms; the slack is for a busy machine
				t.Errorf("took %v", r.took)
			}
		})
	}
}

// TestInterruptExits130: Ctrl-C stops a resolution stuck on a silent host
// at once.
func TestInterruptExits130(t *testing.T) {
	hang := hosttest.Keep(t)(loopback.Hang())
	cmd := exec.Command(binary, "--print-url", "--connect-timeout", "60s", "--host", hang.URL, "clip.mp4")
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() // a no-op once it has exited; ends it on a failure
	lines := watchLines(stderr, "attempting to connect:")
	select {
	case <-lines.seen:
	case <-lines.eof:
		t.Fatalf("clusterplay ended before its first attempt; stderr:\n%s", lines)
	case <-time.After(20 * time.Second):
		t.Fatalf("no attempt within 20s; stderr:\n%s", lines)
	}
	began := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		<-lines.eof // Wait closes the pipe: read it to the end first
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 130 {
			t.Errorf("exit %v, want 130; stderr:\n%s", err, lines)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("clusterplay did not stop within 10s of SIGINT; stderr:\n%s", lines)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("took %v to stop after SIGINT", took)
	}
}

// lineWatch collects what a process writes, line by line, and says when a
// line it waits for has come, so a test acts on the process's own word
// rather than after a guessed delay.
type lineWatch struct {
	mu   sync.Mutex
	text strings.Builder
	seen chan struct{} // closed at the first line starting with the prefix
	eof  chan struct{} // closed once r is read to its end
}

func watchLines(r io.Reader, prefix string) *lineWatch {
	w := &lineWatch{seen: make(chan struct{}), eof: make(chan struct{})}
	go func() {
		defer close(w.eof)
		found := false
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			w.mu.Lock()
			w.text.WriteString(sc.Text() + "\n")
			w.mu.Unlock()
			if !found && strings.Contains(sc.Text(), prefix) { // after the line's time
				found = true
				close(w.seen)
			}
		}
		_, _ = io.Copy(io.Discard, r) // a line too long for the scanner: drain the rest
	}()
	return w
}

func (w *lineWatch) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.text.String()
}

func TestHelp(t *testing.T) {
	r := clusterplay(t, nil, "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "--connect-timeout") {
		t.Errorf("--help: exit %d, stdout:\n%s", r.code, r.stdout)
	}
}
