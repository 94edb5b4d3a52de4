package relay

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// sameBody reads url's body (with rng as its Range, "" for none) and
// compares it with want as it comes (hosttest.WantBody), and its
// Content-Length with want's.
func sameBody(t *testing.T, url, rng string, want []byte) {
	t.Helper()
	h := hosttest.WantBody(t, url, rng, want)
	if cl := h.Get("Content-Length"); cl != strconv.Itoa(len(want)) {
		t.Errorf("range %q: Content-Length %s, want %d", rng, cl, len(want))
	}
}

// carried runs f and returns how many bytes the kernel moved meanwhile.
func carried(f func()) int64 {
	before := kernelCarried.Load()
	f()
	return kernelCarried.Load() - before
}

// wantCarried fails unless the kernel carried at least half of size where
// it can (Linux): a relay that copies every byte itself again fails here.
func wantCarried(t *testing.T, what string, got, size int64) {
	t.Helper()
	if runtime.GOOS == "linux" && got < size/2 {
		t.Errorf("%s: the kernel carried %d of %d bytes: the fast path did not take over", what, got, size)
	}
}

// TestKernelCopyByteExact: a large file through the relay arrives byte for
// byte, whole and in ranges, with the kernel carrying it from socket to
// socket.
func TestKernelCopyByteExact(t *testing.T) {
	size := 200 << 20
	if testing.Short() {
		size = 24 << 20
	}
	big := loopback.Patterned(size)
	host := hosttest.Keep(t)(loopback.Good(map[string][]byte{"v/big.bin": big}))
	// A generous read timeout: 200 MB under the race detector on a busy
	// machine may leave the relay without a byte for 300 ms, and no other
	// host could continue; this test is about the bytes.
	h := startRelayOpts(t, func(o *Options) { o.ReadTimeout = 10 * time.Second }, host.URL+"/v")
	url := h.relay.URL("big.bin")
	got := carried(func() { sameBody(t, url, "", big) })
	wantCarried(t, "whole file", got, int64(size))
	for _, r := range []struct{ from, to int }{{1000, size - 1}, {size / 3, size/3 + 5<<20 - 1}, {size - 4097, size - 1}, {12345, 12345 + 700}} {
		rng := fmt.Sprintf("bytes=%d-%d", r.from, r.to)
		got := carried(func() { sameBody(t, url, rng, big[r.from:r.to+1]) })
		if n := int64(r.to + 1 - r.from); n >= 1<<20 {
			wantCarried(t, rng, got, n)
		}
	}
	fetches := of(h.events(), events.Fetch)
	if len(fetches) != 5 || fetches[0].Bytes != int64(size) {
		t.Errorf("fetch events %+v, want 5, the first of %d bytes", fetches, size)
	}
}

// TestKernelCopySplicesByteExact: the serving host fails deep in a body the
// kernel carries, in each way a host can fail; the relay continues it from
// the next host byte for byte, in the same response, and says how.
func TestKernelCopySplicesByteExact(t *testing.T) {
	const size, cut = 24 << 20, 9<<20 + 12345
	big := loopback.Patterned(size)
	files := map[string][]byte{"v/big.bin": big}
	tests := []struct {
		name  string
		fault func() (*loopback.Host, error)
		class events.Class
	}{
		{"reset", func() (*loopback.Host, error) { return loopback.CutAfter(files, cut) }, events.ClassReset},
		{"early EOF", func() (*loopback.Host, error) { return loopback.EarlyEOF(files, cut) }, events.ClassEarlyEOF},
		{"silent", func() (*loopback.Host, error) { return loopback.SilentAfter(files, cut) }, events.ClassTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := hosttest.Keep(t)(tt.fault())
			good := hosttest.Keep(t)(loopback.Good(files))
			for _, from := range []int{0, 3<<20 + 1} {
				h := startRelay(t, "", bad.URL+"/v", good.URL+"/v") // no memory of the last run's failure
				rng := ""
				if from > 0 {
					rng = "bytes=" + strconv.Itoa(from) + "-"
				}
				got := carried(func() { sameBody(t, h.relay.URL("big.bin"), rng, big[from:]) })
				wantCarried(t, "range "+rng, got, int64(size-from))
				var seamless []events.Event
				for _, e := range of(h.events(), events.Failover) {
					if e.Seamless {
						seamless = append(seamless, e)
					}
				}
				if len(seamless) != 1 || seamless[0].Class != tt.class || seamless[0].Offset != int64(from+cut) || seamless[0].ToHost != good.URL+"/v" {
					t.Errorf("range %q: seamless failovers %+v, want one, class %s at offset %d", rng, seamless, tt.class, from+cut)
				}
			}
		})
	}
}

// TestKernelCopyPlayerGoesAway: a player that hangs up mid-body frees the
// relay's response, and the next request is served whole.
func TestKernelCopyPlayerGoesAway(t *testing.T) {
	big := loopback.Patterned(16 << 20)
	host := hosttest.Keep(t)(loopback.Good(map[string][]byte{"v/big.bin": big}))
	h := startRelay(t, "", host.URL+"/v")
	resp, err := http.Get(h.relay.URL("big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(io.Discard, resp.Body, 3<<20); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sameBody(t, h.relay.URL("big.bin"), "", big)
}
