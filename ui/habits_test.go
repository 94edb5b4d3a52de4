package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"clusterplay/events"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// endedModel is the scripted session after its clip played to the end.
func endedModel(w, h int) (*Model, *fakeCtrl) {
	m, f := playingModel(w, h)
	feed(m,
		events.Event{Time: at(60000), Kind: events.StateChanged, Index: 2, Host: testHosts[2], State: events.StateEnded,
			Clip: "vod/clip.mp4", Position: time.Minute, Duration: time.Minute},
		events.Event{Time: at(60000), Kind: events.End, Index: 2, Host: testHosts[2], Reason: events.ReasonEOF,
			Position: time.Minute, Duration: time.Minute},
	)
	return m, f
}

func TestEndOfClipWaitsAndReplays(t *testing.T) {
	t.Parallel()
	m, f := endedModel(80, 24)
	view := plain(t, m)
	for _, want := range []string{"ended", "1:00 / 1:00", "clip ended: eof at 1:00", "space/r: play again · c: new clip"} {
		if !strings.Contains(view, want) {
			t.Errorf("the end does not say %q:\n%s", want, view)
		}
	}

	// Seeks and the other keys for what plays are refused, with words.
	for _, k := range []string{"left", "right", "up", "down", ".", ",", "s", "#", "j"} {
		press(m, keyOf(k))
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Errorf("keys after the end reached the player: %q", calls)
	}
	view = plain(t, m)
	if n := strings.Count(view, "the clip has ended: space or r plays it again, c takes another clip"); n == 0 {
		t.Errorf("no word on why the keys do nothing:\n%s", view)
	}
	if strings.Contains(view, "failed") && strings.Contains(view, "seek failed") {
		t.Errorf("a refused seek reads as a failure:\n%s", view)
	}

	press(m, keyOf("space"))
	press(m, keyOf("r"))
	if got := f.Calls(); !slices.Equal(got, []string{"replay", "reresolve"}) {
		t.Errorf("space and r after the end called %q, want replay and reresolve", got)
	}
	if !strings.Contains(plain(t, m), "playing the clip again from the start") {
		t.Errorf("the replay is not said:\n%s", plain(t, m))
	}

	press(m, keyOf("c"))
	if !m.prompt.active {
		t.Error("c after the end does not ask for another clip")
	}
}

// mpv names a seek's target past the end until the file ends: the bar
// shows the clip's end, never `ended 1:10 / 0:25`.
func TestPositionNeverPassesTheDuration(t *testing.T) {
	t.Parallel()
	m, _ := playingModel(80, 24)
	status(m, 3000, Status{State: "playing", Position: 70 * time.Second, Duration: 25 * time.Second, Host: testHosts[2], Volume: 100}, false, false)
	if view := plain(t, m); !strings.Contains(view, "0:25 / 0:25") || strings.Contains(view, "1:10") {
		t.Errorf("tick past the end:\n%s", view)
	}
	feed(m, events.Event{Time: at(3100), Kind: events.End, Index: 2, Host: testHosts[2], Reason: events.ReasonEOF,
		Position: 70 * time.Second, Duration: 25 * time.Second})
	if m.status.Position != 25*time.Second || !strings.Contains(plain(t, m), "ended (end of clip) 0:25 / 0:25") {
		t.Errorf("end past the end: %+v\n%s", m.status, plain(t, m))
	}
}

func TestNothingPlaysAfterAllFailed(t *testing.T) {
	t.Parallel()
	m, f := newTestModel(testOptions(), 80, 24)
	feed(m, events.Event{Time: at(100), Kind: events.Failed, Index: -1, Err: "no host answered"})
	press(m, keyOf("space"))
	press(m, keyOf("right"))
	if calls := f.Calls(); len(calls) != 0 {
		t.Errorf("keys with nothing playing reached the player: %q", calls)
	}
	view := plain(t, m)
	for _, want := range []string{"nothing plays: r tries the hosts again, c takes another clip", "r: try the hosts again"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
}

func TestLiveBadgeAndEndKey(t *testing.T) {
	t.Parallel()
	m, f := playingModel(80, 24)
	feed(m, events.Event{Time: at(3000), Kind: events.Tick, Index: 2, Host: testHosts[2], State: events.StatePlaying,
		Position: 83 * time.Second, Live: true, Behind: 2500 * time.Millisecond, Cache: 2 * time.Second, Volume: 100, Speed: 1})
	view := plain(t, m)
	if !strings.Contains(view, "1:23  LIVE  2.5s behind live") || strings.Contains(view, "--:--") {
		t.Errorf("a live stream's bar:\n%s", view)
	}
	press(m, keyOf("end"))
	if got := f.Calls(); !slices.Equal(got, []string{"live edge"}) {
		t.Errorf("end on a live stream called %q", got)
	}
	press(m, keyOf("o"))
	if !strings.Contains(plain(t, m), "progress: 1:23 into a live stream, 2.5s behind live") {
		t.Errorf("o on a live stream:\n%s", plain(t, m))
	}

	// A live stream whose delay is not known shows none.
	feed(m, events.Event{Time: at(3200), Kind: events.Tick, Index: 2, Host: testHosts[2], State: events.StatePlaying,
		Position: 84 * time.Second, Live: true, Volume: 100, Speed: 1})
	bar := strings.Split(m.bar.view(m.styles, m.status, m.lb, 80), "\n")[0]
	if bar = ansi.Strip(bar); !strings.Contains(bar, "1:24  LIVE") || strings.Contains(bar, "behind") {
		t.Errorf("an unknown delay is shown: %q", bar)
	}
}

// Not live, end is the log's newest line, as before.
func TestEndKeyScrollsTheLogOfAClip(t *testing.T) {
	t.Parallel()
	m, f := playingModel(80, 10)
	press(m, keyOf("pgup"))
	if m.log.follow {
		t.Fatal("pgup did not scroll the log back")
	}
	press(m, keyOf("end"))
	if !m.log.follow || len(f.Calls()) != 0 {
		t.Errorf("end on a clip: follow=%v calls %q", m.log.follow, f.Calls())
	}
}

func TestSpeedInTheBar(t *testing.T) {
	t.Parallel()
	m, _ := playingModel(80, 24)
	tick := events.Event{Time: at(3000), Kind: events.Tick, Index: 2, Host: testHosts[2], State: events.StatePlaying,
		Position: 13 * time.Second, Duration: time.Minute, Volume: 100, Speed: 1}
	feed(m, tick)
	if strings.Contains(plain(t, m), "speed") {
		t.Errorf("normal speed shown:\n%s", plain(t, m))
	}
	tick.Time, tick.Speed = at(3100), 1.1
	feed(m, tick)
	view := plain(t, m)
	if !hasLine(view, "speed 1.10×  load balancing: off") || !hasLine(view, "12:00:03.100 speed 1.10×") {
		t.Errorf("speed 1.1 not shown and logged:\n%s", view)
	}
}

func TestKeysThatAnswerInWords(t *testing.T) {
	t.Parallel()
	m, f := playingModel(80, 24)
	for _, k := range []string{"s", "#", "j", "o"} {
		press(m, keyOf(k))
	}
	view := plain(t, m)
	for _, want := range []string{
		"screenshot saved: clusterplay-shot0001.jpg",
		"audio: track 1 of 1",
		"subtitles: none in this clip",
		"progress: 0:12 of 1:00 (20%), cache 5.0s",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("log lacks %q:\n%s", want, view)
		}
	}
	if got := f.Calls(); !slices.Equal(got, []string{"screenshot", "audio", "subtitles"}) {
		t.Errorf("calls %q", got)
	}
}

