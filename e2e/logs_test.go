package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// logLines decodes a JSON log and counts its lines per component.
func logLines(t *testing.T, data string) (lines []map[string]any, per map[string]int) {
	t.Helper()
	per = map[string]int{}
	for _, l := range strings.Split(strings.TrimSpace(data), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON log line: %q", l)
		}
		c, _ := m["component"].(string)
		per[c]++
		lines = append(lines, m)
	}
	return lines, per
}

// TestDebugLogHidesEverySecret plays a clip at debug level into a log
// file, through hosts and a clip that carry every kind of secret: an RTMP
// password, a token in a host's query, a signature in the clip's query
// (which HTTP request lines, redirects and mpv's own messages repeat).
// None of them reaches the file; every component that took part is in it,
// mpv's messages under player.
func TestDebugLogHidesEverySecret(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(media))
	hop := hosttest.Keep(t)(loopback.Redirect(1, good.URL))
	rtmp := strings.Replace(hosttest.RTMPAt(t, hosttest.Refused(t)), "rtmp://", "rtmp://viewer:Pa55w0rd@", 1)
	logFile := filepath.Join(t.TempDir(), "run.log")
	code, events := playJSON(t, nil, "--log-level", "debug", "--log-file", logFile, "--log-format", "json",
		"--host", rtmp, "--host", hop.URL+"/?token=T0KEN", assets.ClipName+"?sig=S1GNATURE")
	if code != 0 {
		t.Fatalf("exit %d; events %v", code, events)
	}
	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(logFile); st.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %v, want 0600", st.Mode().Perm())
	}
	for _, secret := range []string{"Pa55w0rd", "T0KEN", "S1GNATURE"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("the log holds %s:\n%s", secret, grepLines(string(data), secret))
		}
	}
	lines, per := logLines(t, string(data))
	for _, c := range []string{"cluster", "cluster.http", "cluster.rtmp", "cluster.memory", "playback", "player"} {
		if per[c] == 0 {
			t.Errorf("no line of %s in the log (lines per component: %v)", c, per)
		}
	}
	mpv := 0
	for _, l := range lines {
		if l["mpv"] != nil && l["component"] == "player" {
			mpv++
		}
	}
	if mpv == 0 || !strings.Contains(string(data), "token=REDACTED") || !strings.Contains(string(data), "viewer:REDACTED@") {
		t.Errorf("%d lines of mpv's, and the secrets' places not marked REDACTED", mpv)
	}
	// The events are what they were: JSON lines, the log not among them.
	for _, ev := range events {
		if ev["msg"] != nil || ev["component"] != nil {
			t.Errorf("a log line among the events: %v", ev)
		}
	}
}

func grepLines(data, s string) string {
	var out []string
	for _, l := range strings.Split(data, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestLogGoesToStderrWithoutTUI: no --log-file and no TUI: the log joins
// stderr, the events' lines are unchanged and stdout is only the URL;
// level and filter apply.
func TestLogGoesToStderrWithoutTUI(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	bad := hosttest.Refused(t)
	tests := []struct {
		name       string
		args       []string
		want, none []string
	}{
		{"default level: nothing of a healthy run", nil, nil, []string{"level="}},
		{"debug", []string{"--log-level", "debug"},
			[]string{"level=DEBUG", "component=cluster.http", "component=cluster.memory", `status="HTTP/1.1 206 Partial Content"`}, nil},
		{"filtered", []string{"--log-level", "debug", "--log-filter", "cluster.memory"},
			[]string{"component=cluster.memory"}, []string{"component=cluster.http", "component=cluster "}},
		{"info", []string{"--log-level", "info"}, []string{`level=INFO msg=resolved component=cluster`}, []string{"level=DEBUG"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"--print-url"}, tt.args...), "--host", bad, "--host", good.URL, "clip.mp4")
			r := clusterplay(t, nil, args...)
			if r.code != 0 || r.stdout != good.URL+"/clip.mp4\n" {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
			}
			for _, line := range []string{"attempting to connect: " + bad, "connection failed to: " + bad + " (refused)"} {
				if !strings.Contains(r.stderr, line+"\n") {
					t.Errorf("the event line %q is gone:\n%s", line, r.stderr)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			for _, n := range tt.none {
				if strings.Contains(r.stderr, n) {
					t.Errorf("stderr has %q:\n%s", n, r.stderr)
				}
			}
		})
	}
}

// TestLogFileCannotBeOpened is a usage error, said before anything runs.
func TestLogFileCannotBeOpened(t *testing.T) {
	r := clusterplay(t, nil, "--print-url", "--log-file", filepath.Join(t.TempDir(), "no", "such", "dir", "x.log"),
		"--host", hosttest.Refused(t), "clip.mp4")
	if r.code != 2 || !strings.Contains(r.stderr, "log file") || strings.Contains(r.stderr, "attempting") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// TestTUILogsToStateDir: under the TUI the log cannot share the screen:
// without --log-file it goes to the state dir's clusterplay.log, private,
// and nothing of it reaches the terminal.
func TestTUILogsToStateDir(t *testing.T) {
	exitFile := filepath.Join(t.TempDir(), "exit")
	home := t.TempDir()
	cmd := exitsTo("env HOME="+home+" XDG_CONFIG_HOME="+home+" XDG_STATE_HOME="+home+" "+
		binary+" --demo --no-video --log-level debug", exitFile)
	tm := newTmux(t, 100, 30, cmd)
	screen := tm.waitFor("clip started", 30*time.Second, func(s string) bool { return strings.Contains(s, "clip started:") })
	tm.run("send-keys", "-t", tm.session, "q")
	if code := waitExitFile(t, tm, exitFile, 15*time.Second); code != "0" {
		t.Fatalf("exit status %q; screen:\n%s", code, tm.screen())
	}
	for _, s := range []string{screen, tm.screen()} {
		if strings.Contains(s, "level=") || strings.Contains(s, "component=") {
			t.Errorf("log lines on the terminal:\n%s", s)
		}
	}
	path := filepath.Join(home, "clusterplay", "clusterplay.log")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no log in the state dir: %v", err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("log file mode %v, want 0600", st.Mode().Perm())
	}
	for _, want := range []string{"component=cluster.http", "component=player", "component=playback", `msg="user: quit" component=ui`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the log lacks %q:\n%s", want, data)
		}
	}
}
