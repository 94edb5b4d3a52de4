//go:build linux

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// --report to a named pipe: with no reader the run ends at once with one
// line, and a reader that takes nothing never keeps a signal from ending
// the process.

// reportFIFO makes a named pipe for --report.
func reportFIFO(t *testing.T) string {
	t.Helper()
	fifo := filepath.Join(t.TempDir(), "report.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	return fifo
}

// stalledReader opens fifo for reading and never reads; its pipe holds a
// page, far less than a report of many hosts.
func stalledReader(t *testing.T, fifo string) {
	t.Helper()
	fd, err := unix.Open(fifo, unix.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETPIPE_SZ, os.Getpagesize()); err != nil {
		t.Fatalf("shrinking the pipe: %v", err)
	}
}

// refusedHosts are n --host flags of hosts that refuse: each adds a few
// hundred bytes to the report.
func refusedHosts(t *testing.T, n int) []string {
	var args []string
	for range n {
		args = append(args, "--host", hosttest.Refused(t))
	}
	return args
}

// startWatched starts clusterplay with stderr watched for prefix.
func startWatched(t *testing.T, prefix string, args ...string) (*exec.Cmd, *lineWatch, <-chan int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := watchLines(stderr, prefix)
	exited := make(chan int, 1)
	go func() {
		<-lines.eof // Wait closes the pipe: read it to the end first
		exited <- exitCodeOf(cmd.Wait())
	}()
	return cmd, lines, exited
}

// waitExited waits up to d for the process to end and returns its code.
func waitExited(t *testing.T, exited <-chan int, d time.Duration, lines *lineWatch) int {
	t.Helper()
	select {
	case code := <-exited:
		return code
	case <-time.After(d):
		t.Fatalf("still running after %v; stderr:\n%s", d, lines)
	}
	return 0
}

func TestReportToAFIFONobodyReads(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	fifo := reportFIFO(t)
	_, lines, exited := startWatched(t, "report not written", "--print-url", "--report", fifo, "--host", good.URL, "clip.mp4")
	if code := waitExited(t, exited, 15*time.Second, lines); code != 0 {
		t.Errorf("exit %d, want the run's own 0; stderr:\n%s", code, lines)
	}
	if !strings.Contains(lines.String(), "clusterplay: report not written: "+fifo+": a named pipe that no process reads") {
		t.Errorf("no warning that the report was not written:\n%s", lines)
	}
}

// TestSIGTERMEndsAReportNobodyTakes: the run is over, the report blocks
// on a reader that takes nothing, and SIGTERM ends the process with 130.
func TestSIGTERMEndsAReportNobodyTakes(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	fifo := reportFIFO(t)
	stalledReader(t, fifo)
	args := append([]string{"--print-url", "--failure-expiry", "0", "--report", fifo}, refusedHosts(t, 24)...)
	cmd, lines, exited := startWatched(t, "connected to: "+good.URL, append(args, "--host", good.URL, "clip.mp4")...)
	select {
	case <-lines.seen:
	case <-time.After(20 * time.Second):
		t.Fatalf("not resolved within 20 s; stderr:\n%s", lines)
	}
	select {
	case code := <-exited:
		t.Fatalf("exit %d before the signal: the report did not block; stderr:\n%s", code, lines)
	case <-time.After(time.Second): // the report is being written by now
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := waitExited(t, exited, 10*time.Second, lines); code != 130 {
		t.Errorf("exit %d after SIGTERM, want 130; stderr:\n%s", code, lines)
	}
	if !strings.Contains(lines.String(), "report not written: SIGTERM came") {
		t.Errorf("no word of the report's loss:\n%s", lines)
	}
}

// TestSignalledRunDoesNotWaitForTheReport: SIGTERM stops a run stuck on a
// silent host; its report then blocks on a reader that takes nothing, and
// the process still ends, a few seconds later, with 130.
func TestSignalledRunDoesNotWaitForTheReport(t *testing.T) {
	hang := hosttest.Keep(t)(loopback.Hang())
	fifo := reportFIFO(t)
	stalledReader(t, fifo)
	args := append([]string{"--print-url", "--connect-timeout", "60s", "--report", fifo}, refusedHosts(t, 24)...)
	cmd, lines, exited := startWatched(t, "attempting to connect: "+hang.URL, append(args, "--host", hang.URL, "clip.mp4")...)
	select {
	case <-lines.seen:
	case <-time.After(20 * time.Second):
		t.Fatalf("no attempt on the silent host within 20 s; stderr:\n%s", lines)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := waitExited(t, exited, 15*time.Second, lines); code != 130 {
		t.Errorf("exit %d after SIGTERM, want 130; stderr:\n%s", code, lines)
	}
	if !strings.Contains(lines.String(), "report not written: not taken within") {
		t.Errorf("no word of the report's loss:\n%s", lines)
	}
}
