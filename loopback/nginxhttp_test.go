package loopback

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"clusterplay/assets"
)

func nginxHTTPOrSkip(t *testing.T, dir string, opts NginxHTTPOptions) *NginxHTTPHost {
	t.Helper()
	n, err := StartNginxHTTP(dir, opts)
	MissingTool(t, err)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// TestNginxHTTPServesLikeACDN: 200 whole, 206 to a Range, the media types
// of HLS and DASH, every request in the access log with its User-Agent,
// and after Kill a refused port.
func TestNginxHTTPServesLikeACDN(t *testing.T) {
	dir := mediaDir(t)
	n := nginxHTTPOrSkip(t, dir, NginxHTTPOptions{})
	if !strings.HasPrefix(n.URL, "http://127.0.0.1:") || !strings.HasSuffix(n.URL, "/video") {
		t.Fatalf("URL %q", n.URL)
	}
	c := client(t, nil)
	resp, body, err := get(c, n.URL+"/"+assets.ClipName, "User-Agent", "probe/1")
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(body, assets.Clip) || resp.Header.Get("Content-Type") != "video/mp4" {
		t.Fatalf("whole: %v %v, %d bytes\n%s", resp, err, len(body), n.Log())
	}
	resp, body, err = get(c, n.URL+"/"+assets.ClipName, "Range", "bytes=100-", "User-Agent", "libmpv")
	if err != nil || resp.StatusCode != 206 || !bytes.Equal(body, assets.Clip[100:]) ||
		resp.Header.Get("Content-Range") != fmt.Sprintf("bytes 100-%d/%d", len(assets.Clip)-1, len(assets.Clip)) {
		t.Fatalf("range: %v %v, %d bytes", resp, err, len(body))
	}
	if resp, _, _ := get(c, n.URL+"/nothing.mp4"); resp == nil || resp.StatusCode != 404 {
		t.Errorf("missing file: %v", resp)
	}
	log, err := n.WaitAccesses(3, 5*time.Second)
	if err != nil || len(log) != 3 {
		t.Fatalf("access log %+v, %v\n%s", log, err, n.AccessLog())
	}
	want := AccessEntry{Method: "GET", Path: "/video/" + assets.ClipName, Status: 206, Bytes: int64(len(assets.Clip) - 100),
		Range: "bytes=100-", UserAgent: "libmpv"}
	if log[0].UserAgent != "probe/1" || log[0].Status != 200 || log[1] != want || log[2].Status != 404 {
		t.Errorf("access log %+v, want the second %+v", log, want)
	}
	n.Kill()
	if _, err := net.DialTimeout("tcp", n.Addr, time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial after Kill: %v, want ECONNREFUSED", err)
	}
}

// TestNginxHTTPLimitRate: limit_rate makes a response take the time it
// says, so that a test can kill the host while the body still flows, and
// the body flows evenly: never a gap near the relay's 1 s read timeout,
// which would make a slow host look like a stalled one.
func TestNginxHTTPLimitRate(t *testing.T) {
	// The rate of the end-to-end tests' nginx: 1.3 times the clip's.
	rate := int64(float64(len(assets.Clip)) / assets.ClipDuration.Seconds() * 1.3)
	n := nginxHTTPOrSkip(t, mediaDir(t), NginxHTTPOptions{LimitRate: rate})
	resp, err := client(t, nil).Get(n.URL + "/" + assets.ClipName)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	began, last := time.Now(), time.Now()
	var gap time.Duration
	got := 0
	buf := make([]byte, 64<<10)
	for {
		k, err := resp.Body.Read(buf)
		if k > 0 {
			gap, last = max(gap, time.Since(last)), time.Now()
			got += k
		}
		if err != nil {
			break
		}
	}
	took := time.Since(began)
	if got != len(assets.Clip) || took < 3*time.Second || took > 20*time.Second {
		t.Errorf("%d bytes in %v at %d bytes/s, want the clip in about 4.6 s", got, took, rate)
	}
	if gap > 900*time.Millisecond {
		t.Errorf("a gap of %v between reads: a relay would take it for a stall", gap)
	}
}
