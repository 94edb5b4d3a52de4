package player

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"clusterplay/assets"
)

func TestCloseIdempotentNoLeak(t *testing.T) {
	cs := serveClip(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p, err := New(Options{NoVideo: true})
	must(t, err)
	must(t, p.Load(cs.url(assets.ClipName), 0))
	waitKind(t, p, EventStart)
	t0 := time.Now()
	must(t, p.Close())
	t.Logf("Close while playing: %v", time.Since(t0).Round(time.Millisecond))
	must(t, p.Close())
	for range p.Events() { // must be closed, after at most a few buffered events
	}
	for name, err := range map[string]error{
		"Load":   p.Load(cs.url(assets.ClipName), 0),
		"Pause":  p.Pause(true),
		"Seek":   p.Seek(time.Second),
		"Volume": p.setVolume(10),
		"Stop":   p.Stop(),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
	_ = p.Position()
}

// Nobody reads the events: Close must still return promptly.
func TestCloseWithoutReader(t *testing.T) {
	cs := serveClip(t)
	p, err := New(Options{NoVideo: true})
	must(t, err)
	must(t, p.Load(cs.url(assets.ClipName), 0))
	// Let Loaded, Start and progress pile up unread for 1.5 s of playback.
	// Reading the events would defeat the test, so this polls the position
	// the event goroutine keeps, to a deadline.
	for deadline := time.Now().Add(waitLong); p.Position() < 1500*time.Millisecond; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("playback never reached 1.5 s in %v; position %v", waitLong, p.Position())
		}
	}
	assertCloses(t, p, 3*time.Second)
}

func assertCloses(t *testing.T, p *Player, limit time.Duration) {
	t.Helper()
	t0 := time.Now()
	done := make(chan struct{})
	go func() { _ = p.Close(); close(done) }()
	select {
	case <-done:
		t.Logf("Close took %v", time.Since(t0).Round(time.Millisecond))
	case <-time.After(waitLong):
		t.Fatalf("Close hung for %v", waitLong)
	}
	if d := time.Since(t0); d > limit {
		t.Errorf("Close took %v, want under %v", d, limit)
	}
}

// A host that stops sending but keeps the connection open leaves mpv
// buffering forever; the Player reports it and can still be closed.
func TestStallReportsBufferingAndCloses(t *testing.T) {
	cs := serveClip(t)
	p, err := New(Options{NoVideo: true})
	must(t, err)
	must(t, p.Load(cs.url("stall.mp4"), 0))
	waitKind(t, p, EventStart)
	t0 := time.Now()
	ev := waitFor(t, p, "buffering", func(e Event) bool { return e.Buffering })
	t.Logf("buffering at %v of %v, %v after Start", ev.Position, ev.Duration, time.Since(t0).Round(time.Millisecond))
	if ev.Position > 3*time.Second {
		t.Errorf("buffering only at %v; the stall starts near 1.8s", ev.Position)
	}
	assertCloses(t, p, 3*time.Second)
}

// A cut connection ends in a plain EOF short of the duration; the End
// carries both so the engine can judge it.
func TestCutConnectionEndsEarlyEOF(t *testing.T) {
	cs := serveClip(t)
	p := newHeadless(t, Options{StreamLavfO: "reconnect=0,reconnect_streamed=0,reconnect_on_network_error=0"})
	t0 := time.Now()
	must(t, p.Load(cs.url("cut.mp4"), 0))
	end, _ := waitKind(t, p, EventEnd)
	t.Logf("cut at 30%%: End %s at %v of %v, %v after Load", end.Reason, end.Position, end.Duration, time.Since(t0).Round(time.Millisecond))
	if end.Reason != ReasonEOF || end.Duration != assets.ClipDuration || end.Position > end.Duration-2*time.Second {
		t.Fatalf("end: %+v", end)
	}
	if time.Since(t0) > 5*time.Second {
		t.Errorf("with ffmpeg reconnects off the cut should end playback at once")
	}
}

func TestOptionsApplied(t *testing.T) {
	vol := 30.0
	p := newHeadless(t, Options{
		Volume:         &vol,
		NetworkTimeout: 2500 * time.Millisecond,
		StreamLavfO:    "reconnect=0,reconnect_streamed=0",
		Extra:          [][2]string{{"cache-secs", "7"}, {"title", "from extra"}},
	})
	for name, want := range map[string]string{
		"volume":          "30.000000",
		"network-timeout": "2.500000",
		"stream-lavf-o":   "reconnect=0,reconnect_streamed=0",
		"cache-secs":      "7.000000",
		"title":           "from extra",
		"vo":              "null",
		"ao":              "null",
		"config":          "no",
		"ytdl":            "no",
		"idle":            "yes",
		"keep-open":       "no",
		"terminal":        "no",
		"input-terminal":  "no",
	} {
		got, err := p.m.GetPropertyString(name)
		if err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
}

func TestExtraOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		extra [2]string
		want  error
	}{
		{[2]string{"no-such-option", "1"}, ErrOptionNotFound},
		{[2]string{"volume", "loud"}, ErrOptionError},
	} {
		_, err := New(Options{NoVideo: true, Extra: [][2]string{tc.extra}})
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.extra[0]) || !strings.Contains(err.Error(), tc.extra[1]) {
			t.Errorf("Extra %v: got %v, want %v naming it", tc.extra, err, tc.want)
		}
	}
}
