package player

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"clusterplay/assets"
)

// Without a window (vo=null) mpv still has the decoded frame: the file is
// a JPEG, named like mpv's own, the next one numbered on.
func TestScreenshotWritesAFile(t *testing.T) {
	cs := serveClip(t)
	p := newHeadless(t, Options{})
	dir := t.TempDir()
	if _, err := p.Screenshot(dir); !errors.Is(err, ErrNothingPlays) {
		t.Fatalf("screenshot before any load: %v, want ErrNothingPlays", err)
	}
	must(t, p.Load(cs.url(assets.ClipName), 0))
	waitKind(t, p, EventStart)

	first, err := p.Screenshot(dir)
	must(t, err)
	second, err := p.Screenshot(dir)
	must(t, err)
	if filepath.Base(first) != "clusterplay-shot0001.jpg" || filepath.Base(second) != "clusterplay-shot0002.jpg" {
		t.Errorf("names %s, %s", first, second)
	}
	if ents, err := os.ReadDir(dir); err != nil || len(ents) != 2 {
		t.Errorf("%s holds %v (%v), want the two pictures alone", dir, ents, err)
	}
	for _, path := range []string{first, second} {
		b, err := os.ReadFile(path)
		must(t, err)
		if len(b) < 1000 || !bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}) {
			t.Errorf("%s: %d bytes, starting % x: not a JPEG picture", path, len(b), b[:min(4, len(b))])
		}
	}
}

func TestSpeedChangesMpvSpeed(t *testing.T) {
	cs := serveClip(t)
	p := newHeadless(t, Options{})
	must(t, p.Load(cs.url(assets.ClipName), 0))
	start, _ := waitKind(t, p, EventStart)
	if start.Speed != 1 {
		t.Errorf("speed at start %v, want 1", start.Speed)
	}
	must(t, p.MultiplySpeed(1.1))
	must(t, p.MultiplySpeed(1.1))
	ev := waitFor(t, p, "speed 1.21", func(e Event) bool { return e.Speed > 1.2 })
	speed, err := p.m.GetPropertyDouble("speed")
	must(t, err)
	if speed < 1.2099 || speed > 1.2101 || ev.Speed != speed {
		t.Errorf("mpv's speed %v, the event's %v, want 1.21", speed, ev.Speed)
	}
	must(t, p.ResetSpeed())
	waitFor(t, p, "speed 1 again", func(e Event) bool { return e.Speed == 1 })
}

// A frame step pauses on the next frame; a track that a clip lacks is
// none, and the clip's one audio track is counted.
func TestFrameStepAndTracks(t *testing.T) {
	cs := serveClip(t)
	p := newHeadless(t, Options{})
	must(t, p.Load(cs.url(assets.ClipName), 0))
	waitKind(t, p, EventStart)
	must(t, p.FrameStep(false))
	waitFor(t, p, "paused by the step", func(e Event) bool { return e.Paused })

	sub, err := p.CycleSubtitles()
	must(t, err)
	if sub != (Track{}) {
		t.Errorf("subtitles of a clip without any: %+v", sub)
	}
	audio, err := p.CycleAudio()
	must(t, err)
	if audio.Count != 1 {
		t.Errorf("audio tracks: %+v, want a count of 1", audio)
	}
}

// mpv's time-pos names a seek's target past the end until the file ends:
// neither progress nor the end may say the clip went on past its end.
func TestPositionStopsAtTheEnd(t *testing.T) {
	cs := serveClip(t)
	p := newHeadless(t, Options{})
	must(t, p.Load(cs.url(assets.ClipName), 0))
	waitKind(t, p, EventStart)
	must(t, p.Seek(assets.ClipDuration-time.Second))
	must(t, p.Seek(time.Minute))
	end, seen := waitKind(t, p, EventEnd)
	for _, ev := range append(seen, end) {
		if ev.Duration > 0 && ev.Position > ev.Duration {
			t.Errorf("%s at %v of %v", ev.Kind, ev.Position, ev.Duration)
		}
	}
	if end.Reason != ReasonEOF || end.Position != end.Duration {
		t.Errorf("end %+v, want eof at the duration", end)
	}
	if err := p.Seek(time.Second); !errors.Is(err, ErrNothingPlays) {
		t.Errorf("seek after the end: %v, want ErrNothingPlays", err)
	}
	if err := p.FrameStep(true); !errors.Is(err, ErrNothingPlays) {
		t.Errorf("frame step after the end: %v, want ErrNothingPlays", err)
	}
}

// With the picture in the terminal's pane, mpv renders for us alone: the
// screenshot still comes from the decoded frame.
func TestScreenshotFromThePane(t *testing.T) {
	cs := serveClip(t)
	p := newPanePlayer(t, Options{})
	pn := p.Pane()
	pn.Resize(80, 24)
	must(t, p.Load(cs.url(assets.ClipName), 0))
	nextFrame(t, pn, "a picture", func(f Frame) bool { return f.Aspect > 0 })
	// The first picture reaches the pane a moment before mpv says the file
	// plays (playback-restart), and this player's events are drained by
	// its helper: try until the screenshot is taken, within a deadline.
	dir := t.TempDir()
	path, err := p.Screenshot(dir)
	for deadline := time.Now().Add(waitLong); errors.Is(err, ErrNothingPlays) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		path, err = p.Screenshot(dir)
	}
	must(t, err)
	if fi, err := os.Stat(path); err != nil || fi.Size() < 1000 {
		t.Errorf("screenshot %s: %v", path, err)
	}
}
