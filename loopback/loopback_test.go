package loopback

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestRefused(t *testing.T) {
	u, err := Refused()
	if err != nil {
		t.Fatal(err)
	}
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "http" || p.Hostname() != "127.0.0.1" || p.Path != "/video" {
		t.Fatalf("Refused() = %q, want http://127.0.0.1:PORT/video", u)
	}
	_, err = net.DialTimeout("tcp", p.Host, 2*time.Second)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial: got %v, want ECONNREFUSED", err)
	}
}

func TestHang(t *testing.T) {
	h := start(t)(Hang())
	began := time.Now()
	c, err := net.DialTimeout("tcp", h.Addr, 300*time.Millisecond)
	if err == nil {
		c.Close()
		t.Fatal("dial to Hang succeeded, want a timeout")
	}
	if !isTimeout(err) {
		t.Fatalf("dial: got %v, want a timeout", err)
	}
	if d := time.Since(began); d < 250*time.Millisecond {
		t.Fatalf("dial gave up after %v, want ~300ms", d)
	}
	h.Kill()
	if _, err := net.DialTimeout("tcp", h.Addr, 2*time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial after Kill: got %v, want ECONNREFUSED", err)
	}
	if err := h.Close(); err != nil {
		t.Fatalf("Close after Kill: %v", err)
	}
}

func TestSilent(t *testing.T) {
	h := start(t)(Silent())
	c, err := net.DialTimeout("tcp", h.Addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := fmt.Fprintf(c, "GET /video/x.mp4 HTTP/1.1\r\nHost: %s\r\n\r\n", h.Addr); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if n, err := c.Read(make([]byte, 1)); n != 0 || !isTimeout(err) {
		t.Fatalf("read = %d, %v; want nothing and a timeout", n, err)
	}
	waitFor(t, "one accepted connection", func() bool { return h.Requests() == 1 && h.OpenConns() == 1 })
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if n := h.OpenConns(); n != 0 {
		t.Fatalf("OpenConns after Close = %d", n)
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("read after Close: got %v, want EOF", err)
	}
}

func TestStatus(t *testing.T) {
	for _, code := range []int{200, 204, 403, 404, 503} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			h := start(t)(Status(code))
			resp, _, err := get(client(t, nil), h.URL+"/clip.mp4", "Range", "bytes=0-0")
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != code || h.Requests() != 1 {
				t.Fatalf("status %d, requests %d; want %d, 1", resp.StatusCode, h.Requests(), code)
			}
		})
	}
	for _, code := range []int{0, 101, 1000} {
		if _, err := Status(code); err == nil {
			t.Errorf("Status(%d) accepted", code)
		}
	}
}

func TestSlowHeaders(t *testing.T) {
	h := start(t)(SlowHeaders(400 * time.Millisecond))
	began := time.Now()
	resp, body, err := get(client(t, nil), h.URL+"/clip.mp4", "Range", "bytes=0-0")
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(began); d < 350*time.Millisecond {
		t.Fatalf("headers after %v, want >= 400ms", d)
	}
	if resp.StatusCode != http.StatusPartialContent || len(body) != 1 ||
		resp.Header.Get("Content-Range") != "bytes 0-0/1048576" || resp.Header.Get("Content-Type") != "video/mp4" {
		t.Fatalf("got %d %q %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Range"), resp.Header.Get("Content-Type"), len(body))
	}

	t.Run("close ends the wait", func(t *testing.T) {
		h, err := SlowHeaders(time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		errc := make(chan error, 1)
		c := client(t, nil)
		go func() {
			_, _, err := get(c, h.URL+"/clip.mp4")
			errc <- err
		}()
		waitFor(t, "the request", func() bool { return h.Requests() == 1 })
		began := time.Now()
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
		if err := <-errc; err == nil {
			t.Fatal("request succeeded after Close")
		}
		if d := time.Since(began); d > 3*time.Second {
			t.Fatalf("Close took %v", d)
		}
	})
}

