package player

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

func TestStreamOptionsKeepTheBase(t *testing.T) {
	const base = "reconnect=0,reconnect_streamed=0"
	p := newHeadless(t, Options{StreamLavfO: base})
	check := func(want string) {
		t.Helper()
		got, err := p.streamOptions()
		if err != nil || got != want {
			t.Fatalf("stream-lavf-o = %q (%v), want %q", got, err, want)
		}
	}
	check(base)
	// Commas, colons and '=' in values would split a list written as one
	// string; set and append carry them through untouched.
	must(t, p.SetStreamOptions([][2]string{{"rtmp_app", "a,b:c=d"}, {"rtmp_playpath", "mp4:dir/clip.mp4?t=1,2"}}))
	check(base + ",rtmp_app=a,b:c=d,rtmp_playpath=mp4:dir/clip.mp4?t=1,2")
	// The next call replaces the previous extras, it does not add to them.
	must(t, p.SetStreamOptions([][2]string{{"rtmp_app", "vod"}}))
	check(base + ",rtmp_app=vod")
	// A base key given again takes the new value (moved to the end).
	must(t, p.SetStreamOptions([][2]string{{"reconnect", "1"}}))
	check("reconnect_streamed=0,reconnect=1")
	must(t, p.SetStreamOptions(nil))
	check(base)

	for _, bad := range []string{"", "a=b", "a,b", "a:b", "a\x00"} {
		if err := p.SetStreamOptions([][2]string{{bad, "x"}}); !errors.Is(err, ErrInvalidParameter) {
			t.Errorf("key %q: err %v, want ErrInvalidParameter", bad, err)
		}
	}
	if err := p.SetStreamOptions([][2]string{{"rtmp_app", "a\x00b"}}); err == nil {
		t.Error("a value with a NUL byte was accepted")
	}
	check(base)
}

// TestStreamOptionsBaseFromExtra: --mpv stream-lavf-o=... overrides
// Options.StreamLavfO at New, and stays the base afterwards.
func TestStreamOptionsBaseFromExtra(t *testing.T) {
	p := newHeadless(t, Options{StreamLavfO: "reconnect=0", Extra: [][2]string{{"stream-lavf-o", "reconnect=1"}}})
	must(t, p.SetStreamOptions([][2]string{{"rtmp_app", "vod"}}))
	must(t, p.SetStreamOptions(nil))
	if got, _ := p.streamOptions(); got != "reconnect=1" {
		t.Errorf("stream-lavf-o = %q after clearing, want the --mpv value", got)
	}
}

// nginxWithDir serves the clip as clip.mp4 and dir/clip.mp4 from a real
// nginx-rtmp. Not installed: a failure in CI, a skip elsewhere.
func nginxWithDir(t *testing.T) *loopback.NginxHost {
	t.Helper()
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "dir"), 0o755))
	for _, name := range []string{assets.ClipName, "dir/" + assets.ClipName} {
		must(t, os.WriteFile(filepath.Join(dir, name), assets.Clip, 0o644))
	}
	return hosttest.Nginx(t, dir)
}

// TestStreamOptionsReachTheServer shows the options decide what mpv asks
// nginx for on the next Load, whatever the URL's path suggests.
func TestStreamOptionsReachTheServer(t *testing.T) {
	n := nginxWithDir(t)
	p := newHeadless(t, Options{StreamLavfO: "reconnect=0"})
	inDir := n.URL + "/dir/" + assets.ClipName
	plain := n.URL + "/" + assets.ClipName

	loadEnds := func(url string) Event {
		t.Helper()
		must(t, p.Load(url, 0))
		for {
			ev, _ := waitKind(t, p, EventEnd)
			if ev.URL == url {
				return ev
			}
		}
	}
	plays := func(url string) {
		t.Helper()
		t0 := time.Now()
		must(t, p.Load(url, 0))
		ev, _ := waitKind(t, p, EventStart)
		t.Logf("Load -> Start over RTMP (%s): %v", url, time.Since(t0).Round(time.Millisecond))
		if ev.URL != url || !within(ev.Duration, assets.ClipDuration, 200*time.Millisecond) {
			t.Fatalf("start %+v", ev)
		}
		must(t, p.Stop())
		waitKind(t, p, EventEnd)
	}

	// The problem: from the path alone ffmpeg asks for the application
	// "vod/dir", which nginx does not have.
	if ev := loadEnds(inDir); ev.Reason != ReasonError {
		t.Fatalf("without options %s ended %q, want an error (app vod/dir)", inDir, ev.Reason)
	}
	// The fix: the application and the stream, said explicitly.
	must(t, p.SetStreamOptions([][2]string{{"rtmp_app", "vod"}, {"rtmp_playpath", "mp4:dir/" + assets.ClipName},
		{"rtmp_tcurl", n.URL}}))
	plays(inDir)
	// They win over the URL: a bogus application makes nginx drop the
	// connection even for a URL that plays without options.
	must(t, p.SetStreamOptions([][2]string{{"rtmp_app", "bogus"}}))
	if ev := loadEnds(plain); ev.Reason != ReasonError {
		t.Fatalf("with rtmp_app=bogus %s ended %q, want an error", plain, ev.Reason)
	}
	// Cleared, the URL alone decides again.
	must(t, p.SetStreamOptions(nil))
	plays(plain)
	// What nginx was asked, in its own words.
	log := n.Log()
	for _, want := range []string{
		"application not found: 'vod/dir'",
		"play: name='mp4:dir/" + assets.ClipName + "'",
		"application not found: 'bogus'",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("nginx log lacks %q:\n%s", want, log)
		}
	}
}
