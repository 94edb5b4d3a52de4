package watch

import (
	"strings"
	"testing"
	"time"

	"clusterplay/events"
)

var (
	t0    = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	hosts = []string{"http://a.test/", "http://b.test/", "http://c.test/"}
)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

// The events of a session, by what they say.
func connect(ms, i int) events.Event {
	return events.Event{Time: at(ms), Kind: events.Connect, Host: hosts[i], Index: i}
}

func connectFailed(ms, i int) events.Event {
	return events.Event{Time: at(ms), Kind: events.ConnectFailed, Host: hosts[i], Index: i, Class: events.ClassRefused,
		Err: "connection refused", Elapsed: 3 * time.Millisecond, ExpiresAt: at(ms).Add(30 * time.Second)}
}

func cancelled(ms, i int) events.Event {
	return events.Event{Time: at(ms), Kind: events.ConnectCancelled, Host: hosts[i], Index: i, Class: events.ClassCancelled}
}

func skip(ms, i int) events.Event {
	return events.Event{Time: at(ms), Kind: events.Skip, Host: hosts[i], Index: i, ExpiryLeft: 10 * time.Second,
		ExpiresAt: at(ms).Add(10 * time.Second)}
}

func resolved(ms, i int) events.Event {
	return events.Event{Time: at(ms), Kind: events.Resolved, Host: hosts[i], Index: i, Elapsed: 40 * time.Millisecond}
}

func start(ms, i int) events.Event {
	return events.Event{Time: at(ms), Kind: events.Start, Host: hosts[i], Index: i, Duration: time.Minute}
}

func hostFailed(ms, i int) events.Event {
	return events.Event{Time: at(ms), Kind: events.HostFailed, Host: hosts[i], Index: i, Class: events.ClassManual,
		Err: "marked failed by the user", ExpiresAt: at(ms).Add(30 * time.Second)}
}

func failover(ms, from, to int, class events.Class) events.Event {
	ev := events.Event{Time: at(ms), Kind: events.Failover, Host: hosts[from], Index: from, Class: class,
		Position: 15 * time.Second, ExpiresAt: at(ms).Add(30 * time.Second)}
	if to >= 0 {
		ev.ToHost, ev.ToIndex = hosts[to], to
	}
	return ev
}

func failed(ms int) events.Event {
	return events.Event{Time: at(ms), Kind: events.Failed, Index: -1, Err: "3 hosts, 1 pass"}
}

func end(ms, i int, r events.Reason) events.Event {
	ev := events.Event{Time: at(ms), Kind: events.End, Index: -1, Reason: r, Position: 20 * time.Second, Duration: time.Minute}
	if i >= 0 {
		ev.Host, ev.Index = hosts[i], i
	}
	if r == events.ReasonError {
		ev.Class, ev.Err = events.ClassStall, "no progress for 3s"
	}
	return ev
}

func state(ms int, st events.State) events.Event {
	return events.Event{Time: at(ms), Kind: events.StateChanged, Index: -1, State: st, Clip: "clip.mp4"}
}

func fold(evs ...events.Event) *Fold {
	f := New(Options{Hosts: hosts, Clip: "clip.mp4"})
	for _, ev := range evs {
		f.Apply(ev)
	}
	return f
}

// states is every row's state at now, joined: "failed skipped serving".
func states(f *Fold, now time.Time) string {
	var out []string
	for _, h := range f.Hosts() {
		out = append(out, string(h.StateAt(now)))
	}
	return strings.Join(out, " ")
}

