package relay

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"testing"

	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestRangeEdgeCases: ranges at the edges of int64 and past the end,
// through a host that ignores Range (the relay cuts the range itself) and
// one that honours it (the host's own 416 is passed on): the length is
// clamped to the file, a start past the end is 416 with the file's
// length, and no host is blamed for the player's question.
func TestRangeEdgeCases(t *testing.T) {
	n := len(payload)
	maxEnd := strconv.FormatInt(math.MaxInt64, 10)
	tests := []struct {
		rng    string
		status int
		from   int // the body is payload[from:]
	}{
		{"bytes=1-" + maxEnd, http.StatusPartialContent, 1},
		{"bytes=0-" + maxEnd, http.StatusPartialContent, 0},
		{fmt.Sprintf("bytes=%d-%s", n-1, maxEnd), http.StatusPartialContent, n - 1},
		{"bytes=5000000-", http.StatusRequestedRangeNotSatisfiable, 0},
		{fmt.Sprintf("bytes=%d-", n), http.StatusRequestedRangeNotSatisfiable, 0},
		{"bytes=" + maxEnd + "-", http.StatusRequestedRangeNotSatisfiable, 0},
		{"bytes=" + maxEnd + "-" + maxEnd, http.StatusRequestedRangeNotSatisfiable, 0},
	}
	for _, kind := range []string{"ignores Range", "honours Range"} {
		t.Run(kind, func(t *testing.T) {
			serve := loopback.NoRange
			if kind == "honours Range" {
				serve = loopback.Good
			}
			host := hosttest.Keep(t)(serve(files))
			h := startRelay(t, "", host.URL+"/v")
			for _, tt := range tests {
				resp, body, err := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": tt.rng})
				if err != nil || resp.StatusCode != tt.status {
					t.Errorf("%s: %d, want %d (%v)", tt.rng, resp.StatusCode, tt.status, err)
					continue
				}
				cr, cl := resp.Header.Get("Content-Range"), resp.Header.Get("Content-Length")
				if tt.status == http.StatusRequestedRangeNotSatisfiable {
					if cr != fmt.Sprintf("bytes */%d", n) {
						t.Errorf("%s: Content-Range %q, want bytes */%d", tt.rng, cr, n)
					}
					continue
				}
				if cr != fmt.Sprintf("bytes %d-%d/%d", tt.from, n-1, n) || cl != strconv.Itoa(n-tt.from) || !bytes.Equal(body, payload[tt.from:]) {
					t.Errorf("%s: Content-Range %q, Content-Length %q, %d bytes; want from %d of %d", tt.rng, cr, cl, len(body), tt.from, n)
				}
			}
			if h.relay.opts.Engine.Remembered(h.relay.opts.Engine.Hosts()[0]) {
				t.Error("the host is remembered as failed")
			}
			if failed := of(h.events(), events.ConnectFailed); len(failed) != 0 {
				t.Errorf("the host was blamed: %+v", failed)
			}
		})
	}
}
