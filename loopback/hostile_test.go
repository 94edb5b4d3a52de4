package loopback

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The hostile hosts must deliver their text untouched: a client test
// that sees escapes cleaned up on the way would prove nothing.

func TestHostileRTMPSendsItsDescription(t *testing.T) {
	h := start(t)(HostileRTMP(HostileText))
	c, err := play(t, h.URL+"#clip.mp4", nil, 2*time.Second)
	if err == nil {
		c.Close()
		t.Fatal("play succeeded")
	}
	if !strings.Contains(err.Error(), HostileText) {
		t.Errorf("play: %q, want the description %q as sent", err, HostileText)
	}
}

func TestHostileTLSPresentsItsNames(t *testing.T) {
	names := []string{"a\x1b]0;owned\x07.example", "b\x1b[2J.example"}
	h := start(t)(HostileTLS(names, "cn\u202e\u0085"))
	if !strings.HasPrefix(h.URL, "https://localhost:") {
		t.Fatalf("URL %q", h.URL)
	}
	_, _, err := get(client(t, h.CertPool()), h.URL+"/clip.mp4")
	if err == nil {
		t.Fatal("a certificate for other names was accepted")
	}
	want := "certificate is valid for " + strings.Join(names, ", ") + ", not localhost"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestRedirectToSendsLocationAsIs(t *testing.T) {
	loc := "http://127.0.0.1:9/video/clip.mp4?x=\u202e\u0085\x9b"
	h := start(t)(RedirectTo(loc))
	c, err := net.DialTimeout("tcp", h.Addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("GET /video/clip.mp4 HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != loc {
		t.Errorf("%d, Location %q; want 302 with %q", resp.StatusCode, resp.Header.Get("Location"), loc)
	}
	if _, err := RedirectTo("a\r\nb"); err == nil {
		t.Error("a Location with CRLF was taken")
	}
}