func TestHostRowsFollowTheEvents(t *testing.T) {
	for _, c := range []struct {
		name string
		evs  []events.Event
		now  int // ms after t0
		want string
	}{
		{"nothing happened", nil, 0, "untried untried untried"},
		{"a resolution: refused, remembered, answered",
			[]events.Event{connect(0, 0), connectFailed(3, 0), skip(4, 1), connect(5, 2), resolved(47, 2)}, 100,
			"failed skipped serving"},
		{"the memory of a skipped host runs out",
			[]events.Event{skip(0, 1)}, 10001, "untried failed untried"},
		{"a race: the loser is cancelled",
			[]events.Event{connect(0, 0), connect(0, 1), resolved(30, 1), cancelled(31, 0)}, 40,
			"cancelled serving untried"},
		{"a failover blames the host left",
			[]events.Event{resolved(0, 0), start(1, 0), failover(9000, 0, 1, events.ClassStall)}, 9001,
			"failed serving untried"},
		{"a switch (n) leaves the host unblamed",
			[]events.Event{resolved(0, 0), start(1, 0), failover(9000, 0, 1, events.ClassSwitch)}, 9001,
			"idle serving untried"},
		{"a fail-back leaves the host unblamed",
			[]events.Event{resolved(0, 1), start(1, 1), failover(9000, 1, 0, events.ClassFailBack)}, 9001,
			"serving idle untried"},
		{"the end: nobody serves",
			[]events.Event{resolved(0, 0), start(1, 0), end(9000, 0, events.ReasonEOF)}, 9001,
			"idle untried untried"},
		{"marked failed while another serves",
			[]events.Event{resolved(0, 0), start(1, 0), hostFailed(500, 2)}, 501,
			"serving untried failed"},
		// Blamed while it served, then no host took over: the end
		// leaves it failed, not idle.
		{"blamed, then nobody took over",
			[]events.Event{resolved(0, 0), start(1, 0), hostFailed(500, 0), failed(900), end(901, 0, events.ReasonError)}, 902,
			"failed untried untried"},
		// The two readings that used to disagree. A connect_failed
		// for the serving host (r tried it again and it did not
		// answer): the host is failed, whatever plays.
		{"connect_failed for the serving host",
			[]events.Event{resolved(0, 0), start(1, 0), connect(5000, 0), connectFailed(5003, 0)}, 5004,
			"failed untried untried"},
		// failed ends a resolution: it blames nobody it does not name.
		// The serving host serves on (a switch that found nobody), and
		// a host still in flight is what the events said before its
		// attempt.
		{"failed blames nobody",
			[]events.Event{resolved(0, 0), start(1, 0), connect(5000, 1), connectFailed(5003, 1), connect(5004, 2), failed(5005)}, 5006,
			"serving failed untried"},
		{"failed leaves a remembered host remembered",
			[]events.Event{connect(0, 0), connectFailed(3, 0), connect(4, 0), failed(5)}, 6,
			"failed untried untried"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := fold(c.evs...)
			if got := states(f, at(c.now)); got != c.want {
				t.Errorf("states %q, want %q", got, c.want)
			}
		})
	}
}

func TestHostRowDetails(t *testing.T) {
	ph := events.Phases{Connect: time.Millisecond, TTFB: 5 * time.Millisecond}
	won := resolved(47, 2)
	won.Phases = ph
	f := fold(connect(0, 0), connectFailed(3, 0), connect(5, 2), won,
		events.Event{Time: at(900), Kind: events.Fetch, Host: hosts[2], Index: 2, Bytes: 1 << 20, Elapsed: 500 * time.Millisecond},
		events.Event{Time: at(1900), Kind: events.Fetch, Host: hosts[2], Index: 2, Bytes: 1 << 20, Elapsed: 500 * time.Millisecond},
		failover(3000, 2, -1, events.ClassStall))
	h := f.Hosts()
	if h[0].Failures != 1 || h[0].Took != 3*time.Millisecond || !h[0].ExpiresAt.Equal(at(3).Add(30*time.Second)) {
		t.Errorf("host 0: %+v", h[0])
	}
	if h[2].Took != 42*time.Millisecond || h[2].Phases != ph || h[2].Failures != 1 {
		t.Errorf("host 2: took %v phases %+v failures %d", h[2].Took, h[2].Phases, h[2].Failures)
	}
	if h[2].Bytes != 2<<20 || h[2].Fetches != 2 || h[2].Throughput() != 2<<20 {
		t.Errorf("host 2 relayed %d bytes in %d fetches at %.0f B/s", h[2].Bytes, h[2].Fetches, h[2].Throughput())
	}
	if h[1].Took >= 0 || h[1].Throughput() != 0 {
		t.Errorf("an untried host: %+v", h[1])
	}
	// Until counts down to the engine's expiry, and stops at zero.
	if left := Until(h[0].ExpiresAt, at(10003)); left != 20*time.Second {
		t.Errorf("left %v", left)
	}
	if left := Until(h[0].ExpiresAt, at(40000)); left != 0 {
		t.Errorf("left after expiry %v", left)
	}
}

func TestApplySaysWhichRowMoved(t *testing.T) {
	f := fold()
	for _, c := range []struct {
		ev   events.Event
		want int
	}{
		{connect(0, 1), 1},
		{resolved(1, 1), 1},
		{failover(2, 1, 2, events.ClassStall), 2}, // the host taking over
		{failed(3), -1},
		{events.Event{Kind: events.Connect, Host: "http://elsewhere/", Index: 7}, -1},
		{events.Event{Kind: events.Connect, Host: hosts[0], Index: 2}, 0}, // the URL wins over a stray index
	} {
		if got := f.Apply(c.ev); got != c.want {
			t.Errorf("%s %s: row %d, want %d", c.ev.Kind, c.ev.Host, got, c.want)
		}
	}
}

