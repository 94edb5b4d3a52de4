package player

import (
	"fmt"
	"image"
	"image/color"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// twoColourClip makes a 4 s clip, 160x90 at 25 frames a second: the left
// half red, the right half blue. ffv1 is lossless and built into every
// ffmpeg, so the colours arrive as made but for the trip through YUV.
func twoColourClip(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		hosttest.Missing(t, fmt.Errorf("%w (%v); install it with: %s", loopback.ErrFFmpegMissing, err, loopback.FFmpegPackages))
	}
	clip := filepath.Join(t.TempDir(), "red-blue.mkv")
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error",
		"-f", "lavfi", "-i", "color=red:size=80x90:rate=25:duration=4",
		"-f", "lavfi", "-i", "color=blue:size=80x90:rate=25:duration=4",
		"-filter_complex", "[0][1]hstack", "-c:v", "ffv1", "-pix_fmt", "yuv444p", clip).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	return clip
}

// newPanePlayer is a Player drawing into its pane, silent, with its events
// drained so that the event loop (which passes the video's shape on) never
// waits for the test.
func newPanePlayer(t *testing.T, opts Options) *Player {
	t.Helper()
	opts.Video, opts.AO = VideoTerminal, "null"
	p, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	go func() {
		for range p.Events() {
		}
	}()
	t.Cleanup(func() { _ = p.Close() })
	if p.Pane() == nil {
		t.Fatal("VideoTerminal made no pane")
	}
	return p
}

// nextFrame waits for the pane's next frame that satisfies ok.
func nextFrame(t *testing.T, pn *Pane, what string, ok func(Frame) bool) Frame {
	t.Helper()
	stop := make(chan struct{})
	timer := time.AfterFunc(waitLong, func() { close(stop) })
	defer timer.Stop()
	for {
		f, open := pn.Next(stop)
		if !open {
			t.Fatalf("no frame with %s within %v", what, waitLong)
		}
		if ok(f) {
			return f
		}
	}
}

func near(c color.RGBA, r, g, b uint8) bool {
	d := func(x, y uint8) int { return max(int(x), int(y)) - min(int(x), int(y)) }
	return d(c.R, r) <= 12 && d(c.G, g) <= 12 && d(c.B, b) <= 12 && c.A == 0xff
}

// redBlue says whether img shows the clip: red on the left, blue on the
// right, at a quarter and three quarters of its width, on every row.
func redBlue(img *image.RGBA) error {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := range h {
		if l := img.RGBAAt(w/4, y); !near(l, 255, 0, 0) {
			return fmt.Errorf("row %d left %v, want red", y, l)
		}
		if r := img.RGBAAt(3*w/4, y); !near(r, 0, 0, 255) {
			return fmt.Errorf("row %d right %v, want blue", y, r)
		}
	}
	return nil
}

// TestPaneDrawsTheClip renders the clip through mpv's software renderer
// and checks the pixels and the shape.
func TestPaneDrawsTheClip(t *testing.T) {
	clip := twoColourClip(t)
	p := newPanePlayer(t, Options{})
	if vo, _ := p.m.GetPropertyString("vo"); vo != "libmpv" || p.HasVideoOutput() || p.Video() != VideoTerminal {
		t.Fatalf("vo %q, window %v, video %s", vo, p.HasVideoOutput(), p.Video())
	}
	pn := p.Pane()
	pn.Resize(64, 36)
	must(t, p.Load(clip, 0))
	f := nextFrame(t, pn, "the video's shape", func(f Frame) bool { return f.Aspect > 0 })
	if got := f.Image.Rect.Size(); got != image.Pt(64, 36) || f.Aspect < 1.77 || f.Aspect > 1.78 {
		t.Fatalf("frame %v aspect %v, asked for 64x36, want 64x36 (16:9)", got, f.Aspect)
	}
	if err := redBlue(f.Image); err != nil {
		t.Fatal(err)
	}
}

