package ui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"clusterplay/events"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"clusterplay/report"
)

func TestEventsUpdateTableLogAndBar(t *testing.T) {
	t.Parallel()
	m, _ := newTestModel(testOptions(), 100, 30)
	evs := script()

	feed(m, evs[0])
	if got, _ := stateLabel(m.hosts.row(0), m.now); got != "connecting" {
		t.Errorf("after connect host 0 is %q", got)
	}
	if m.status.State != "connecting" {
		t.Errorf("bar state after connect = %q", m.status.State)
	}

	feed(m, evs[1:]...)
	wantStates := []string{"failed 30s", "remembered 20s", "serving"}
	for i, want := range wantStates {
		if got, _ := stateLabel(m.hosts.row(i), m.now); got != want {
			t.Errorf("host %d state %q, want %q", i, got, want)
		}
	}
	if r := m.hosts.row(0); r.Failures != 1 || r.Took != 3*time.Millisecond {
		t.Errorf("host 0 failures=%d last=%s", r.Failures, r.Took)
	}
	if r := m.hosts.row(2); r.Failures != 0 || r.Took != 42*time.Millisecond {
		t.Errorf("host 2 failures=%d last=%s (want the time since its connect)", r.Failures, r.Took)
	}

	view := ansi.Strip(m.View().Content)
	for _, ev := range evs {
		line := ev.Time.Format(timeFormat) + " " + report.Line(ev)
		if !strings.Contains(view, line) {
			t.Errorf("log lacks %q:\n%s", line, view)
		}
	}
	for _, want := range []string{
		"0 http://127.0.0.1:8001", "failed 30s", "3ms",
		"remembered 20s", "serving", "42ms",
		"playing", "0:00 / 1:00", "host: http://127.0.0.1:8003",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
}

func TestHostStateTransitions(t *testing.T) {
	t.Parallel()
	m, _ := newTestModel(testOptions(), 80, 24)
	h0, h1, h2 := testHosts[0], testHosts[1], testHosts[2]
	label := func(i int) string { s, _ := stateLabel(m.hosts.row(i), m.now); return s }

	feed(m,
		events.Event{Time: at(0), Kind: events.Connect, Host: h0, Index: 0},
		events.Event{Time: at(0), Kind: events.Connect, Host: h1, Index: 1},
		events.Event{Time: at(30), Kind: events.Resolved, Host: h1, Index: 1, Elapsed: 30 * time.Millisecond},
		events.Event{Time: at(31), Kind: events.ConnectCancelled, Host: h0, Index: 0},
	)
	if label(0) != "cancelled" || label(1) != "serving" || label(2) != "untried" {
		t.Fatalf("states %q %q %q", label(0), label(1), label(2))
	}

	// The remembered-failed countdown runs on the tick's clock.
	feed(m, events.Event{Time: at(1000), Kind: events.Skip, Host: h2, Index: 2, ExpiryLeft: 10 * time.Second})
	if label(2) != "remembered 10s" {
		t.Errorf("after skip: %q", label(2))
	}
	status(m, 5500, Status{State: "playing"}, true, false)
	if label(2) != "remembered 6s" {
		t.Errorf("4.5s later: %q", label(2))
	}
	if !strings.Contains(ansi.Strip(m.View().Content), "remembered 6s") {
		t.Errorf("countdown not in view")
	}
	status(m, 11001, Status{State: "playing"}, true, false)
	if label(2) != "failed" {
		t.Errorf("after expiry: %q", label(2))
	}

	// Failover: from host failed, to host serving.
	feed(m, events.Event{Time: at(12000), Kind: events.Failover, Host: h1, Index: 1, ToHost: h0, ToIndex: 0, Class: events.ClassStall})
	if label(1) != "failed" || label(0) != "serving" || m.hosts.row(1).Failures != 1 {
		t.Errorf("after failover: %q %q failures=%d", label(0), label(1), m.hosts.row(1).Failures)
	}
	if m.status.Host != h0 || m.status.State != "connecting" {
		t.Errorf("bar after failover: %+v", m.status)
	}

	// A switch by the user (n) moves on without blaming the host left.
	feed(m, events.Event{Time: at(12500), Kind: events.Failover, Host: h0, Index: 0, ToHost: h1, ToIndex: 1, Class: events.ClassSwitch})
	if label(0) == "failed" || label(1) != "serving" || m.hosts.row(0).Failures != 0 {
		t.Errorf("after a switch: %q %q failures=%d", label(0), label(1), m.hosts.row(0).Failures)
	}

	// End: nobody serves.
	feed(m, events.Event{Time: at(13000), Kind: events.End, Host: h0, Index: 0, Reason: "eof", Position: time.Minute})
	if m.fold.Serving() != -1 || m.status.State != "ended" {
		t.Errorf("after end: serving=%d state=%q", m.fold.Serving(), m.status.State)
	}

	// All failed: a log line, and the bar says so.
	feed(m, events.Event{Time: at(14000), Kind: events.Failed, Index: -1, Err: "no host answered"})
	view := ansi.Strip(m.View().Content)
	if !strings.Contains(view, "all hosts failed (no host answered)") || m.status.State != "failed" {
		t.Errorf("after failed: state=%q\n%s", m.status.State, view)
	}
}

func TestEveryKeyCallsController(t *testing.T) {
	t.Parallel()
	cases := []struct {
		key  string
		want string
	}{
		{"space", "pause"},
		{"p", "pause"},
		{"left", "seek -5s"},
		{"right", "seek 5s"},
		{"up", "seek 1m0s"},
		{"down", "seek -1m0s"},
		{"9", "volume -2"},
		{"0", "volume +2"},
		{"m", "mute"},
		{"f", "fullscreen"},
		{"l", "lb true"},
		{"n", "failover markFailed=false"},
		{"x", "failover markFailed=true"},
		{"r", "reresolve"},
		{">", "next clip"},
		{"<", "prev clip"},
		{"q", "quit"},
		{"ctrl+c", "quit"},
		{"[", "speed x0.9091"},
		{"]", "speed x1.1000"},
		{"backspace", "speed 1"},
		{".", "frame step back=false"},
		{",", "frame step back=true"},
		{"s", "screenshot"},
		{"#", "audio"},
		{"j", "subtitles"},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			t.Parallel()
			m, f := newTestModel(testOptions(), 80, 24)
			status(m, 1000, Status{State: "playing", Position: 12 * time.Second, Duration: time.Minute, Volume: 100}, true, false)
			quit := press(m, keyOf(c.key))
			if got := f.Calls(); !slices.Equal(got, []string{c.want}) {
				t.Errorf("key %q called %q, want %q", c.key, got, c.want)
			}
			if wantQuit := c.want == "quit"; quit != wantQuit {
				t.Errorf("key %q: quit=%v", c.key, quit)
			}
		})
	}
}

