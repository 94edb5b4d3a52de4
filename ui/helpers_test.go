package ui

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/events"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// fakeCtrl is a recording Controller. No network or player is involved:
// the TUI's only contract with the session is this interface.
type fakeCtrl struct {
	mu      sync.Mutex
	calls   []string
	err     error         // returned by the methods that can fail
	changed chan struct{} // closed on the next call; nil until watched
}

func (f *fakeCtrl) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
	if f.changed != nil {
		close(f.changed)
		f.changed = nil
	}
}

// watch returns the calls so far and a channel closed on the next one, so
// a test can wait for a call instead of polling for it.
func (f *fakeCtrl) watch() ([]string, <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.changed == nil {
		f.changed = make(chan struct{})
	}
	return append([]string(nil), f.calls...), f.changed
}

func (f *fakeCtrl) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeCtrl) failing() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

func (f *fakeCtrl) TogglePause() error { f.record("pause"); return f.failing() }
func (f *fakeCtrl) Seek(d time.Duration) error {
	f.record("seek %s", d)
	return f.failing()
}
func (f *fakeCtrl) AddVolume(d float64) error {
	f.record("volume %+g", d)
	return f.failing()
}
func (f *fakeCtrl) ToggleMute() error           { f.record("mute"); return f.failing() }
func (f *fakeCtrl) ToggleFullscreen() error     { f.record("fullscreen"); return f.failing() }
func (f *fakeCtrl) SetLoadBalancing(on bool)    { f.record("lb %v", on) }
func (f *fakeCtrl) FailoverNow(markFailed bool) { f.record("failover markFailed=%v", markFailed) }
func (f *fakeCtrl) Reresolve()                  { f.record("reresolve") }
func (f *fakeCtrl) Play(clip string)            { f.record("play %s", clip) }
func (f *fakeCtrl) Quit()                       { f.record("quit") }
func (f *fakeCtrl) NextClip()                   { f.record("next clip") }
func (f *fakeCtrl) PrevClip()                   { f.record("prev clip") }
func (f *fakeCtrl) SetVideo(where string) error {
	f.record("video %s", where)
	return f.failing()
}
func (f *fakeCtrl) Replay() { f.record("replay") }
func (f *fakeCtrl) MultiplySpeed(factor float64) error {
	f.record("speed x%.4f", factor)
	return f.failing()
}
func (f *fakeCtrl) ResetSpeed() error { f.record("speed 1"); return f.failing() }
func (f *fakeCtrl) FrameStep(back bool) error {
	f.record("frame step back=%v", back)
	return f.failing()
}
func (f *fakeCtrl) Screenshot() (string, error) {
	f.record("screenshot")
	return "clusterplay-shot0001.jpg", f.failing()
}
func (f *fakeCtrl) CycleAudio() (string, error) {
	f.record("audio")
	return "audio: track 1 of 1", f.failing()
}
func (f *fakeCtrl) CycleSubtitles() (string, error) {
	f.record("subtitles")
	return "subtitles: none in this clip", f.failing()
}
func (f *fakeCtrl) SeekLiveEdge() error { f.record("live edge"); return f.failing() }
func (f *fakeCtrl) CycleQuality() (string, error) {
	f.record("quality")
	return "quality: 480p", f.failing()
}
func (f *fakeCtrl) SetHostFault(index int, action string) error {
	f.record("fault %d %s", index, action)
	return f.failing()
}

// t0 is the fixed start of every scripted session.
var t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

var testHosts = []string{
	"http://127.0.0.1:8001",
	"http://127.0.0.1:8002",
	"http://127.0.0.1:8003",
}

func testOptions() Options {
	return Options{
		ClusterName: "demo",
		Hosts:       testHosts,
		Clip:        "vod/clip.mp4",
		Window:      true,
		Volume:      100,
		Notice:      "host 0 refuses, host 1 failed recently, host 2 serves",
	}
}

// script is a resolution: host 0 refuses, host 1 is skipped as remembered,
// host 2 answers and the clip starts.
func script() []events.Event {
	return []events.Event{
		{Time: at(0), Kind: events.Connect, Host: testHosts[0], Index: 0, Pass: 1},
		{Time: at(3), Kind: events.ConnectFailed, Host: testHosts[0], Index: 0, Class: events.ClassRefused, Err: "connection refused", Elapsed: 3 * time.Millisecond, ExpiresAt: at(3).Add(30 * time.Second), Pass: 1},
		{Time: at(4), Kind: events.Skip, Host: testHosts[1], Index: 1, ExpiryLeft: 20 * time.Second, Pass: 1},
		{Time: at(5), Kind: events.Connect, Host: testHosts[2], Index: 2, Pass: 1},
		{Time: at(47), Kind: events.Resolved, Host: testHosts[2], Index: 2, URL: testHosts[2] + "/vod/clip.mp4", Elapsed: 47 * time.Millisecond, Pass: 1},
		{Time: at(120), Kind: events.Start, Host: testHosts[2], Index: 2, URL: testHosts[2] + "/vod/clip.mp4", Duration: 60 * time.Second},
	}
}