// TestPaneFramesAreTheAskedSize: the player does not fit the picture (the
// UI does, knowing the cells): a box of another shape gets a frame of
// that very size, the video letterboxed in it by mpv, and the video's own
// shape in Aspect.
func TestPaneFramesAreTheAskedSize(t *testing.T) {
	clip := twoColourClip(t)
	p := newPanePlayer(t, Options{})
	pn := p.Pane()
	pn.Resize(64, 64)
	must(t, p.Load(clip, 0))
	f := nextFrame(t, pn, "the video's shape", func(f Frame) bool { return f.Aspect > 0 })
	if got := f.Image.Rect.Size(); got != image.Pt(64, 64) || f.Aspect < 1.77 || f.Aspect > 1.78 {
		t.Fatalf("frame %v aspect %v, asked for 64x64", got, f.Aspect)
	}
	// 64x36 of picture in the middle rows, black bars above and below.
	if top, mid := f.Image.RGBAAt(8, 2), f.Image.RGBAAt(8, 32); !near(top, 0, 0, 0) || !near(mid, 255, 0, 0) {
		t.Fatalf("top %v (want black), middle left %v (want red)", top, mid)
	}
}

// TestPaneRedrawsOnResize: a new box gets a new picture at once, also
// while paused, when mpv has no new frame to offer.
func TestPaneRedrawsOnResize(t *testing.T) {
	clip := twoColourClip(t)
	p := newPanePlayer(t, Options{})
	pn := p.Pane()
	pn.Resize(64, 36)
	must(t, p.Load(clip, 0))
	nextFrame(t, pn, "the video's shape", func(f Frame) bool { return f.Aspect > 0 })
	must(t, p.Pause(true))
	pn.Resize(32, 18)
	f := nextFrame(t, pn, "the new size", func(f Frame) bool { return f.Image.Rect.Dx() == 32 })
	if got := f.Image.Rect.Size(); got != image.Pt(32, 18) {
		t.Fatalf("frame %v, asked for 32x18", got)
	}
	if err := redBlue(f.Image); err != nil {
		t.Fatal(err)
	}
}

// TestPanePacesFrames: a 25 fps clip in a pane capped at 10 frames a
// second gets no more than that.
func TestPanePacesFrames(t *testing.T) {
	clip := twoColourClip(t)
	p := newPanePlayer(t, Options{PaneFPS: 10})
	pn := p.Pane()
	pn.Resize(32, 18)
	must(t, p.Load(clip, 0))
	// Timed from the second frame: the first may have waited in the slot.
	any := func(Frame) bool { return true }
	nextFrame(t, pn, "a first frame", any)
	nextFrame(t, pn, "a second frame", any)
	t0, last, n := time.Now(), time.Now(), 0
	for last.Sub(t0) < 1500*time.Millisecond {
		nextFrame(t, pn, "the next frame", any)
		last = time.Now()
		n++
	}
	rate := float64(n) / last.Sub(t0).Seconds()
	t.Logf("%d frames in %v: %.1f a second", n, last.Sub(t0).Round(time.Millisecond), rate)
	if rate > 10.2 || rate < 5 {
		t.Fatalf("%.1f frames a second with a cap of 10", rate)
	}
}

// TestPaneOutlivesLoads: a new clip (a failover loads one) plays on in
// the same pane.
func TestPaneOutlivesLoads(t *testing.T) {
	clip := twoColourClip(t)
	p := newPanePlayer(t, Options{})
	pn := p.Pane()
	pn.Resize(32, 18)
	for i := range 3 {
		must(t, p.Load(clip, time.Duration(i)*time.Second))
		f := nextFrame(t, pn, fmt.Sprintf("a frame of load %d", i), func(Frame) bool { return true })
		if err := redBlue(f.Image); err != nil {
			t.Fatalf("load %d: %v", i, err)
		}
	}
}

