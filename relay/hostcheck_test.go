package relay

import (
	"bufio"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"clusterplay/cluster"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestOnlyItsOwnHost: a relay on loopback answers for its address and
// localhost only; any other Host (a web page's name rebound to 127.0.0.1)
// gets 421, with the connection closed. Every answer is nosniff.
func TestOnlyItsOwnHost(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	h := startRelay(t, "", good.URL+"/v")
	_, port, _ := strings.Cut(h.relay.Addr().String(), ":")
	tests := []struct {
		host string
		want int
	}{
		{h.relay.Addr().String(), http.StatusOK},
		{"localhost:" + port, http.StatusOK},
		{"LOCALHOST", http.StatusOK},
		{"evil.example:" + port, http.StatusMisdirectedRequest},
		{"evil.example", http.StatusMisdirectedRequest},
		{"127.0.0.1.evil.example:" + port, http.StatusMisdirectedRequest},
		{"localhost.evil.example:" + port, http.StatusMisdirectedRequest},
	}
	for _, tt := range tests {
		c := dialRelay(t, h)
		fmt.Fprintf(c, "GET /clip.mp4 HTTP/1.1\r\nHost: %s\r\nRange: bytes=0-0\r\n\r\n", tt.host)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("Host %s: %v", tt.host, err)
		}
		resp.Body.Close()
		got := resp.StatusCode
		if got == http.StatusPartialContent {
			got = http.StatusOK
		}
		if got != tt.want || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("Host %s: %d nosniff=%q, want %d", tt.host, resp.StatusCode, resp.Header.Get("X-Content-Type-Options"), tt.want)
		}
		if tt.want == http.StatusMisdirectedRequest && !closedWithin(c, 3*time.Second) {
			t.Errorf("Host %s: the connection stays open", tt.host)
		}
	}
}

// TestHTMLIsSandboxed: a host's HTML comes back nosniff and under a
// sandboxing CSP, so that it cannot run on the relay's origin.
func TestHTMLIsSandboxed(t *testing.T) {
	html := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", "39")
		fmt.Fprint(w, "<script>alert(document.cookie)</script>")
	})))
	h := startRelay(t, "", html.URL)
	resp, body, err := get(t, h.relay.URL("page.html"), nil)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "<script>") {
		t.Fatalf("%d %q %v", resp.StatusCode, body, err)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Content-Security-Policy") != "sandbox" {
		t.Errorf("headers %v", resp.Header)
	}
}

// TestViaIsALoop: a request that a clusterplay relay relayed already is
// answered 508, and every request the relay makes to a host bears the
// mark.
func TestViaIsALoop(t *testing.T) {
	seen := make(chan string, 16)
	host := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case seen <- r.Header.Get("Via"):
		default:
		}
		http.ServeContent(w, r, "clip.mp4", time.Time{}, strings.NewReader(string(payload[:1000])))
	})))
	h := startRelay(t, "", host.URL)
	h.relay.SetCurrent(h.relay.opts.Engine.Hosts()[0])
	if resp, _, err := get(t, h.relay.URL("clip.mp4"), nil); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %v", resp.StatusCode, err)
	}
	if via := <-seen; via != cluster.Via {
		t.Errorf("the host saw Via %q, want %q", via, cluster.Via)
	}
	for _, via := range []string{cluster.Via, "1.0 proxy, 1.1 clusterplay", "HTTP/1.1 ClusterPlay (x)"} {
		resp, _, _ := get(t, h.relay.URL("clip.mp4"), map[string]string{"Via": via})
		if resp.StatusCode != http.StatusLoopDetected {
			t.Errorf("Via %q: %d, want 508", via, resp.StatusCode)
		}
	}
	if resp, _, _ := get(t, h.relay.URL("clip.mp4"), map[string]string{"Via": "1.1 squid"}); resp.StatusCode != http.StatusOK {
		t.Errorf("another proxy's Via: %d", resp.StatusCode)
	}
}