func TestQuitCallsControllerOnce(t *testing.T) {
	t.Parallel()
	m, f := newTestModel(testOptions(), 80, 24)
	press(m, keyOf("q"))
	press(m, keyOf("ctrl+c"))
	if got := f.Calls(); !slices.Equal(got, []string{"quit"}) {
		t.Errorf("calls %q", got)
	}
}

func TestFullscreenWithoutWindow(t *testing.T) {
	t.Parallel()
	opts := testOptions()
	opts.Window = false
	m, f := newTestModel(opts, 80, 24)
	press(m, keyOf("f"))
	if got := f.Calls(); len(got) != 0 {
		t.Errorf("fullscreen without a window called %q", got)
	}
	if view := ansi.Strip(m.View().Content); !strings.Contains(view, "no window: fullscreen needs a video window") {
		t.Errorf("no log line about the missing window:\n%s", view)
	}
}

func TestNoDisplayNotice(t *testing.T) {
	t.Parallel()
	opts := testOptions()
	opts.Window = false
	m, _ := newTestModel(opts, 80, 24)
	view := ansi.Strip(m.View().Content)
	if strings.Count(view, "no display: playing without a window") != 1 {
		t.Errorf("want the notice once, as a log line:\n%s", view)
	}
	// A tick with the same answer adds nothing.
	status(m, 250, Status{}, false, false)
	if n := strings.Count(ansi.Strip(m.View().Content), "no display"); n != 1 {
		t.Errorf("notice repeated: %d", n)
	}

	m2, _ := newTestModel(testOptions(), 80, 24)
	if strings.Contains(ansi.Strip(m2.View().Content), "no display") {
		t.Errorf("notice shown with a window")
	}
	// The window lost while playing (its output failed): said then.
	status(m2, 500, Status{State: "playing"}, false, false)
	if n := strings.Count(ansi.Strip(m2.View().Content), "no display"); n != 1 {
		t.Errorf("lost window said %d times, want once", n)
	}
}

