package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// rawGet asks addr for path with the Host header given, and returns the
// answer with its body read.
func rawGet(t *testing.T, addr, host, path string) (*http.Response, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestRelayModeRefusesAForeignHost: `clusterplay relay` on loopback answers
// a page whose name was rebound to 127.0.0.1 with 421, and every answer is
// nosniff; a blind GET /nothing is a 404 that leaves no host remembered as
// failed, so the clip is served next from the same host at once.
func TestRelayModeRefusesAForeignHost(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(media))
	_, base, evs := startRelayMode(t, "--host", good.URL)
	addr := strings.TrimSuffix(strings.TrimPrefix(base, "http://"), "/")
	_, port, _ := net.SplitHostPort(addr)
	if resp, _ := rawGet(t, addr, "rebound.example:"+port, "/"+assets.ClipName); resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("a foreign Host: %d, want 421", resp.StatusCode)
	}
	resp, _ := rawGet(t, addr, "localhost:"+port, "/nothing")
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET /nothing: %d, nosniff %q", resp.StatusCode, resp.Header.Get("X-Content-Type-Options"))
	}
	resp, body := rawGet(t, addr, addr, "/"+assets.ClipName)
	if resp.StatusCode != http.StatusOK || len(body) != len(assets.Clip) || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("the clip: %d, %d bytes, nosniff %q", resp.StatusCode, len(body), resp.Header.Get("X-Content-Type-Options"))
	}
	deadline := time.After(time.Second)
	for {
		select {
		case ev := <-evs:
			if ev["expires_at"] != nil {
				t.Errorf("a host is remembered as failed: %v", ev)
			}
			continue
		case <-deadline:
		}
		break
	}
}

// TestRelayModeRedirectIntoItself: a host that redirects to the relay
// itself once nested thousands of requests; now the request fails at once
// and the host is asked a handful of times.
func TestRelayModeRedirectIntoItself(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	loop := hosttest.Keep(t)(loopback.RedirectTo("http://" + addr + "/" + assets.ClipName))
	startRelayMode(t, "--listen", addr, "--host", loop.URL)
	began := time.Now()
	resp, _ := rawGet(t, addr, addr, "/"+assets.ClipName)
	if resp.StatusCode == http.StatusOK || time.Since(began) > 10*time.Second || loop.Requests() > 20 {
		t.Errorf("%d after %v and %d requests to the host", resp.StatusCode, time.Since(began), loop.Requests())
	}
}

// TestHashInAClipNameThroughTheRelay: x#clip.mp4 plays through the relay
// as it does with --relay=off (it exited 3: mpv asked the relay for "x").
func TestHashInAClipNameThroughTheRelay(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(map[string][]byte{"x#" + assets.ClipName: assets.Clip}))
	for _, relay := range []string{"--relay=on", "--relay=off"} {
		code, evs := playJSON(t, nil, relay, "--host", good.URL, "x#"+assets.ClipName)
		if code != 0 {
			t.Errorf("%s: exit %d: %v", relay, code, evs)
		}
	}
}
