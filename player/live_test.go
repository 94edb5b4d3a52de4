package player

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestLiveStreamHasNoDuration: a live stream from nginx-rtmp's live app
// (an ffmpeg feed) has no duration, though mpv makes one up from what it
// has read; Live says so from the first frame, and the end that comes when
// the server dies carries Live too, so nobody takes it for a clip's end.
func TestLiveStreamHasNoDuration(t *testing.T) {
	p, n, start := playLive(t)
	if !start.Live || start.Duration != 0 {
		t.Fatalf("start %+v, want Live with Duration 0", start)
	}
	waitFor(t, p, "1.5 s of live playback", func(e Event) bool { return e.Position >= start.Position+1500*time.Millisecond })
	if d := p.duration(); d != 0 {
		t.Errorf("duration() = %v while playing live, want 0", d)
	}
	n.Kill()
	end, _ := waitKind(t, p, EventEnd)
	if !end.Live || end.Duration != 0 || end.Position < time.Second {
		t.Errorf("end %+v, want Live, Duration 0, Position past 1s", end)
	}
	t.Logf("end after the kill: %s at %v", end.Reason, end.Position)
}

// TestRTMPClipIsNotLive: the same nginx's VOD clip declares its duration.
func TestRTMPClipIsNotLive(t *testing.T) {
	n := nginxWithDir(t)
	p := newHeadless(t, Options{})
	must(t, p.Load(n.URL+"/"+assets.ClipName, 0))
	loaded, _ := waitKind(t, p, EventLoaded)
	start, _ := waitKind(t, p, EventStart)
	for _, ev := range []Event{loaded, start} {
		if ev.Live || ev.Behind != 0 || !within(ev.Duration, assets.ClipDuration, 200*time.Millisecond) {
			t.Errorf("%s %+v, want a %v clip, not live", ev.Kind, ev, assets.ClipDuration)
		}
	}
	if err := p.SeekLiveEdge(); !errors.Is(err, ErrNotLive) {
		t.Errorf("live edge of a clip: %v, want ErrNotLive", err)
	}
	end, _ := waitKind(t, p, EventEnd)
	if end.Live || end.Reason != ReasonEOF {
		t.Errorf("end %+v", end)
	}
}

// playLive plays the live app's stream of an ffmpeg feed of the clip, and
// returns at its first frame.
func playLive(t *testing.T) (*Player, *loopback.NginxHost, Event) {
	t.Helper()
	n := nginxWithDir(t)
	clipPath := filepath.Join(t.TempDir(), assets.ClipName)
	must(t, os.WriteFile(clipPath, assets.Clip, 0o644))
	feed, err := loopback.StartLiveFeed(n.LiveURL+"/feed", clipPath)
	hosttest.Missing(t, err)
	must(t, err)
	t.Cleanup(feed.Stop)
	p := newHeadless(t, Options{StreamLavfO: "reconnect=0"})

	// The first frame, once ffmpeg has published (until then nginx answers
	// StreamNotFound and the load ends with an error).
	url := n.LiveURL + "/feed"
	for deadline := time.Now().Add(15 * time.Second); ; {
		t0 := time.Now()
		must(t, p.Load(url, 0))
		ev := waitStartOrEnd(t, p)
		if ev.Kind == EventStart {
			t.Logf("Load -> Start of a live stream: %v", time.Since(t0).Round(time.Millisecond))
			return p, n, ev
		}
		if time.Now().After(deadline) {
			t.Fatalf("live stream never started: %+v\nffmpeg: %s", ev, feed.Output())
		}
		// Nothing tells when nginx has the stream: retry the load, as a
		// viewer would, until the deadline.
		time.Sleep(100 * time.Millisecond)
	}
}

// TestLiveEdge: a pause leaves a live stream behind the data that keeps
// coming; Behind says by how much, and SeekLiveEdge catches up.
func TestLiveEdge(t *testing.T) {
	p, _, _ := playLive(t)
	ev := waitFor(t, p, "a known delay", func(e Event) bool { return e.Behind > 0 })
	if ev.Behind > 3*time.Second {
		t.Errorf("%v behind live just after the start", ev.Behind)
	}
	must(t, p.Pause(true))
	behind := waitFor(t, p, "2.5 s behind while paused", func(e Event) bool { return e.Behind >= 2500*time.Millisecond })
	must(t, p.Pause(false))
	must(t, p.SeekLiveEdge())
	caught := waitFor(t, p, "caught up", func(e Event) bool {
		return e.Position > behind.Position+time.Second && e.Behind < 1500*time.Millisecond
	})
	t.Logf("%v behind while paused; after the jump %v behind at %v", behind.Behind, caught.Behind, caught.Position)
}

func waitStartOrEnd(t *testing.T, p *Player) Event {
	t.Helper()
	for {
		select {
		case ev, ok := <-p.Events():
			if !ok {
				t.Fatal("events closed")
			}
			if ev.Kind == EventStart || ev.Kind == EventEnd {
				return ev
			}
		case <-time.After(waitLong):
			t.Fatalf("neither start nor end within %v", waitLong)
		}
	}
}
