package playback

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/cluster"
	"clusterplay/loopback"
)

// nginxRTMP starts a real nginx-rtmp serving the test clip. A missing
// nginx fails the test in CI, where it means a broken set-up.
func nginxRTMP(t *testing.T) *loopback.NginxHost {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, assets.ClipName), assets.Clip, 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := loopback.StartNginxRTMP(dir)
	if errors.Is(err, loopback.ErrNginxMissing) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

func TestRTMPPlaysToTheEnd(t *testing.T) {
	good := nginxRTMP(t)
	refusedRTMP := "rtmp://" + mustRefusedAddr(t) + "/vod"
	h := start(t, []string{refusedRTMP, good.URL}, Options{})
	out, events := h.run(t, 60*time.Second)
	if out != Played {
		t.Fatalf("outcome %v; events:\n%s", out, describe(events))
	}
	s := only(events, cluster.EventStart)
	if len(s) != 1 || s[0].URL != good.URL+"/"+assets.ClipName {
		t.Errorf("start events %+v", s)
	}
	endsAtTheEnd(t, events)
}

// TestRTMPServingNginxKilled: the nginx that serves the clip is killed
// mid-clip; a second nginx takes over at the position and the clip plays
// to its end.
func TestRTMPServingNginxKilled(t *testing.T) {
	serving := nginxRTMP(t)
	backup := nginxRTMP(t)
	h := start(t, []string{serving.URL, backup.URL}, Options{StallTimeout: 2 * time.Second})
	go func() {
		h.waitFor(t, cluster.EventStart, 20*time.Second)
		time.Sleep(100 * time.Millisecond)
		serving.Kill()
	}()
	out, events := h.run(t, 60*time.Second)
	if out != Played {
		t.Fatalf("outcome %v; events:\n%s", out, describe(events))
	}
	f := only(events, cluster.EventFailover)
	if len(f) != 1 || f[0].Host != serving.URL || f[0].ToHost != backup.URL {
		t.Fatalf("failovers %+v; events:\n%s", f, describe(events))
	}
	endsAtTheEnd(t, events)
}

func mustRefusedAddr(t *testing.T) string {
	u, err := loopback.Refused()
	if err != nil {
		t.Fatal(err)
	}
	// Refused gives an http URL; keep its host:port.
	return u[len("http://") : len(u)-len("/video")]
}
