package hosttest

import (
	"bytes"
	"io"
	"net/http"
	"testing"
)

// WantBody GETs url (with rng as its Range, "" for none) and compares the
// body with want as it comes, a megabyte at a time, so that a body of
// hundreds of MB is checked without being held. It returns the
// response's header for the caller's own checks.
func WantBody(t testing.TB, url, rng string, want []byte) http.Header {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 1<<20)
	at := 0
	for {
		n, err := resp.Body.Read(buf)
		if at+n > len(want) {
			t.Fatalf("range %q: more than the %d bytes wanted", rng, len(want))
		}
		if !bytes.Equal(buf[:n], want[at:at+n]) {
			t.Fatalf("range %q: bytes %d..%d differ from the file's", rng, at, at+n)
		}
		at += n
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("range %q: %v after %d bytes", rng, err, at)
		}
	}
	if at != len(want) {
		t.Fatalf("range %q: %d bytes of %d", rng, at, len(want))
	}
	return resp.Header
}
