package relay

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// dialRelay opens a raw connection to the relay, closed when the test ends.
func dialRelay(t *testing.T, h *harness) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", h.relay.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedWithin reports whether the relay closes c within d (reading
// whatever it still sends).
func closedWithin(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	return err == nil // EOF: closed by the relay; a timeout is an error
}

// TestWrongTokenClosesTheConnection: a keep-alive request with a wrong
// token is answered and its connection closed, so that another local user
// cannot hold thousands of them open.
func TestWrongTokenClosesTheConnection(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	h := startRelay(t, "tok", good.URL+"/v")
	for _, path := range []string{"/wrong/clip.mp4", "/clip.mp4", "/tok"} {
		c := dialRelay(t, h)
		fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, h.relay.Addr())
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != http.StatusNotFound {
			t.Fatalf("%s: %v %v", path, resp, err)
		}
		if !closedWithin(c, 3*time.Second) {
			t.Errorf("%s: the connection stays open after a wrong token", path)
		}
	}
}

// TestIdleAndHalfHeaderConnectionsClose: a keep-alive connection that asks
// nothing more, and one whose request header never ends, are closed (30 s
// and 10 s, shortened here).
func TestIdleAndHalfHeaderConnectionsClose(t *testing.T) {
	defer func(i, hd time.Duration) { idleTimeout, headerTimeout = i, hd }(idleTimeout, headerTimeout)
	idleTimeout, headerTimeout = 300*time.Millisecond, 300*time.Millisecond
	good := hosttest.Keep(t)(loopback.Good(files))
	h := startRelay(t, "tok", good.URL+"/v")

	half := dialRelay(t, h)
	fmt.Fprintf(half, "GET /tok/clip.mp4 HTTP/1.1\r\nHost: %s\r\n", h.relay.Addr())
	if !closedWithin(half, 5*time.Second) {
		t.Error("a connection without a complete request header stays open")
	}

	idle := dialRelay(t, h)
	fmt.Fprintf(idle, "GET /tok/clip.mp4 HTTP/1.1\r\nHost: %s\r\nRange: bytes=0-9\r\n\r\n", h.relay.Addr())
	br := bufio.NewReader(idle)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusPartialContent {
		t.Fatalf("%v %v", resp, err)
	}
	body, _ := io.ReadAll(resp.Body)
	if !bytes.Equal(body, payload[:10]) {
		t.Fatalf("body %x", body)
	}
	if !closedWithin(idle, 5*time.Second) {
		t.Error("an idle keep-alive connection stays open")
	}
}

// TestConnectionLimit: a local client holding connections gets at most
// maxConns of them; the rest are closed as they are accepted. When it lets
// go, the player is served, and no host was blamed for any of it.
func TestConnectionLimit(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	h := startRelay(t, "tok", good.URL+"/v")
	held := make([]net.Conn, maxConns)
	for i := range held {
		held[i] = dialRelay(t, h)
	}
	// The relay accepts in its own time: give it a request to answer on
	// the last held connection, so that all of them were accepted.
	fmt.Fprintf(held[maxConns-1], "GET /wrong HTTP/1.1\r\nHost: %s\r\n\r\n", h.relay.Addr())
	if _, err := http.ReadResponse(bufio.NewReader(held[maxConns-1]), nil); err != nil {
		t.Fatal(err)
	}
	if !closedWithin(held[maxConns-1], 3*time.Second) { // a wrong path: closed by the relay
		t.Fatal("the relay kept a refused connection")
	}
	time.Sleep(100 * time.Millisecond) // its place given back
	held[maxConns-1] = dialRelay(t, h)

	extra := dialRelay(t, h)
	if !closedWithin(extra, 3*time.Second) {
		t.Fatalf("connection %d was kept", maxConns+1)
	}
	for _, c := range held[:8] {
		c.Close()
	}
	time.Sleep(200 * time.Millisecond)
	resp, body, err := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": "bytes=0-99"})
	if err != nil || resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, payload[:100]) {
		t.Fatalf("the player after the hog let go: %d, %v", resp.StatusCode, err)
	}
	if failed := of(h.events(), events.ConnectFailed); len(failed) != 0 {
		t.Errorf("a host was blamed: %+v", failed)
	}
}

// TestNotFoundIsNotRemembered: a path a relay client chose and no host has
// (a web page's blind GET /nothing) is a 404, and no host is remembered
// as failed for it.
func TestNotFoundIsNotRemembered(t *testing.T) {
	a := hosttest.Keep(t)(loopback.Good(files))
	b := hosttest.Keep(t)(loopback.Good(files))
	h := startRelay(t, "", a.URL+"/v", b.URL+"/v")
	for _, path := range []string{"nothing", "nothing.mp4"} {
		if resp, _, _ := get(t, h.relay.URL(path), nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
	h.relay.SetCurrent(h.relay.opts.Engine.Hosts()[0])
	if resp, _, _ := get(t, h.relay.URL("other.mp4"), nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("from the current host: %d, want 404", resp.StatusCode)
	}
	for _, host := range h.relay.opts.Engine.Hosts() {
		if h.relay.opts.Engine.Remembered(host) {
			t.Errorf("%s is remembered as failed for a 404", host.URL)
		}
	}
	for _, ev := range h.events() {
		if !ev.ExpiresAt.IsZero() {
			t.Errorf("an event says a host is remembered: %+v", ev)
		}
	}
}
