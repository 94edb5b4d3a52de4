package player

import (
	"errors"
	"testing"
	"time"

	"clusterplay/assets"
)

func newHeadless(t *testing.T, opts Options) *Player {
	t.Helper()
	opts.NoVideo = true
	p, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// waitKind returns the first event of kind and the events before it,
// failing on timeout or when the channel closes first.
func waitKind(t *testing.T, p *Player, kind EventKind) (Event, []Event) {
	t.Helper()
	var seen []Event
	timeout := time.After(waitLong)
	for {
		select {
		case ev, ok := <-p.Events():
			if !ok {
				t.Fatalf("events closed while waiting for %s; saw %v", kind, kinds(seen))
			}
			if ev.Kind == kind {
				return ev, seen
			}
			seen = append(seen, ev)
		case <-timeout:
			t.Fatalf("no %s within %v; saw %v", kind, waitLong, kinds(seen))
		}
	}
}

func kinds(evs []Event) []EventKind {
	var out []EventKind
	for _, e := range evs {
		if e.Kind != EventProgress || len(out) == 0 || out[len(out)-1] != EventProgress {
			out = append(out, e.Kind)
		}
	}
	return out
}

func countKind(evs []Event, kind EventKind) (n int) {
	for _, e := range evs {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

func within(got, want, tol time.Duration) bool {
	return got >= want-tol && got <= want+tol
}

func TestPlayClipHeadless(t *testing.T) {
	cs := serveClip(t)
	p := newHeadless(t, Options{})
	url := cs.url(assets.ClipName)
	t0 := time.Now()
	must(t, p.Load(url, 0))
	start, before := waitKind(t, p, EventStart)
	t.Logf("Load -> Start over loopback: %v", time.Since(t0).Round(time.Millisecond))
	if countKind(before, EventLoaded) != 1 || start.URL != url || start.Position > 200*time.Millisecond {
		t.Fatalf("start: %+v after %v", start, kinds(before))
	}
	if !within(start.Duration, assets.ClipDuration, 100*time.Millisecond) {
		t.Errorf("start duration %v, want %v", start.Duration, assets.ClipDuration)
	}
	end, during := waitKind(t, p, EventEnd)
	t.Logf("Load -> End: %v, %d progress events", time.Since(t0).Round(time.Millisecond), countKind(during, EventProgress))
	if end.Reason != ReasonEOF || end.Err != nil {
		t.Fatalf("end: %+v", end)
	}
	if !within(end.Position, end.Duration, time.Second) || !within(end.Duration, assets.ClipDuration, 100*time.Millisecond) {
		t.Fatalf("end at %v of %v, want within 1s of %v", end.Position, end.Duration, assets.ClipDuration)
	}
	if countKind(during, EventStart) != 0 || countKind(during, EventProgress) < 10 {
		t.Errorf("between start and end: %v", kinds(during))
	}
	var last time.Duration
	for _, e := range during {
		if e.Position < last {
			t.Errorf("position went back from %v to %v", last, e.Position)
		}
		last = e.Position
	}
	if p.Position() != end.Position || p.duration() != end.Duration || p.HasVideoOutput() {
		t.Errorf("getters: pos %v dur %v video %v", p.Position(), p.duration(), p.HasVideoOutput())
	}
}

func TestLoadWithStart(t *testing.T) {
	cs := serveClip(t)
	p := newHeadless(t, Options{})
	must(t, p.Load(cs.url(assets.ClipName), 3*time.Second))
	if p.Position() != 3*time.Second {
		t.Errorf("Position before start = %v, want the requested start", p.Position())
	}
	start, before := waitKind(t, p, EventStart)
	if !within(start.Position, 3*time.Second, 250*time.Millisecond) {
		t.Fatalf("started at %v, want ~3s (after %v)", start.Position, kinds(before))
	}
	end, during := waitKind(t, p, EventEnd)
	if end.Reason != ReasonEOF || !within(end.Position, assets.ClipDuration, time.Second) {
		t.Fatalf("end: %+v", end)
	}
	for _, e := range during {
		if e.Position < 3*time.Second-250*time.Millisecond {
			t.Errorf("progress at %v before the resume point", e.Position)
		}
	}
}

func TestLoadFailures(t *testing.T) {
	cs := serveClip(t)
	p := newHeadless(t, Options{})
	for _, url := range []string{refusedURL, cs.url("missing.mp4")} {
		t0 := time.Now()
		must(t, p.Load(url, 2*time.Second))
		end, before := waitKind(t, p, EventEnd)
		t.Logf("%s: End after %v: %v", url, time.Since(t0).Round(time.Millisecond), end.Err)
		if end.Reason != ReasonError || !errors.Is(end.Err, ErrLoadingFailed) || end.URL != url {
			t.Fatalf("%s: %+v", url, end)
		}
		if countKind(before, EventStart)+countKind(before, EventLoaded) != 0 {
			t.Errorf("%s: events before End: %v", url, kinds(before))
		}
		if end.Position != 2*time.Second || end.Duration != 0 {
			t.Errorf("%s: End at %v of %v, want the requested start and unknown duration", url, end.Position, end.Duration)
		}
	}
	if err := p.Load("", 0); !errors.Is(err, ErrInvalidParameter) {
		t.Errorf("Load(\"\"): %v", err)
	}
}

// A Load replacing a playing file must not leak that file's End (stop).
func TestLoadReplacesQuietly(t *testing.T) {
	cs := serveClip(t)
	p := newHeadless(t, Options{})
	first, second := cs.url(assets.ClipName), cs.url(assets.ClipName)+"?second"
	must(t, p.Load(first, 0))
	waitKind(t, p, EventStart)
	must(t, p.Load(second, 4*time.Second))
	start, before := waitKind(t, p, EventStart)
	if countKind(before, EventEnd) != 0 || start.URL != second || !within(start.Position, 4*time.Second, 250*time.Millisecond) {
		t.Fatalf("second start %+v after %v", start, kinds(before))
	}
	must(t, p.Stop())
	end, _ := waitKind(t, p, EventEnd)
	if end.Reason != ReasonStop || end.URL != second || end.Err != nil {
		t.Fatalf("stop: %+v", end)
	}
}

func TestControls(t *testing.T) {
	cs := serveClip(t)
	vol := 80.0
	p := newHeadless(t, Options{Volume: &vol})
	must(t, p.Load(cs.url(assets.ClipName), 0))
	waitKind(t, p, EventStart)

	must(t, p.Pause(true))
	waitFor(t, p, "paused", func(e Event) bool { return e.Paused })
	must(t, p.Seek(2*time.Second))
	ev := waitFor(t, p, "position after seek", func(e Event) bool { return e.Position >= 2*time.Second })
	if !ev.Paused || ev.Position > 3*time.Second {
		t.Errorf("after seek while paused: %+v", ev)
	}
	must(t, p.TogglePause())
	waitFor(t, p, "unpaused", func(e Event) bool { return !e.Paused })

	if p.Volume() != 80 {
		t.Errorf("initial volume %v", p.Volume())
	}
	must(t, p.setVolume(50))
	must(t, p.AddVolume(-10))
	waitFor(t, p, "volume 40", func(Event) bool { return p.Volume() == 40 })
	must(t, p.ToggleMute())
	waitFor(t, p, "muted", func(Event) bool { return p.muted() })
	must(t, p.ToggleFullscreen()) // accepted even without a window
	must(t, p.Stop())
	end, _ := waitKind(t, p, EventEnd)
	if end.Reason != ReasonStop {
		t.Fatalf("end: %+v", end)
	}
}

// waitFor returns the first progress event for which ok holds.
func waitFor(t *testing.T, p *Player, what string, ok func(Event) bool) Event {
	t.Helper()
	timeout := time.After(waitLong)
	for {
		select {
		case ev, open := <-p.Events():
			if !open {
				t.Fatalf("events closed while waiting for %s", what)
			}
			if ev.Kind == EventProgress && ok(ev) {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %s within %v", what, waitLong)
		}
	}
}