func TestPlaybackFollowsTheEvents(t *testing.T) {
	tick := events.Event{Time: at(2000), Kind: events.Tick, Index: 0, Host: hosts[0], State: events.StatePlaying,
		Position: 12 * time.Second, Duration: time.Minute, Cache: 5 * time.Second, Volume: 80, Speed: 1.1}
	for _, c := range []struct {
		name       string
		evs        []events.Event
		state      events.State
		host       string
		index      int
		position   time.Duration
		ended      string
		outcome    Outcome
		exit       int
		speedOrVol float64
	}{
		{"nothing yet", nil, events.StateIdle, "", -1, 0, "", Played, 0, 0},
		{"a connect begins it", []events.Event{connect(0, 0)}, events.StateConnecting, "", -1, 0, "", Played, 0, 0},
		{"playing, ticking", []events.Event{resolved(0, 0), start(1, 0), tick}, events.StatePlaying, hosts[0], 0, 12 * time.Second, "", Played, 0, 80},
		{"a failover moves the host", []events.Event{resolved(0, 0), start(1, 0), failover(3000, 0, 1, events.ClassStall)},
			events.StateConnecting, hosts[1], 1, 15 * time.Second, "", Played, 0, 0},
		{"no host answered", []events.Event{connect(0, 0), connectFailed(3, 0), failed(4)}, StateFailed, "", -1, 0, "", AllFailed, 1, 0},
		{"played to the end", []events.Event{resolved(0, 0), start(1, 0), state(60000, events.StateEnded), end(60000, 0, events.ReasonEOF)},
			events.StateEnded, "", -1, 20 * time.Second, "end of clip", Played, 0, 0},
		{"ended in error", []events.Event{resolved(0, 0), start(1, 0), failed(9000), end(9001, 0, events.ReasonError)},
			events.StateEnded, "", -1, 20 * time.Second, "error: stall: no progress for 3s", PlaybackFailed, 3, 0},
		{"quit", []events.Event{resolved(0, 0), start(1, 0), end(9001, 0, events.ReasonQuit)},
			events.StateEnded, "", -1, 20 * time.Second, "quit", Played, 0, 0},
		// A switch (n) that found nobody: the stream plays on, and
		// neither the bar nor the exit code says failed.
		{"a switch found nobody", []events.Event{resolved(0, 0), start(1, 0), tick, failed(3000)},
			events.StatePlaying, hosts[0], 0, 12 * time.Second, "", Played, 0, 80},
		// Leaving ended forgets how it ended.
		{"played again", []events.Event{resolved(0, 0), start(1, 0), end(9001, 0, events.ReasonError), connect(9500, 1)},
			events.StateConnecting, "", -1, 20 * time.Second, "", PlaybackFailed, 3, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := fold(c.evs...)
			p := f.Playback()
			if p.State != c.state || p.Host != c.host || p.Index != c.index || p.Position != c.position || p.Ended() != c.ended {
				t.Errorf("state %q host %q index %d position %v ended %q; want %q %q %d %v %q",
					p.State, p.Host, p.Index, p.Position, p.Ended(), c.state, c.host, c.index, c.position, c.ended)
			}
			if f.Outcome() != c.outcome || f.ExitCode() != c.exit {
				t.Errorf("outcome %v exit %d, want %v %d", f.Outcome(), f.ExitCode(), c.outcome, c.exit)
			}
			if c.speedOrVol != 0 && (p.Volume != c.speedOrVol || p.Speed != 1.1 || p.Cache != 5*time.Second) {
				t.Errorf("tick not folded: %+v", p)
			}
		})
	}
}

// A playlist exits as a headless run does: with the worst of its clips,
// a failed playback over a clip no host had over one that played.
func TestOutcomeIsTheWorstOfThePlaylist(t *testing.T) {
	noHost := []events.Event{connect(0, 0), connectFailed(3, 0), failed(4)}
	played := []events.Event{resolved(10, 0), start(11, 0), end(60000, 0, events.ReasonEOF)}
	broke := []events.Event{resolved(10, 0), start(11, 0), failed(5000), end(5001, 0, events.ReasonError)}
	cat := func(parts ...[]events.Event) []events.Event {
		var out []events.Event
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	for _, c := range []struct {
		name string
		evs  []events.Event
		want Outcome
	}{
		{"played, played", cat(played, played), Played},
		{"failed, then played", cat(broke, played), PlaybackFailed},
		{"no host, then played", cat(noHost, played), AllFailed},
		{"played, then no host", cat(played, noHost), AllFailed},
		{"no host, failed, played", cat(noHost, broke, played), PlaybackFailed},
		{"failed, no host", cat(broke, noHost), PlaybackFailed},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := fold(c.evs...).Outcome(); got != c.want {
				t.Errorf("outcome %v, want %v", got, c.want)
			}
		})
	}
}

func TestPositionStopsAtTheEnd(t *testing.T) {
	f := fold(resolved(0, 0), start(1, 0),
		events.Event{Kind: events.End, Index: 0, Host: hosts[0], Reason: events.ReasonEOF, Position: 61 * time.Second, Duration: time.Minute})
	if p := f.Playback(); p.Position != time.Minute {
		t.Errorf("position %v past the duration %v", p.Position, p.Duration)
	}
}
