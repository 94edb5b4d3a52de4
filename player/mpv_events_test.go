package player

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPropertyChangePayloads(t *testing.T) {
	m := newCore(t)
	const (
		idTitle uint64 = iota + 1
		idPause
		idVolume
		idOSD
		idNone
		idTimePos
	)
	for _, o := range []struct {
		id     uint64
		name   string
		format mpvFormat
	}{
		{idTitle, "title", formatString},
		{idPause, "pause", formatFlag},
		{idVolume, "volume", formatDouble},
		{idOSD, "osd-level", formatInt64},
		{idNone, "mute", formatNone},
		{idTimePos, "time-pos", formatDouble},
	} {
		if err := m.ObserveProperty(o.id, o.name, o.format); err != nil {
			t.Fatal(err)
		}
	}
	must(t, m.SetPropertyString("title", "observed"))
	must(t, m.SetPropertyFlag("pause", true))
	must(t, m.SetPropertyDouble("volume", 12.25))
	must(t, m.SetPropertyInt64("osd-level", 3))
	must(t, m.SetPropertyFlag("mute", true))

	want := map[uint64]mpvEvent{
		idTitle:   {Name: "title", Format: formatString, Value: "observed"},
		idPause:   {Name: "pause", Format: formatFlag, Value: true},
		idVolume:  {Name: "volume", Format: formatDouble, Value: 12.25},
		idOSD:     {Name: "osd-level", Format: formatInt64, Value: int64(3)},
		idNone:    {Name: "mute", Format: formatNone},
		idTimePos: {Name: "time-pos", Format: formatNone}, // unavailable while idle: no value
	}
	// Notices come in no fixed order and the first may carry the value from
	// before the set; keep the latest per id until all match.
	got := map[uint64]mpvEvent{}
	matches := func() bool {
		for id, w := range want {
			g := got[id]
			if g.Name != w.Name || g.Format != w.Format || g.Value != w.Value {
				return false
			}
		}
		return true
	}
	deadline := time.Now().Add(waitLong)
	for !matches() && time.Now().Before(deadline) {
		if ev := m.WaitEvent(0.5); ev.ID == eventPropertyChange {
			got[ev.ReplyUserdata] = ev
		}
	}
	for id, w := range want {
		if g := got[id]; g.Name != w.Name || g.Format != w.Format || g.Value != w.Value {
			t.Errorf("%s: got name %q format %d value %#v; want format %d value %#v", w.Name, g.Name, g.Format, g.Value, w.Format, w.Value)
		}
	}
	if err := m.ObserveProperty(99, "no-such-property", formatFlag); err != nil {
		t.Logf("observing an unknown property: %v", err) // mpv accepts it and reports none
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// endOf loads url and returns its start-file and end-file events.
func endOf(t *testing.T, m *mpvHandle, url string) (start, end mpvEvent) {
	t.Helper()
	must(t, m.Command("loadfile", url, "replace"))
	start = waitMPV(t, m, "start-file", func(ev mpvEvent) bool { return ev.ID == eventStartFile })
	end = waitMPV(t, m, "end-file", func(ev mpvEvent) bool { return ev.ID == eventEndFile })
	return start, end
}

func TestEndFilePayloads(t *testing.T) {
	cs := serveClip(t)
	for _, tc := range []struct {
		name, url string
		reason    mpvEndReason
		err       error
	}{
		{"refused", refusedURL, endError, ErrLoadingFailed},
		{"404", cs.url("missing.mp4"), endError, ErrLoadingFailed},
		{"clip", cs.url("clip.mp4"), endEOF, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newCore(t, [2]string{"start", "5"}) // only the last second plays
			t0 := time.Now()
			start, end := endOf(t, m, tc.url)
			t.Logf("%s: end-file %v (%v) after %v", tc.name, end.Reason, end.EndErr, time.Since(t0).Round(time.Millisecond))
			if end.Reason != tc.reason || !errors.Is(end.EndErr, tc.err) || (tc.err == nil) != (end.EndErr == nil) {
				t.Fatalf("got reason %v err %v; want %v %v", end.Reason, end.EndErr, tc.reason, tc.err)
			}
			if start.EntryID <= 0 || end.EntryID != start.EntryID {
				t.Errorf("entry ids: start %d end %d", start.EntryID, end.EntryID)
			}
		})
	}
}

func TestEndFileStopOnReplace(t *testing.T) {
	cs := serveClip(t)
	m := newCore(t)
	must(t, m.Command("loadfile", cs.url("clip.mp4"), "replace"))
	waitMPV(t, m, "playback-restart", func(ev mpvEvent) bool { return ev.ID == eventPlaybackRestart })
	first, err := m.GetPropertyInt64("playlist/0/id")
	must(t, err)
	// Replacing a playing file ends it with stop; the new entry's id is
	// higher, which is what Player relies on to drop stale events.
	must(t, m.Command("loadfile", cs.url("clip.mp4"), "replace"))
	second, err := m.GetPropertyInt64("playlist/0/id")
	must(t, err)
	end := waitMPV(t, m, "end-file", func(ev mpvEvent) bool { return ev.ID == eventEndFile })
	if end.Reason != endStop || end.EndErr != nil || end.EntryID != first || second <= first {
		t.Fatalf("replaced file: reason %v err %v entry %d (first %d, second %d)", end.Reason, end.EndErr, end.EntryID, first, second)
	}
	waitMPV(t, m, "playback-restart", func(ev mpvEvent) bool { return ev.ID == eventPlaybackRestart })
	must(t, m.Command("stop"))
	end = waitMPV(t, m, "end-file", func(ev mpvEvent) bool { return ev.ID == eventEndFile })
	if end.Reason != endStop || end.EntryID != second {
		t.Fatalf("stop: reason %v entry %d", end.Reason, end.EntryID)
	}
}

func TestLogMessages(t *testing.T) {
	cs := serveClip(t)
	m := newCore(t)
	if err := m.RequestLogMessages("no-such-level"); !errors.Is(err, ErrInvalidParameter) {
		t.Errorf("bad level: got %v", err)
	}
	must(t, m.RequestLogMessages("error"))
	must(t, m.Command("loadfile", cs.url("missing.mp4"), "replace"))
	ev := waitMPV(t, m, "log message", func(ev mpvEvent) bool { return ev.ID == eventLogMessage })
	if ev.Level != "error" || ev.Prefix == "" || ev.Text == "" || strings.HasSuffix(ev.Text, "\n") {
		t.Fatalf("log message: level %q prefix %q text %q", ev.Level, ev.Prefix, ev.Text)
	}
	t.Logf("[%s] %s: %s", ev.Level, ev.Prefix, ev.Text)
}

func TestWaitEventTimeoutAndWakeup(t *testing.T) {
	m := newCore(t)
	for m.WaitEvent(0.2).ID != eventNone { // drain startup events (idle comes late)
	}
	t0 := time.Now()
	if ev := m.WaitEvent(0.2); ev.ID != eventNone {
		t.Fatalf("got %v, want none on timeout", ev.ID)
	}
	if d := time.Since(t0); d < 150*time.Millisecond {
		t.Errorf("timeout returned after %v", d)
	}
	got := make(chan mpvEventID)
	go func() { got <- m.WaitEvent(-1).ID }()
	// Nothing tells when the goroutine is inside mpv's wait, so this
	// window both checks that WaitEvent(-1) stays blocked and gives it time
	// to get there. Were it not there yet, the sticky Wakeup would end its
	// wait all the same.
	select {
	case id := <-got:
		t.Fatalf("WaitEvent(-1) returned %v before Wakeup", id)
	case <-time.After(100 * time.Millisecond):
	}
	m.Wakeup()
	select {
	case id := <-got:
		if id != eventNone {
			t.Errorf("wakeup: got %v", id)
		}
	case <-time.After(waitLong):
		t.Fatal("Wakeup did not interrupt WaitEvent(-1)")
	}
}

// TerminateDestroy must not free the handle under a WaitEvent blocked
// forever, and everything after it must fail cleanly.
func TestTerminateDestroyWhileWaiting(t *testing.T) {
	m := newCore(t)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for m.WaitEvent(-1).ID != eventShutdown {
		}
	}()
	// Nothing tells when the goroutine has taken the startup events and
	// blocks in mpv's wait; this gives it the time. TerminateDestroy must
	// be safe whether it is there yet or not.
	time.Sleep(50 * time.Millisecond)
	m.TerminateDestroy()
	m.TerminateDestroy()
	wg.Wait()
	if err := m.Command("stop"); !errors.Is(err, ErrClosed) {
		t.Errorf("Command after destroy: %v", err)
	}
	if _, err := m.GetPropertyDouble("volume"); !errors.Is(err, ErrClosed) {
		t.Errorf("GetPropertyDouble after destroy: %v", err)
	}
	if ev := m.WaitEvent(-1); ev.ID != eventShutdown {
		t.Errorf("WaitEvent after destroy: %v", ev.ID)
	}
	m.Wakeup()
}
