package e2e

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestProbeNonePlaysASingleClientServer: ffmpeg's -listen 1 RTMP server
// serves one client and is gone; today's probe would be that client. With
// --probe none the player's load is the attempt, and it plays.
func TestProbeNonePlaysASingleClientServer(t *testing.T) {
	ffmpeg := needTool(t, "ffmpeg")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	src := filepath.Join(t.TempDir(), assets.ClipName)
	os.WriteFile(src, assets.Clip, 0o644)
	server := exec.Command(ffmpeg, "-v", "error", "-re", "-i", src, "-c", "copy", "-f", "flv", "-listen", "1",
		"rtmp://127.0.0.1:"+strconv.Itoa(port)+"/live/stream")
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Process.Kill(); server.Wait() })
	host := "rtmp://127.0.0.1:" + strconv.Itoa(port) + "/live"
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		// Nothing says when ffmpeg listens; a plain TCP look would use up
		// its one client, so wait for the port to be bound instead.
		if c, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err != nil {
			break
		} else {
			c.Close()
		}
		if time.Now().After(deadline) {
			t.Fatal("ffmpeg did not listen within 10 s")
		}
	}
	started := false
	code, evs := playJSON(t, func(ev map[string]any, p *os.Process) {
		if ev["event"] == "start" && !started {
			started = true
			p.Signal(syscall.SIGINT)
		}
	}, "--probe", "none", "--host", host, "stream")
	if !started || code != 130 {
		t.Errorf("exit %d, started %v: %v", code, started, evs)
	}
}

// TestProbeConnectLetsTheLoadJudge: a host that accepts connections but
// lacks the clip passes a connect probe; the player's failed load fails it
// over to the next host.
func TestProbeConnectLetsTheLoadJudge(t *testing.T) {
	missing := hosttest.Keep(t)(loopback.Status(404))
	good := hosttest.Keep(t)(loopback.Good(media))
	code, evs := playJSON(t, nil, "--probe", "connect", "--relay=off", "--host", missing.URL, "--host", good.URL, assets.ClipName)
	if code != 0 {
		t.Fatalf("exit %d: %v", code, evs)
	}
	res := named(evs, "resolved")
	if len(res) == 0 || res[0]["index"] != 0.0 {
		t.Errorf("the host without the clip did not pass its connect probe: %v", res)
	}
	f := named(evs, "failover")
	if len(f) != 1 || f[0]["index"] != 0.0 || f[0]["to_index"] != 1.0 {
		t.Errorf("failovers %v, want host 0 to host 1 after its load failed", f)
	}
	endsAtClipEnd(t, evs)
}