func TestRedirect(t *testing.T) {
	data := randomBytes(5000)
	good := start(t)(Good(map[string][]byte{"a/b.mp4": data}))
	for _, hops := range []int{0, 1, 3} {
		t.Run(fmt.Sprint(hops), func(t *testing.T) {
			h := start(t)(Redirect(hops, good.URL))
			c := client(t, nil)
			redirects := 0
			c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
				redirects = len(via)
				return nil
			}
			const tail = "/a/b.mp4?tok=x%20y&n=1"
			resp, body, err := get(c, h.URL+tail)
			if err != nil {
				t.Fatal(err)
			}
			if got := resp.Request.URL.String(); got != good.URL+tail {
				t.Fatalf("ended at %s, want %s", got, good.URL+tail)
			}
			if !bytes.Equal(body, data) || redirects != hops+1 || h.Requests() != int64(hops+1) {
				t.Fatalf("body ok %v, redirects %d, requests %d; want %d", bytes.Equal(body, data), redirects, h.Requests(), hops+1)
			}
		})
	}
	for _, bad := range []string{"", "/video", "http://127.0.0.1:1/video?x=1"} {
		if _, err := Redirect(1, bad); err == nil {
			t.Errorf("Redirect(1, %q) accepted", bad)
		}
	}
	if _, err := Redirect(-1, good.URL); err == nil {
		t.Error("Redirect(-1) accepted")
	}
}

func TestGood(t *testing.T) {
	clip, ts := randomBytes(100_000), randomBytes(3000)
	files := map[string][]byte{"clip.mp4": clip, "a/b/c.ts": ts}
	dir := t.TempDir()
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hosts := map[string]func() (*Host, error){
		"Good":    func() (*Host, error) { return Good(files) },
		"GoodDir": func() (*Host, error) { return GoodDir(dir) },
	}
	cases := []struct {
		name, path, rng, ctype string
		status                 int
		body                   []byte
	}{
		{"whole clip", "/video/clip.mp4", "", "video/mp4", 200, clip},
		{"probe", "/video/clip.mp4", "bytes=0-0", "video/mp4", 206, clip[:1]},
		{"tail range", "/video/clip.mp4", "bytes=99990-", "video/mp4", 206, clip[99990:]},
		{"nested", "/video/a/b/c.ts", "", "video/mp2t", 200, ts},
		{"missing", "/video/nope.mp4", "", "", 404, nil},
		{"directory", "/video/a", "", "", 404, nil},
		{"outside base", "/clip.mp4", "", "", 404, nil},
		{"dot dot", "/video/a/../clip.mp4", "", "", 404, nil},
	}
	for hname, mk := range hosts {
		t.Run(hname, func(t *testing.T) {
			h := start(t)(mk())
			if !strings.HasPrefix(h.URL, "http://127.0.0.1:") || !strings.HasSuffix(h.URL, "/video") {
				t.Fatalf("URL %q", h.URL)
			}
			c := client(t, nil)
			origin := strings.TrimSuffix(h.URL, "/video")
			for _, tc := range cases {
				resp, body, err := get(c, origin+tc.path, "Range", tc.rng)
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				if resp.StatusCode != tc.status {
					t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
				}
				if tc.body != nil && !bytes.Equal(body, tc.body) {
					t.Errorf("%s: %d body bytes differ (want %d)", tc.name, len(body), len(tc.body))
				}
				if ct := resp.Header.Get("Content-Type"); tc.ctype != "" && ct != tc.ctype {
					t.Errorf("%s: Content-Type %q, want %q", tc.name, ct, tc.ctype)
				}
			}
		})
	}
	if _, err := Good(map[string][]byte{"../x.mp4": nil}); err == nil {
		t.Error("Good accepted a key outside the base path")
	}
	if _, err := GoodDir(filepath.Join(dir, "clip.mp4")); err == nil {
		t.Error("GoodDir accepted a file")
	}
}

