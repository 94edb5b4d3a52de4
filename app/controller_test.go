package app

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/cluster"
	"clusterplay/control"
	"clusterplay/events"
	"clusterplay/logging"
	"clusterplay/logging/logtest"
	"clusterplay/playback"
	"clusterplay/player"
	"clusterplay/ui"
)

// fakePlayer is the player's controls, noted rather than carried out.
type fakePlayer struct {
	mu    sync.Mutex
	calls []string
}

func (f *fakePlayer) note(format string, a ...any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, a...))
	return nil
}

func (f *fakePlayer) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakePlayer) Pause(on bool) error               { return f.note("pause %v", on) }
func (f *fakePlayer) TogglePause() error                { return f.note("toggle pause") }
func (f *fakePlayer) Seek(d time.Duration) error        { return f.note("seek by %v", d) }
func (f *fakePlayer) SeekTo(d time.Duration) error      { return f.note("seek to %v", d) }
func (f *fakePlayer) AddVolume(d float64) error         { return f.note("volume %v", d) }
func (f *fakePlayer) ToggleMute() error                 { return f.note("mute") }
func (f *fakePlayer) ToggleFullscreen() error           { return f.note("fullscreen") }
func (f *fakePlayer) SetVideo(v player.Video) error     { return f.note("video %s", v) }
func (f *fakePlayer) MultiplySpeed(x float64) error     { return f.note("speed %v", x) }
func (f *fakePlayer) ResetSpeed() error                 { return f.note("normal speed") }
func (f *fakePlayer) FrameStep(back bool) error         { return f.note("step %v", back) }
func (f *fakePlayer) Screenshot(string) (string, error) { return "shot.png", f.note("screenshot") }
func (f *fakePlayer) CycleAudio() (player.Track, error) {
	return player.Track{ID: 1, Count: 2}, f.note("audio")
}
func (f *fakePlayer) CycleSubtitles() (player.Track, error) { return player.Track{}, f.note("sub") }
func (f *fakePlayer) SeekLiveEdge() error                   { return f.note("live edge") }

// testController is a controller over a real engine and session (not
// run: their requests wait in the session's queue) and a fake player,
// logging JSON lines to logs.
func testController(t *testing.T) (*controller, *fakePlayer, *logtest.Buffer, *events.Bus) {
	t.Helper()
	bus := events.NewBus()
	t.Cleanup(bus.Close)
	opts := cluster.DefaultOptions()
	e, err := cluster.New([]cluster.HostSpec{{URL: "http://127.0.0.1:1/a"}, {URL: "http://127.0.0.1:1/b"}}, opts, nil, bus)
	if err != nil {
		t.Fatal(err)
	}
	logs, p := &logtest.Buffer{}, &fakePlayer{}
	log := logging.New(logs, logging.Options{Level: slog.LevelDebug, JSON: true})
	a := &app{parts: &parts{engine: e, bus: bus, log: log}}
	a.quitCode.Store(-1)
	c := a.controller(playback.New(e, nil, playback.Options{}), p)
	return c, p, logs, bus
}

// userLines are the "user:" lines logged, without their time.
func userLines(t *testing.T, logs *logtest.Buffer) []string {
	t.Helper()
	var out []string
	for _, m := range logs.Lines(t, "user:") {
		delete(m, "time")
		b, _ := json.Marshal(m) // keys sorted
		out = append(out, string(b))
	}
	return out
}

// TestKeysAndSocketLogTheSameAction: the same action asked for by a key
// of the TUI and by a command on the control socket leaves the same
// "user:" line, and reaches the player the same way.
func TestKeysAndSocketLogTheSameAction(t *testing.T) {
	actions := []struct {
		key     func(ui.Controller)
		command []string // as `clusterplay ctl` is given it
	}{
		{func(c ui.Controller) { c.SetLoadBalancing(true) }, []string{"set_load_balancing", "true"}},
		{func(c ui.Controller) { c.FailoverNow(false) }, []string{"next_host"}},              // n
		{func(c ui.Controller) { c.FailoverNow(true) }, []string{"fail_host"}},               // x
		{func(c ui.Controller) { c.Reresolve() }, []string{"resolve"}},                       // r
		{func(c ui.Controller) { c.Play("dir/clip.mp4") }, []string{"load", "dir/clip.mp4"}}, // c
		{func(c ui.Controller) { c.Seek(-5 * time.Second) }, []string{"seek", "-5"}},         // left
		{func(c ui.Controller) { c.Seek(1500 * time.Millisecond) }, []string{"seek", "1.5", "relative"}},
	}
	byKey, keyPlayer, keyLogs, _ := testController(t)
	bySocket, socketPlayer, socketLogs, bus := testController(t)
	sock := filepath.Join(t.TempDir(), "ctl.sock")
	srv, err := control.Listen(control.Options{Path: sock, Hosts: []string{"a", "b"}}, bus, bySocket)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, a := range actions {
		a.key(byKey)
		if _, err := control.Call(sock, a.command[0], a.command[1:], 5*time.Second); err != nil {
			t.Fatalf("%v: %v", a.command, err)
		}
	}
	keys, commands := userLines(t, keyLogs), userLines(t, socketLogs)
	if len(keys) != len(actions) || strings.Join(keys, "\n") != strings.Join(commands, "\n") {
		t.Errorf("keys logged\n%s\nthe socket\n%s", strings.Join(keys, "\n"), strings.Join(commands, "\n"))
	}
	for _, l := range keys {
		if !strings.Contains(l, `"component":"ui"`) || !strings.Contains(l, `"level":"DEBUG"`) {
			t.Errorf("not a debug line of component ui: %s", l)
		}
	}
	if k, s := keyPlayer.Calls(), socketPlayer.Calls(); fmt.Sprint(k) != fmt.Sprint(s) || len(k) != 2 {
		t.Errorf("the player was asked %q by keys, %q by the socket", k, s)
	}
}

// TestSocketOnlyActionsAreLogged: what only a script can ask for is
// logged too, with what it asked, and a refused clip with why.
func TestSocketOnlyActionsAreLogged(t *testing.T) {
	c, p, logs, _ := testController(t)
	c.FailHost(1)
	c.SetPause(true)
	c.SeekTo(30 * time.Second)
	if err := c.Load("a\tb"); err == nil {
		t.Errorf("an unusable clip was taken")
	}
	c.QuitWithCode(4)
	want := []string{
		`{"component":"ui","index":1,"level":"DEBUG","msg":"user: fail host"}`,
		`{"component":"ui","level":"DEBUG","msg":"user: pause","on":true}`,
		`{"component":"ui","level":"DEBUG","msg":"user: seek","to":"30s"}`,
		`"msg":"user: play"`,
		`{"code":4,"component":"ui","level":"DEBUG","msg":"user: quit"}`,
	}
	got := userLines(t, logs)
	if len(got) != len(want) {
		t.Fatalf("logged\n%s", strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("line %d: %s, want %s", i+1, got[i], want[i])
		}
	}
	if !strings.Contains(got[3], `"err":`) || !strings.Contains(got[3], `"clip":"a\tb"`) {
		t.Errorf("a refused clip is logged without its reason: %s", got[3])
	}
	if code := c.quitCode.Load(); code != 4 {
		t.Errorf("quit code %d, want 4", code)
	}
	if calls := p.Calls(); fmt.Sprint(calls) != "[pause true seek to 30s]" {
		t.Errorf("the player was asked %q", calls)
	}
}