// newTestModel builds a model without an evs channel: tests feed evs
// straight into Update.
func newTestModel(opts Options, w, h int) (*Model, *fakeCtrl) {
	f := &fakeCtrl{}
	m := New(opts, f, nil)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m, f
}

func feed(m *Model, evs ...events.Event) {
	for _, ev := range evs {
		m.Update(eventMsg{ev: ev})
	}
}

// exec runs cmd the way the program would and feeds the resulting messages
// back into m. Commands that do not answer quickly (ticks, cursor blinks,
// the event wait) are dropped. It reports whether a QuitMsg came out.
func exec(m *Model, cmd tea.Cmd) (quit bool) {
	if cmd == nil {
		return false
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(100 * time.Millisecond):
		return false
	}
	switch msg := msg.(type) {
	case nil:
	case tea.QuitMsg:
		return true
	case tea.BatchMsg:
		for _, c := range msg {
			quit = exec(m, c) || quit
		}
	default:
		_, next := m.Update(msg)
		quit = exec(m, next) || quit
	}
	return quit
}

// press sends one key and runs whatever command it produced.
func press(m *Model, k tea.KeyPressMsg) (quit bool) {
	_, cmd := m.Update(k)
	return exec(m, cmd)
}

// namedKeys are the KeyPressMsgs a terminal delivers for named keys.
var namedKeys = map[string]tea.KeyPressMsg{
	"space":     {Code: tea.KeySpace, Text: " "},
	"left":      {Code: tea.KeyLeft},
	"right":     {Code: tea.KeyRight},
	"up":        {Code: tea.KeyUp},
	"down":      {Code: tea.KeyDown},
	"enter":     {Code: tea.KeyEnter},
	"esc":       {Code: tea.KeyEscape},
	"pgup":      {Code: tea.KeyPgUp},
	"pgdown":    {Code: tea.KeyPgDown},
	"home":      {Code: tea.KeyHome},
	"end":       {Code: tea.KeyEnd},
	"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
	"ctrl+z":    {Code: 'z', Mod: tea.ModCtrl},
	"backspace": {Code: tea.KeyBackspace},
}

// keyOf builds the KeyPressMsg a terminal would deliver for a key name.
func keyOf(name string) tea.KeyPressMsg {
	if k, ok := namedKeys[name]; ok {
		return k
	}
	r := []rune(name)
	if len(r) != 1 {
		panic("unknown key " + name)
	}
	return tea.KeyPressMsg{Code: r[0], Text: name}
}

func typeText(m *Model, s string) {
	for _, r := range s {
		press(m, keyOf(string(r)))
	}
}

// plain renders the model's view with the colour profile NoTTY: no colours,
// no attributes, just the cells, as a golden file can hold them.
func plain(t testing.TB, m *Model) string {
	t.Helper()
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.NoTTY}
	if _, err := w.WriteString(m.View().Content); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// status feeds what the session and the engine publish as playback moves
// at ms after t0: a tick, and a load balancing event when lb changed.
func status(m *Model, ms int, st Status, window, lb bool) {
	feed(m, events.Event{Time: at(ms), Kind: events.Tick, Index: -1, Host: st.Host, State: events.State(st.State),
		Position: st.Position, Duration: st.Duration, Cache: st.Cache, Volume: st.Volume, Muted: st.Muted, Window: window})
	if lb != m.lb {
		feed(m, events.Event{Time: at(ms), Kind: events.LoadBalancing, Index: -1, On: lb})
	}
}

func hasLine(view, want string) bool {
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, want) {
			return true
		}
	}
	return false
}

func failoverEvent(ms, from, to int) events.Event {
	return events.Event{Time: at(ms), Kind: events.Failover, Host: testHosts[from], Index: from,
		ToHost: testHosts[to], ToIndex: to, Class: events.ClassManual, Err: "marked failed by the user", Position: 15 * time.Second}
}

func connectFailedEvent(ms, i int, host string) events.Event {
	return events.Event{Time: at(ms), Kind: events.ConnectFailed, Host: host, Index: i,
		Class: events.ClassTimeout, Err: "i/o timeout", Elapsed: 2 * time.Second, ExpiresAt: at(ms).Add(30 * time.Second)}
}
