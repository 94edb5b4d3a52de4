// Package hosttest ties loopback hosts to a test's lifetime: a host that
// cannot start fails the test, and every host is closed when the test ends.
// The loopback package itself stays free of the testing package, since
// the demo and the benchmark use it too.
package hosttest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"clusterplay/assets"
	"clusterplay/loopback"
)

// Keep fails the test when a host could not start, and closes it when the
// test ends: hosttest.Keep(t)(loopback.Good(files)).
func Keep(t testing.TB) func(*loopback.Host, error) *loopback.Host {
	return func(h *loopback.Host, err error) *loopback.Host {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		return h
	}
}

// Refused returns an http:// base URL on a port where nothing listens.
func Refused(t testing.TB) string {
	t.Helper()
	u, err := loopback.Refused()
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// RTMPAt turns a raw loopback host's http:// base URL (Refused, Hang,
// Silent) into an rtmp:// application URL on the same address.
func RTMPAt(t testing.TB, httpURL string) string {
	t.Helper()
	rest, ok := strings.CutPrefix(httpURL, "http://")
	if !ok {
		t.Fatalf("not a loopback http URL: %q", httpURL)
	}
	host, _, _ := strings.Cut(rest, "/")
	return "rtmp://" + host + "/vod"
}

// ClipDir returns a fresh directory holding the embedded test clip.
func ClipDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, assets.ClipName), assets.Clip, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// EndToEnd marks a test of the end-to-end tier (see loopback.EndToEnd).
func EndToEnd(t testing.TB, component string) {
	t.Helper()
	loopback.EndToEnd(t, component)
}

// Missing fails the test in CI when a tool it needs is missing, and skips
// it elsewhere (see loopback.MissingTool).
func Missing(t testing.TB, err error) {
	t.Helper()
	loopback.MissingTool(t, err)
}

// Nginx starts nginx-rtmp playing dir; a missing nginx is handled by
// Missing. It is for the end-to-end tier: -short skips the test.
func Nginx(t testing.TB, dir string) *loopback.NginxHost {
	t.Helper()
	EndToEnd(t, "nginx")
	n, err := loopback.StartNginxRTMP(dir)
	Missing(t, err)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// NginxHTTP starts nginx serving dir over HTTP; a missing nginx is
// handled by Missing.
func NginxHTTP(t testing.TB, dir string, opts loopback.NginxHTTPOptions) *loopback.NginxHTTPHost {
	t.Helper()
	n, err := loopback.StartNginxHTTP(dir, opts)
	Missing(t, err)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}
