package loopback

import (
	"errors"
	"os"
	"strconv"
	"testing"
)

// The rule of the two test tiers, for loopback's own tests and, through
// loopback/hosttest, every other package's. It lives here, not in
// hosttest, because hosttest imports loopback and loopback's own tests
// could not reach it there.

// EndToEnd marks a test of the end-to-end tier: it needs component (libmpv,
// nginx, ffmpeg, tmux), which the unit tier, go test -short, runs without.
// Under -short the test is left to the full run, which CI runs after the
// unit tier with every component installed; there MissingTool fails it
// when one is missing. Without -short this does nothing.
func EndToEnd(t testing.TB, component string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("needs %s: an end-to-end test, left to the full run (CI runs it and fails it when %s is missing)", component, component)
	}
}

// MissingTool handles err when it says a tool the test needs (nginx,
// ffmpeg) is not installed: with CI set that is a broken set-up and fails
// the test; elsewhere the test is skipped. The message names what to
// install either way. Any other error is left to the caller.
func MissingTool(t testing.TB, err error) {
	t.Helper()
	if !errors.Is(err, ErrNginxMissing) && !errors.Is(err, ErrFFmpegMissing) {
		return
	}
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatalf("CI=%s: %v", os.Getenv("CI"), err)
	}
	t.Skipf("%v (skipped outside CI; in CI this fails)", err)
}
