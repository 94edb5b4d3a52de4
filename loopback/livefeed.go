package loopback

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
)

// FFmpegPackages is what to install when StartLiveFeed cannot find ffmpeg.
const FFmpegPackages = "apt-get install ffmpeg"

// ErrFFmpegMissing wraps StartLiveFeed's error when ffmpeg is not installed.
var ErrFFmpegMissing = errors.New("ffmpeg is not installed")

// LiveFeed is an ffmpeg process publishing a clip to an RTMP live app in an
// endless loop at its real rate, as an encoder feeds a live origin.
type LiveFeed struct {
	cmd    *exec.Cmd
	exited chan struct{}

	mu     sync.Mutex
	stderr bytes.Buffer

	stopOnce sync.Once
}

// StartLiveFeed starts publishing clipPath to url (e.g. LiveURL + "/feed",
// the stream name last). It returns once ffmpeg runs, not once nginx has the
// stream: players should poll, as they would for a real live stream.
func StartLiveFeed(url, clipPath string) (*LiveFeed, error) {
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		return nil, fmt.Errorf("loopback: %w; install it with: %s", ErrFFmpegMissing, FFmpegPackages)
	}
	if _, err := os.Stat(clipPath); err != nil {
		return nil, fmt.Errorf("loopback: live feed clip: %w", err)
	}
	// -re paces input at its native rate and -stream_loop -1 repeats it
	// forever; -c copy keeps the feed's CPU cost near zero on a shared CI
	// machine, and the test clip is already FLV-compatible H.264/AAC.
	cmd := exec.Command(bin, "-hide_banner", "-nostdin", "-loglevel", "error",
		"-re", "-stream_loop", "-1", "-i", clipPath, "-c", "copy", "-f", "flv", url)
	f := &LiveFeed{cmd: cmd, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = (*lockedWriter)(f), (*lockedWriter)(f)
	cmd.SysProcAttr = groupProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("loopback: starting ffmpeg: %w", err)
	}
	go func() {
		defer close(f.exited)
		cmd.Wait()
	}()
	return f, nil
}

// lockedWriter collects ffmpeg's output; exec copies it from its own
// goroutine while tests may read it.
type lockedWriter LiveFeed

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stderr.Write(p)
}

// Exited is closed when ffmpeg has ended, by Stop or on its own (for
// instance because nginx went away).
func (f *LiveFeed) Exited() <-chan struct{} { return f.exited }

// Output is what ffmpeg printed (errors only), for test failure messages.
func (f *LiveFeed) Output() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stderr.String()
}

// Stop kills ffmpeg and waits until it is reaped. It is idempotent. The
// live stream ends abruptly, as when an encoder crashes.
func (f *LiveFeed) Stop() {
	f.stopOnce.Do(func() {
		killGroup(f.cmd.Process.Pid)
		<-f.exited
	})
}
