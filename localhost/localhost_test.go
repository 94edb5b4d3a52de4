package localhost

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// keep fails the test when a host cannot start, and closes it at the end.
func keep(t *testing.T) func(*Host, error) *Host {
	return func(h *Host, err error) *Host {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := h.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return h
	}
}

func TestRefused(t *testing.T) {
	t.Parallel()
	u, err := Refused()
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(u, "http://"), BasePath)
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("URL %q is not on 127.0.0.1 under %s", u, BasePath)
	}
	if _, err := net.DialTimeout("tcp", addr, 2*time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial: got %v, want ECONNREFUSED", err)
	}
}

// TestHang: dials time out on Linux, where the socket trick works; the
// silent stand-in elsewhere connects and never answers. Either way, no
// byte ever comes back, and Close ends it.
func TestHang(t *testing.T) {
	t.Parallel()
	h := keep(t)(Hang())
	c, err := net.DialTimeout("tcp", h.Addr, 300*time.Millisecond)
	var ne net.Error
	switch {
	case runtime.GOOS == "linux" && runtime.GOARCH != "386":
		if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("dial: got %v, want a timeout", err)
		}
	case err != nil:
		t.Fatalf("dial to the silent stand-in: %v", err)
	default:
		c.Close()
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := net.DialTimeout("tcp", h.Addr, 2*time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial after Close: got %v, want ECONNREFUSED", err)
	}
}

func TestSilent(t *testing.T) {
	t.Parallel()
	h := keep(t)(Silent())
	c, err := net.DialTimeout("tcp", h.Addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := fmt.Fprintf(c, "GET /video/x.mp4 HTTP/1.1\r\nHost: %s\r\n\r\n", h.Addr); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if n, err := c.Read(make([]byte, 1)); n != 0 || !errors.As(err, new(net.Error)) {
		t.Fatalf("read %d bytes (%v), want nothing until the deadline", n, err)
	}
	// Close does not wait for the client: it resets the connection.
	done := make(chan error, 1)
	go func() { done <- h.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close waits for a client that keeps its connection open")
	}
}

func TestServe(t *testing.T) {
	t.Parallel()
	clip := []byte("0123456789")
	open, err := Files(map[string][]byte{"clip.mp4": clip, "a/b.ts": clip})
	if err != nil {
		t.Fatal(err)
	}
	h := keep(t)(Serve(open))
	for _, tc := range []struct {
		name, method, path, rangeHdr string
		status                       int
		body, contentType            string
	}{
		{"whole clip", "GET", "/video/clip.mp4", "", 200, "0123456789", "video/mp4"},
		{"a range", "GET", "/video/clip.mp4", "bytes=2-4", 206, "234", "video/mp4"},
		{"in a directory", "GET", "/video/a/b.ts", "", 200, "0123456789", "video/mp2t"},
		{"HEAD has no body", "HEAD", "/video/clip.mp4", "", 200, "", "video/mp4"},
		{"no such clip", "GET", "/video/other.mp4", "", 404, "", ""},
		{"outside the base path", "GET", "/clip.mp4", "", 404, "", ""},
		{"climbing out", "GET", "/video/../clip.mp4", "", 404, "", ""},
		{"POST refused", "POST", "/video/clip.mp4", "", 405, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, "http://"+h.Addr+tc.path, nil)
			req.URL.Opaque = tc.path // keep "..", as a hostile client would send it
			if tc.rangeHdr != "" {
				req.Header.Set("Range", tc.rangeHdr)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status < 300 && (string(body) != tc.body || resp.Header.Get("Content-Type") != tc.contentType) {
				t.Errorf("body %q type %q, want %q %q", body, resp.Header.Get("Content-Type"), tc.body, tc.contentType)
			}
		})
	}
	if !strings.HasSuffix(h.URL, BasePath) || !strings.Contains(h.URL, h.Addr) {
		t.Errorf("URL %q, address %q", h.URL, h.Addr)
	}
}

func TestFilesRefusesBadPaths(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", ".", "../x.mp4", "/abs.mp4", "a//b.mp4"} {
		if _, err := Files(map[string][]byte{p: nil}); err == nil {
			t.Errorf("Files accepted the clip path %q", p)
		}
	}
}