func TestCtrlZSuspends(t *testing.T) {
	t.Parallel()
	m, f := playingModel(80, 24)
	_, cmd := m.Update(keyOf("ctrl+z"))
	if cmd == nil {
		t.Fatal("ctrl+z gives no command")
	}
	if _, ok := cmd().(tea.SuspendMsg); !ok || len(f.Calls()) != 0 {
		t.Errorf("ctrl+z: not a suspend, or calls %q", f.Calls())
	}
}

// The full help says what the keys do that mpv's users might look for
// elsewhere: l is not the A-B loop, end is a live stream's edge.
func TestFullHelpTellsMpvUsers(t *testing.T) {
	t.Parallel()
	m, _ := playingModel(80, 24)
	press(m, keyOf("?"))
	help := ansi.Strip(m.helpView())
	for _, want := range []string{"(not A-B loop)", "live: edge", "ctrl+z", "ended: replay", "[/]", "./,", "#/j", "screenshot", "progress"} {
		if !strings.Contains(help, want) {
			t.Errorf("full help lacks %q:\n%s", want, help)
		}
	}
}

func TestShortHelpAfterTheEnd(t *testing.T) {
	t.Parallel()
	m, _ := endedModel(80, 24)
	if help := ansi.Strip(m.helpView()); !strings.HasPrefix(help, "space play again") {
		t.Errorf("short help after the end: %q", help)
	}
	m, _ = playingModel(80, 24)
	if help := ansi.Strip(m.helpView()); !strings.HasPrefix(help, "space pause") {
		t.Errorf("short help while playing: %q", help)
	}
}

// An end after an error does not look like the clip's end: the bar and
// the log line say which it was.
func TestEndSaysWhichEnd(t *testing.T) {
	for _, c := range []struct {
		name          string
		end           events.Event
		bar, log, not string
	}{
		{"the clip's end", events.Event{Kind: events.End, Reason: events.ReasonEOF, Position: time.Minute, Duration: time.Minute},
			"ended (end of clip) 1:00 / 1:00", "clip ended: eof at 1:00 (end of clip)", "error"},
		{"an error", events.Event{Kind: events.End, Reason: events.ReasonError, Class: events.ClassStall, Err: "no progress for 3s",
			Position: 20 * time.Second, Duration: time.Minute},
			"ended (error: stall: no progress for 3s) 0:20 / 1:00", "clip ended: error at 0:20 (stall: no progress for 3s)", "end of clip"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, _ := playingModel(80, 24)
			c.end.Time, c.end.Index, c.end.Host = at(60000), 2, testHosts[2]
			feed(m, events.Event{Time: at(60000), Kind: events.StateChanged, Index: 2, Host: testHosts[2], State: events.StateEnded,
				Clip: "vod/clip.mp4", Position: c.end.Position, Duration: time.Minute}, c.end)
			view := plain(t, m)
			if !hasLine(view, c.bar) || !hasLine(view, c.log) || strings.Contains(view, c.not) {
				t.Errorf("the end does not say which (want %q and %q, not %q):\n%s", c.bar, c.log, c.not, view)
			}
		})
	}
	// A narrow bar cuts the error, never the clock.
	m, _ := playingModel(60, 15)
	feed(m, events.Event{Time: at(9000), Kind: events.End, Index: 2, Host: testHosts[2], Reason: events.ReasonError,
		Class: events.ClassPlayback, Err: "no host could take over after a long list of reasons", Position: 20 * time.Second, Duration: time.Minute})
	if view := plain(t, m); !hasLine(view, "ended (error: playback: no h…) 0:20 / 1:00") {
		t.Errorf("narrow end:\n%s", view)
	}
}
