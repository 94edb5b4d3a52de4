package loopback

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// Helpers for loopback_test.go: plain clients with their own transports, raw
// requests with read deadlines, and polling, all without test frameworks.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// start fails the test on a constructor error and closes the host at the
// end; it is curried so constructors' two results can be passed straight in.
func start(t *testing.T) func(*Host, error) *Host {
	return func(h *Host, err error) *Host {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		return h
	}
}

// client has its own transport so idle connections (and their goroutines)
// die with the test; a nil pool means the system roots, as by default.
func client(t *testing.T, pool *x509.CertPool) *http.Client {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func get(c *http.Client, u string, header ...string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// rawGet sends a GET on a fresh connection and returns the response with its
// connection, so the test can set read deadlines on the body.
func rawGet(t *testing.T, h *Host, clip string) (net.Conn, *http.Response) {
	t.Helper()
	var c net.Conn
	var err error
	if pool := h.CertPool(); pool != nil {
		c, err = tls.DialWithDialer(&net.Dialer{Timeout: 2 * time.Second}, "tcp", h.Addr, &tls.Config{RootCAs: pool})
	} else {
		c, err = net.DialTimeout("tcp", h.Addr, 2*time.Second)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "GET /video/%s HTTP/1.1\r\nHost: %s\r\n\r\n", clip, h.Addr)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading headers: %v", err)
	}
	return c, resp
}

// readUntilStuck reads body until a read times out (returning the bytes
// read so far) or ends; every read gets its own short deadline.
func readUntilStuck(c net.Conn, body io.Reader) (int, error) {
	buf := make([]byte, 32<<10)
	total := 0
	for {
		c.SetReadDeadline(time.Now().Add(400 * time.Millisecond))
		n, err := body.Read(buf)
		total += n
		if err != nil {
			return total, err
		}
	}
}

// waitFor polls cond to a deadline. The hosts count requests and
// connections as their goroutines accept them, but announce no change, so
// there is nothing to wait on but the counts themselves.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(uint64(n), 7))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}