func TestLoadBalancingToggleInView(t *testing.T) {
	t.Parallel()
	m, f := newTestModel(testOptions(), 60, 15)
	if !hasLine(plain(t, m), "load balancing: off") {
		t.Fatalf("view lacks load balancing: off:\n%s", plain(t, m))
	}
	press(m, keyOf("l"))
	if v := plain(t, m); !hasLine(v, "load balancing: on") || hasLine(v, "load balancing: off") {
		t.Errorf("after l:\n%s", v)
	}
	press(m, keyOf("l"))
	if !hasLine(plain(t, m), "load balancing: off") {
		t.Errorf("after second l:\n%s", plain(t, m))
	}
	if got := f.Calls(); !slices.Equal(got, []string{"lb true", "lb false"}) {
		t.Errorf("calls %q", got)
	}
	// The engine's word wins: set from elsewhere (a script), it shows.
	feed(m, events.Event{Time: at(300), Kind: events.LoadBalancing, Index: -1, On: true})
	if !hasLine(plain(t, m), "load balancing: on") {
		t.Errorf("LoadBalancing event did not update the bar")
	}
}

// TestPromptRefusesAClipItCannotPlay: the prompt says why and asks again.
func TestPromptRefusesAClipItCannotPlay(t *testing.T) {
	t.Parallel()
	opts := testOptions()
	opts.Clip = ""
	opts.CheckClip = func(clip string) error {
		if strings.Contains(clip, "bad") {
			return errors.New("clip " + clip + " is bad")
		}
		return nil
	}
	m, f := newTestModel(opts, 80, 24)
	typeText(m, "bad.mp4")
	press(m, keyOf("enter"))
	if !m.prompt.active || !strings.Contains(plain(t, m), "clip bad.mp4 is bad") || len(f.Calls()) != 0 {
		t.Fatalf("a clip the check refuses was played or not explained: calls %q\n%s", f.Calls(), plain(t, m))
	}
	for range len("bad.mp4") {
		press(m, tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	typeText(m, "good.mp4")
	press(m, keyOf("enter"))
	if got := f.Calls(); !slices.Equal(got, []string{"play good.mp4"}) {
		t.Errorf("calls %q after a good clip", got)
	}
}

func TestNewClipPrompt(t *testing.T) {
	t.Parallel()
	m, f := newTestModel(testOptions(), 80, 24)
	if m.prompt.active {
		t.Fatal("prompt shown although a clip was given")
	}
	press(m, keyOf("c"))
	view := plain(t, m)
	if !strings.Contains(view, "play a clip from demo (3 hosts)") || !strings.Contains(view, "clip: ") {
		t.Fatalf("prompt not shown:\n%s", view)
	}
	if !strings.Contains(view, "enter play") {
		t.Errorf("help does not switch to the prompt's keys:\n%s", view)
	}
	// Keys type while the prompt is open: q is a letter, not quit.
	typeText(m, "vod/quiet.mp4")
	if got := f.Calls(); len(got) != 0 {
		t.Fatalf("typing called the controller: %q", got)
	}
	press(m, keyOf("enter"))
	if got := f.Calls(); !slices.Equal(got, []string{"play vod/quiet.mp4"}) {
		t.Errorf("calls %q", got)
	}
	view = plain(t, m)
	if m.prompt.active || strings.Contains(view, "play a clip from") {
		t.Errorf("prompt still open:\n%s", view)
	}
	if !strings.Contains(view, "clip: vod/quiet.mp4") || !strings.Contains(view, "playing clip: vod/quiet.mp4") {
		t.Errorf("new clip not shown:\n%s", view)
	}

	// Esc closes without playing; an empty Enter keeps the prompt open.
	press(m, keyOf("c"))
	press(m, keyOf("enter"))
	if !m.prompt.active || !strings.Contains(plain(t, m), "type a clip first") {
		t.Errorf("empty enter closed the prompt")
	}
	press(m, keyOf("esc"))
	if m.prompt.active || len(f.Calls()) != 1 {
		t.Errorf("esc: active=%v calls=%q", m.prompt.active, f.Calls())
	}
}

func TestStartupPromptWithoutClip(t *testing.T) {
	t.Parallel()
	opts := testOptions()
	opts.Clip = ""
	m, f := newTestModel(opts, 80, 24)
	if !m.prompt.active {
		t.Fatal("no prompt without a clip")
	}
	view := plain(t, m)
	for _, want := range []string{"clusterplay demo", "http://127.0.0.1:8001", "http://127.0.0.1:8003", "play a clip from demo"} {
		if !strings.Contains(view, want) {
			t.Errorf("prompt screen lacks %q:\n%s", want, view)
		}
	}
	typeText(m, "clip.mp4")
	press(m, keyOf("enter"))
	if got := f.Calls(); !slices.Equal(got, []string{"play clip.mp4"}) {
		t.Errorf("calls %q", got)
	}
}

func TestInitPlaysGivenClip(t *testing.T) {
	t.Parallel()
	m, f := newTestModel(testOptions(), 80, 24)
	exec(m, m.Init())
	if got := f.Calls(); !slices.Equal(got, []string{"play vod/clip.mp4"}) {
		t.Errorf("Init calls %q", got)
	}
	opts := testOptions()
	opts.Clip = ""
	m, f = newTestModel(opts, 80, 24)
	exec(m, m.Init())
	if got := f.Calls(); len(got) != 0 {
		t.Errorf("Init without a clip calls %q", got)
	}
}

func TestControllerErrorIsLogged(t *testing.T) {
	t.Parallel()
	m, f := playingModel(80, 24)
	f.err = errors.New("mpv is gone")
	press(m, keyOf("space"))
	if !strings.Contains(plain(t, m), "pause failed: mpv is gone") {
		t.Errorf("error not logged:\n%s", plain(t, m))
	}
}

func TestTicksUpdateBar(t *testing.T) {
	t.Parallel()
	m, _ := newTestModel(testOptions(), 80, 24)
	status(m, 1000, Status{
		State: "paused", Position: 30 * time.Second, Duration: time.Minute,
		Cache: 2500 * time.Millisecond, Host: testHosts[1], Volume: 64,
	}, true, true)
	view := plain(t, m)
	for _, want := range []string{"paused", "0:30 / 1:00", "cache 2.5s", "host: " + testHosts[1], "load balancing: on", "vol 64"} {
		if !strings.Contains(view, want) {
			t.Errorf("bar lacks %q:\n%s", want, view)
		}
	}
	status(m, 1250, Status{State: "playing", Position: 5 * time.Second}, true, true)
	if !strings.Contains(plain(t, m), "0:05 / --:--") {
		t.Errorf("unknown duration not shown as --:--:\n%s", plain(t, m))
	}
}

func TestClockReArmsAndEventWaitNeedsAChannel(t *testing.T) {
	t.Parallel()
	m, _ := newTestModel(testOptions(), 80, 24)
	_, cmd := m.Update(clockMsg{now: at(0)})
	if cmd == nil {
		t.Fatal("clock not re-armed")
	}
	_, cmd = m.Update(eventMsg{ev: script()[0]})
	if cmd != nil {
		t.Fatal("waiting on a nil evs channel")
	}
}

// TestCountdownFromTheEngine: a blamed host counts down to the engine's
// expires_at, not to a rule of the TUI's own.
func TestCountdownFromTheEngine(t *testing.T) {
	t.Parallel()
	m, _ := playingModel(80, 24)
	ev := failoverEvent(3000, 2, 0)
	ev.ExpiresAt = at(3000).Add(42 * time.Second)
	feed(m, ev)
	m.Update(clockMsg{now: at(4000)})
	if v := plain(t, m); !strings.Contains(v, "failed 41s") {
		t.Errorf("blamed host does not count down to expires_at:\n%s", v)
	}
	feed(m, events.Event{Time: at(5000), Kind: events.ConnectFailed, Host: testHosts[1], Index: 1,
		Class: events.ClassRefused, Err: "connection refused", ExpiresAt: at(5000).Add(7 * time.Second)})
	if v := plain(t, m); !strings.Contains(v, "failed 7s") {
		t.Errorf("failed host does not count down to expires_at:\n%s", v)
	}
	feed(m, events.Event{Time: at(6000), Kind: events.ConnectFailed, Host: testHosts[1], Index: 1,
		Class: events.ClassRefused, Err: "connection refused"})
	if v := plain(t, m); strings.Contains(v, "failed 6s") || strings.Contains(v, "failed 7s") {
		t.Errorf("a failure with memory off still counts down:\n%s", v)
	}
}

// TestStateEventsDriveTheBar: the bar follows state events alone.
func TestStateEventsDriveTheBar(t *testing.T) {
	t.Parallel()
	m, _ := newTestModel(testOptions(), 80, 24)
	feed(m, events.Event{Time: at(0), Kind: events.StateChanged, Index: 2, Host: testHosts[2], State: events.StateBuffering,
		Position: 7 * time.Second, Duration: time.Minute, Cache: 300 * time.Millisecond})
	v := plain(t, m)
	for _, want := range []string{"buffering", "0:07 / 1:00", "cache 0.3s", "host: " + testHosts[2]} {
		if !strings.Contains(v, want) {
			t.Errorf("bar lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "playback buffering") {
		t.Errorf("state changes are shown in the bar, not logged:\n%s", v)
	}
}

func TestLogFollowsAndScrolls(t *testing.T) {
	t.Parallel()
	m, _ := newTestModel(testOptions(), 60, 15)
	for i := range 40 {
		feed(m, events.Event{Time: at(i * 10), Kind: events.Connect, Host: testHosts[i%3], Index: i % 3})
	}
	newest := at(390).Format(timeFormat)
	if !strings.Contains(plain(t, m), newest) {
		t.Fatalf("newest line not visible:\n%s", plain(t, m))
	}
	press(m, keyOf("pgup"))
	view := plain(t, m)
	if strings.Contains(view, newest) || !strings.Contains(view, "newer (end)") {
		t.Errorf("pgup did not scroll back:\n%s", view)
	}
	// New lines do not yank the view while scrolled back.
	feed(m, events.Event{Time: at(400), Kind: events.Connect, Host: testHosts[0], Index: 0})
	if strings.Contains(plain(t, m), at(400).Format(timeFormat)) {
		t.Errorf("view jumped to the newest line while scrolled back")
	}
	press(m, keyOf("end"))
	if !strings.Contains(plain(t, m), at(400).Format(timeFormat)) {
		t.Errorf("end did not return to the newest line")
	}
	press(m, keyOf("home"))
	if !strings.Contains(plain(t, m), "host 0 refuses") {
		t.Errorf("home did not show the oldest line:\n%s", plain(t, m))
	}
}

func TestEventsClosedKeepsRunning(t *testing.T) {
	t.Parallel()
	m, _ := newTestModel(testOptions(), 80, 24)
	_, cmd := m.Update(eventsClosedMsg{})
	if cmd != nil {
		t.Errorf("closed stream re-armed a command")
	}
	if !strings.Contains(plain(t, m), "event stream closed") {
		t.Errorf("no log line for the closed stream")
	}
}

func TestBackgroundColourSwitch(t *testing.T) {
	t.Parallel()
	m, _ := playingModel(80, 24)
	before := plain(t, m)
	m.Update(tea.BackgroundColorMsg{Color: whiteish{}})
	if m.isDark {
		t.Fatal("light background not taken")
	}
	if after := plain(t, m); after != before {
		t.Errorf("text changed with the palette")
	}
}

type whiteish struct{}

func (whiteish) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }

// TestPlaylistInHeader: a state event of a playlist's clip shows n/m.
func TestPlaylistInHeader(t *testing.T) {
	t.Parallel()
	m, _ := newTestModel(testOptions(), 100, 24)
	feed(m, events.Event{Time: at(0), Kind: events.StateChanged, Index: -1, State: events.StateConnecting,
		Clip: "b.mp4", Item: 2, Items: 3})
	if v := plain(t, m); !strings.Contains(v, "clip 2/3: b.mp4") {
		t.Errorf("header lacks the playlist place:\n%s", v)
	}
}

// The TUI reads the same fold as get_status: a resolution that fails
// while a host serves (n found nobody) blames nobody and the stream plays
// on; a connect_failed for the serving host (r tried it again) fails it.
func TestFailedBlamesNobodyTheEventsDoNotName(t *testing.T) {
	m, _ := playingModel(80, 24)
	feed(m,
		events.Event{Time: at(2100), Kind: events.Connect, Host: testHosts[1], Index: 1},
		events.Event{Time: at(2200), Kind: events.Failed, Index: -1, Err: "no other host answered"},
	)
	if got, _ := stateLabel(m.hosts.row(2), m.now); got != "serving" || m.status.State != "playing" {
		t.Errorf("after failed: host 2 %q, bar %q; want serving, playing", got, m.status.State)
	}
	if got, _ := stateLabel(m.hosts.row(1), m.now); got != "remembered 18s" {
		t.Errorf("host 1, in flight at failed: %q, want what it was before (remembered)", got)
	}
	feed(m, events.Event{Time: at(2300), Kind: events.Connect, Host: testHosts[2], Index: 2},
		connectFailedEvent(2400, 2, testHosts[2]))
	if got, _ := stateLabel(m.hosts.row(2), m.now); got != "failed 30s" {
		t.Errorf("connect_failed for the serving host: %q, want failed 30s", got)
	}
}

// TestReresolveAfterAnErrorSaysItResumes: after a playback that ended in
// error, r resumes where the clip broke off (the session does so), and
// the log says that rather than "from the start"; after the clip's own
// end it starts again.
func TestReresolveAfterAnErrorSaysItResumes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		reason events.Reason
		want   string
	}{
		{events.ReasonError, "resuming the clip at 0:05"},
		{events.ReasonEOF, "playing the clip again from the start"},
	} {
		m, f := newTestModel(testOptions(), 100, 30)
		h0 := testHosts[0]
		feed(m, events.Event{Time: at(0), Kind: events.Resolved, Host: h0, Index: 0},
			events.Event{Time: at(10), Kind: events.Start, Host: h0, Index: 0},
			events.Event{Time: at(5000), Kind: events.End, Host: h0, Index: 0, Reason: c.reason, Position: 5 * time.Second, Duration: time.Minute})
		press(m, keyOf("r"))
		if !strings.Contains(plain(t, m), c.want) {
			t.Errorf("after an end of %s, r says not %q:\n%s", c.reason, c.want, plain(t, m))
		}
		if calls := f.Calls(); len(calls) == 0 || calls[len(calls)-1] != "reresolve" {
			t.Errorf("r called %v", calls)
		}
	}
}
