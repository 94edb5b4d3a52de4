package player

import (
	"net"
	"path/filepath"
	"testing"
	"time"

	"clusterplay/assets"
)

// The display tests play with the default audio output at volume 0: on a
// machine without a sound device mpv must fall back to ao=null by itself
// (audio-fallback-to-null), on one with a device nothing is heard.

// playToEnd plays the clip's last second and returns Start and End.
func playToEnd(t *testing.T, p *Player, cs *clipServer) (start, end Event) {
	t.Helper()
	must(t, p.Load(cs.url(assets.ClipName), 5*time.Second))
	start, before := waitKind(t, p, EventStart)
	end, _ = waitKind(t, p, EventEnd)
	if end.Reason != ReasonEOF || !within(start.Position, 5*time.Second, 250*time.Millisecond) ||
		countKind(before, EventLoaded) != 1 || countKind(before, EventEnd) != 0 {
		t.Fatalf("start %+v (after %v), end %+v", start, kinds(before), end)
	}
	return start, end
}

func newSilent(t *testing.T, opts Options) *Player {
	t.Helper()
	zero := 0.0
	opts.Volume = &zero
	p, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func TestNoDisplayUsesNullVO(t *testing.T) {
	cs := serveClip(t)
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	p := newSilent(t, Options{})
	if vo, _ := p.m.GetPropertyString("vo"); vo != "null" || p.HasVideoOutput() {
		t.Fatalf("without a display: vo=%q, HasVideoOutput %v", vo, p.HasVideoOutput())
	}
	playToEnd(t, p, cs)
	ao, _ := p.m.GetPropertyString("ao")
	t.Logf("ao option %q; played to the end", ao)
}

// A stale DISPLAY must not send mpv probing: vo_gpu's DRM fallback would
// close descriptors of this process (the test server's listener among
// them, which playing twice would notice).
func TestStaleDisplayUsesNullVO(t *testing.T) {
	cs := serveClip(t)
	t.Setenv("DISPLAY", ":4099") // no X server there
	t.Setenv("WAYLAND_DISPLAY", "wayland-4099")
	p := newSilent(t, Options{})
	if vo, _ := p.m.GetPropertyString("vo"); vo != "null" || p.HasVideoOutput() {
		t.Fatalf("stale display: vo=%q, HasVideoOutput %v", vo, p.HasVideoOutput())
	}
	playToEnd(t, p, cs)
	playToEnd(t, p, cs)
}

// A chosen video output that cannot open falls back to none instead of
// failing the file (and with it the host).
func TestBrokenVOFallsBackToNull(t *testing.T) {
	cs := serveClip(t)
	t.Setenv("DISPLAY", ":4099")
	p := newSilent(t, Options{VO: "x11"})
	if vo, _ := p.m.GetPropertyString("vo"); vo != "x11,null" || !p.HasVideoOutput() {
		t.Fatalf("vo=%q, HasVideoOutput %v before playing", vo, p.HasVideoOutput())
	}
	playToEnd(t, p, cs)
	if p.HasVideoOutput() {
		t.Error("HasVideoOutput still true after x11 failed")
	}
}

// When no listed video output opens, mpv 0.35 ends the file with a generic
// error. The Player reloads once with vo=null instead of blaming the host.
// (--mpv vo=x11 bypasses the ",null" New would add.)
func TestVOFailureReloadsWithoutVideo(t *testing.T) {
	cs := serveClip(t)
	t.Setenv("DISPLAY", ":4099")
	p := newSilent(t, Options{Extra: [][2]string{{"vo", "x11"}}})
	t0 := time.Now()
	playToEnd(t, p, cs)
	t.Logf("vo failure, reload and play: %v", time.Since(t0).Round(time.Millisecond))
	p.mu.Lock()
	retried := p.s.voRetried
	p.mu.Unlock()
	if !retried || p.HasVideoOutput() {
		t.Errorf("reloaded without video: %v; HasVideoOutput %v", retried, p.HasVideoOutput())
	}
	// Later loads go straight to vo=null.
	playToEnd(t, p, cs)
}

func TestDisplayProbe(t *testing.T) {
	for display, want := range map[string][][2]string{
		"":               {},
		":0":             {{"unix", "/tmp/.X11-unix/X0"}, {"unix", "@/tmp/.X11-unix/X0"}},
		":1.0":           {{"unix", "/tmp/.X11-unix/X1"}, {"unix", "@/tmp/.X11-unix/X1"}},
		"unix:2":         {{"unix", "/tmp/.X11-unix/X2"}, {"unix", "@/tmp/.X11-unix/X2"}},
		"localhost:10.0": {{"tcp", "localhost:6010"}},
		"tcp/10.0.0.1:3": {{"tcp", "10.0.0.1:6003"}},
		"[::1]:1":        {{"tcp", "[::1]:6001"}},
		"/private/x:0":   {{"unix", "/private/x:0"}},
		"garbage":        {},
		":x":             {},
	} {
		got := xDisplayAddrs(display)
		if len(got) != len(want) || (len(want) > 0 && got[0] != want[0]) {
			t.Errorf("xDisplayAddrs(%q) = %v, want %v", display, got, want)
		}
	}

	sock := filepath.Join(t.TempDir(), "wl")
	ln, err := net.Listen("unix", sock)
	must(t, err)
	defer ln.Close()
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", sock)
	if !displayAvailable() {
		t.Error("a listening Wayland socket is not seen as a display")
	}
	t.Setenv("XDG_RUNTIME_DIR", filepath.Dir(sock))
	t.Setenv("WAYLAND_DISPLAY", "wl")
	if !displayAvailable() {
		t.Error("WAYLAND_DISPLAY relative to XDG_RUNTIME_DIR not found")
	}
	t.Setenv("WAYLAND_DISPLAY", "nothing-here")
	if displayAvailable() {
		t.Error("a missing Wayland socket is seen as a display")
	}
}