func TestGoodTLS(t *testing.T) {
	data := randomBytes(20_000)
	h := start(t)(GoodTLS(map[string][]byte{"clip.mp4": data}))
	if !strings.HasPrefix(h.URL, "https://127.0.0.1:") {
		t.Fatalf("URL %q", h.URL)
	}
	var unknown x509.UnknownAuthorityError
	if _, _, err := get(client(t, nil), h.URL+"/clip.mp4"); !errors.As(err, &unknown) {
		t.Fatalf("default roots: got %v, want x509.UnknownAuthorityError", err)
	}
	resp, body, err := get(client(t, h.CertPool()), h.URL+"/clip.mp4")
	if err != nil {
		t.Fatal(err)
	}
	if resp.TLS == nil || resp.ProtoMajor != 1 || !bytes.Equal(body, data) {
		t.Fatalf("TLS %v, proto %s, body ok %v", resp.TLS != nil, resp.Proto, bytes.Equal(body, data))
	}
}

func TestCutAfter(t *testing.T) {
	data := randomBytes(300_000)
	for _, n := range []int64{0, 1000, 100_000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			h := start(t)(CutAfter(map[string][]byte{"clip.mp4": data}, n))
			resp, body, err := get(client(t, nil), h.URL+"/clip.mp4")
			if resp == nil || resp.StatusCode != 200 || resp.ContentLength != int64(len(data)) {
				t.Fatalf("want headers of the whole clip, got %v, %v", resp, err)
			}
			if err == nil {
				t.Fatal("body read without error")
			}
			if int64(len(body)) != n || !bytes.Equal(body, data[:n]) {
				t.Fatalf("got %d bytes, want the first %d (err %v)", len(body), n, err)
			}
			if n > 0 {
				// A probe's one byte fits under the cut, so it completes.
				resp, body, err := get(client(t, nil), h.URL+"/clip.mp4", "Range", "bytes=0-0")
				if err != nil || resp.StatusCode != 206 || len(body) != 1 {
					t.Fatalf("probe: %v, %d bytes", err, len(body))
				}
			}
		})
	}
}

func TestThrottled(t *testing.T) {
	data := randomBytes(64 << 10)
	h := start(t)(Throttled(map[string][]byte{"clip.mp4": data}, 128<<10))
	began := time.Now()
	_, body, err := get(client(t, nil), h.URL+"/clip.mp4")
	if err != nil || !bytes.Equal(body, data) {
		t.Fatalf("%v, body ok %v", err, bytes.Equal(body, data))
	}
	// 64 KiB at 128 KiB/s: about 0.45 s after the first chunk.
	if d := time.Since(began); d < 350*time.Millisecond || d > 5*time.Second {
		t.Fatalf("took %v, want about 0.5s", d)
	}
}

func TestKill(t *testing.T) {
	h := start(t)(Throttled(map[string][]byte{"clip.mp4": randomBytes(1 << 20)}, 256<<10))
	c, resp := rawGet(t, h, "clip.mp4")
	if _, err := io.ReadFull(resp.Body, make([]byte, 10_000)); err != nil {
		t.Fatal(err)
	}
	h.Kill()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.Copy(io.Discard, resp.Body); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("read after Kill: got %v, want ECONNRESET", err)
	}
	if _, err := net.DialTimeout("tcp", h.Addr, 2*time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial after Kill: got %v, want ECONNREFUSED", err)
	}
	if n := h.OpenConns(); n != 0 {
		t.Fatalf("OpenConns after Kill = %d", n)
	}
	if err := h.Close(); err != nil {
		t.Fatalf("Close after Kill: %v", err)
	}
}

func TestStall(t *testing.T) {
	data := randomBytes(1 << 20)
	t.Run("in flight", func(t *testing.T) {
		h := start(t)(Throttled(map[string][]byte{"clip.mp4": data}, 1<<20))
		c, resp := rawGet(t, h, "clip.mp4")
		got := make([]byte, 32<<10)
		if _, err := io.ReadFull(resp.Body, got); err != nil {
			t.Fatal(err)
		}
		h.Stall()
		n, err := readUntilStuck(c, resp.Body)
		if !isTimeout(err) || len(got)+n >= len(data) {
			t.Fatalf("after Stall read %d more bytes, then %v; want a timeout before the end", n, err)
		}
		h.Resume()
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		rest, err := io.ReadAll(resp.Body)
		if err != nil || len(got)+n+len(rest) != len(data) {
			t.Fatalf("after Resume: %v, %d bytes in all, want %d", err, len(got)+n+len(rest), len(data))
		}
	})
	for name, mk := range map[string]func(map[string][]byte) (*Host, error){"new response": Good, "new response over TLS": GoodTLS} {
		t.Run(name, func(t *testing.T) {
			stallNewResponse(t, mk, data[:64<<10])
		})
	}
}