// TestSetVideoMovesThePicture switches the picture off, to the window
// (there is no display here, so mpv's output becomes null) and back.
func TestSetVideoMovesThePicture(t *testing.T) {
	clip := twoColourClip(t)
	p := newPanePlayer(t, Options{})
	pn := p.Pane()
	pn.Resize(32, 18)
	must(t, p.Load(clip, 0))
	nextFrame(t, pn, "a first frame", func(Frame) bool { return true })
	for _, v := range []Video{VideoOff, VideoWindow, VideoTerminal} {
		must(t, p.SetVideo(v))
		if p.Video() != v {
			t.Fatalf("Video() = %s after SetVideo(%s)", p.Video(), v)
		}
	}
	// The first frame after a switch of mpv's video output may be black.
	nextFrame(t, pn, "the clip back in the pane", func(f Frame) bool { return redBlue(f.Image) == nil })
	if err := p.SetVideo(VideoAuto); err == nil {
		t.Error("SetVideo(auto) accepted")
	}
	none := newHeadless(t, Options{})
	if none.Pane() != nil || none.SetVideo(VideoTerminal) == nil {
		t.Error("a player without video offers a pane")
	}
}

// TestPaneFromAWindow: a Player that starts with its picture in the window
// makes no render context (mpv would prefer it to any window) until the
// picture goes to the pane, and then draws there.
func TestPaneFromAWindow(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	clip := twoColourClip(t)
	p, err := New(Options{Video: VideoWindow, AO: "null"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	go func() {
		for range p.Events() {
		}
	}()
	pn := p.Pane()
	pn.mu.Lock()
	early := pn.r
	pn.mu.Unlock()
	if early != nil || p.Video() != VideoWindow {
		t.Fatalf("window at start: render context %v, video %s", early, p.Video())
	}
	pn.Resize(32, 18)
	must(t, p.Load(clip, 0))
	waitFor(t, p, "playback", func(e Event) bool { return e.Position > 200*time.Millisecond })
	must(t, p.SetVideo(VideoTerminal))
	nextFrame(t, pn, "the clip in the pane", func(f Frame) bool { return redBlue(f.Image) == nil })
}

// TestPaneDespiteMpvConfig: a user's mpv.conf that names a video output
// (read after the options are set) does not take the pane's away.
func TestPaneDespiteMpvConfig(t *testing.T) {
	home := t.TempDir()
	conf := filepath.Join(home, "mpv")
	must(t, os.MkdirAll(conf, 0o755))
	must(t, os.WriteFile(filepath.Join(conf, "mpv.conf"), []byte("vo=gpu\n"), 0o644))
	t.Setenv("XDG_CONFIG_HOME", home)
	clip := twoColourClip(t)
	p := newPanePlayer(t, Options{MpvConfig: true})
	if vo, _ := p.m.GetPropertyString("vo"); vo != "libmpv" || p.windowVO != "gpu,null" {
		t.Fatalf("vo %q, window vo %q", vo, p.windowVO)
	}
	p.Pane().Resize(32, 18)
	must(t, p.Load(clip, 0))
	nextFrame(t, p.Pane(), "the clip", func(f Frame) bool { return redBlue(f.Image) == nil })
}

func TestWindowVO(t *testing.T) {
	t.Setenv("WAYLAND_DISPLAY", "")
	display := filepath.Join(t.TempDir(), "X0")
	ln, err := net.Listen("unix", display)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, tc := range []struct {
		display    string
		opts       Options
		configured string
		want       string
	}{
		{"", Options{}, "null", "null"},
		{"", Options{Video: VideoTerminal}, "libmpv", "null"},
		{"", Options{VO: "gpu"}, "gpu,null", "gpu,null"},
		{display, Options{}, "", windowOutputs},
		{display, Options{Video: VideoTerminal}, "libmpv", windowOutputs},
		{display, Options{}, "gpu-next", "gpu-next,null"},
		{display, Options{}, "xv,", "xv," + windowOutputs},
	} {
		t.Setenv("DISPLAY", tc.display)
		if got := tc.opts.windowVO(tc.configured); got != tc.want {
			t.Errorf("display %q, %+v, configured %q: %q, want %q", tc.display, tc.opts, tc.configured, got, tc.want)
		}
	}
}