func stallNewResponse(t *testing.T, mk func(map[string][]byte) (*Host, error), data []byte) {
	h := start(t)(mk(map[string][]byte{"clip.mp4": data}))
	h.Stall()
	c, resp := rawGet(t, h, "clip.mp4") // TLS handshake and headers still get through
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if n, err := readUntilStuck(c, resp.Body); n != 0 || !isTimeout(err) {
		t.Fatalf("stalled body: %d bytes, %v; want none and a timeout", n, err)
	}
	if h.OpenConns() != 1 {
		t.Fatalf("OpenConns = %d, want the stalled connection open", h.OpenConns())
	}
	h.Resume()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if body, err := io.ReadAll(resp.Body); err != nil || !bytes.Equal(body, data) {
		t.Fatalf("after Resume: %v, %d bytes", err, len(body))
	}
}

// TestCloseReleasesEverything closes hosts in their stuck states and checks
// that Close returns promptly and leaves no goroutine behind.
func TestCloseReleasesEverything(t *testing.T) {
	files := map[string][]byte{"clip.mp4": randomBytes(1 << 20)}
	mk := map[string]func() (*Host, error){
		"stalled":   func() (*Host, error) { return Good(files) },
		"throttled": func() (*Host, error) { return Throttled(files, 64<<10) },
		"tls":       func() (*Host, error) { return GoodTLS(files) },
		"silent":    Silent,
		"hang":      Hang,
		"slow":      func() (*Host, error) { return SlowHeaders(time.Hour) },
		"killed":    func() (*Host, error) { return Good(files) },
	}
	for name, f := range mk {
		t.Run(name, func(t *testing.T) {
			h := start(t)(f())
			if name == "stalled" {
				h.Stall()
			}
			var conns []net.Conn
			if name != "hang" {
				for range 3 {
					c, err := net.DialTimeout("tcp", h.Addr, 2*time.Second)
					if err != nil {
						t.Fatal(err)
					}
					defer c.Close()
					if name != "tls" { // TLS hosts sit in the handshake
						fmt.Fprintf(c, "GET /video/clip.mp4 HTTP/1.1\r\nHost: x\r\n\r\n")
					}
					conns = append(conns, c)
				}
				waitFor(t, "3 connections", func() bool { return h.OpenConns() == 3 })
			}
			if name == "killed" {
				h.Kill()
			}
			began := time.Now()
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(began); d > 3*time.Second {
				t.Fatalf("Close took %v", d)
			}
			if err := h.Close(); err != nil {
				t.Fatalf("second Close: %v", err)
			}
			if h.OpenConns() != 0 {
				t.Fatalf("OpenConns after Close = %d", h.OpenConns())
			}
			for _, c := range conns {
				c.Close()
			}
			goleak.VerifyNone(t)
		})
	}
}

func TestNewHTTP(t *testing.T) {
	h := start(t)(NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path)
	})))
	c := client(t, nil)
	for i := 1; i <= 3; i++ {
		_, body, err := get(c, h.URL+"/x.mp4")
		if err != nil || string(body) != "/video/x.mp4" || h.Requests() != int64(i) {
			t.Fatalf("request %d: %v %q, Requests %d", i, err, body, h.Requests())
		}
	}
	if h.OpenConns() != 1 {
		t.Fatalf("OpenConns = %d, want the one keep-alive connection", h.OpenConns())
	}
	if _, err := NewHTTP(nil); err == nil {
		t.Fatal("NewHTTP(nil) accepted")
	}
}
