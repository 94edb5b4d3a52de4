package relay

import (
	"bytes"
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// linkedHost is a loopback host of files on a link of bytesPerSec, which
// all its responses share.
func linkedHost(t *testing.T, bytesPerSec int64) *loopback.Host {
	t.Helper()
	link, err := loopback.NewLink(bytesPerSec)
	if err != nil {
		t.Fatal(err)
	}
	return hosttest.Keep(t)(loopback.Linked(files, link))
}

// getTogether asks for the ranges of clip.mp4 at once, as a player that
// opens the next segment while it reads the current one.
func getTogether(t *testing.T, h *harness, ranges ...[2]int) {
	t.Helper()
	var wg sync.WaitGroup
	for _, rg := range ranges {
		wg.Go(func() {
			resp, body, err := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": fmt.Sprintf("bytes=%d-%d", rg[0], rg[1])})
			if err != nil || resp.StatusCode != 206 || !bytes.Equal(body, payload[rg[0]:rg[1]+1]) {
				t.Errorf("range %v: %v %d, %d bytes", rg, err, resp.StatusCode, len(body))
			}
		})
	}
	wg.Wait()
}

// TestRelayMeasuresAHostAsOneLink: two responses at once from a host share
// its link. Each one's own rate (the fetch events) is about half the
// link; the relay's measurement of the host, what the slow-host rule and
// the choice of a variant read, is the whole link.
func TestRelayMeasuresAHostAsOneLink(t *testing.T) {
	const rate = 512 << 10
	host := linkedHost(t, rate)
	h := startRelay(t, "", host.URL+"/v")
	getTogether(t, h, [2]int{0, 384<<10 - 1}, [2]int{384 << 10, 768<<10 - 1})
	got, ok := h.relay.Throughput(h.relay.opts.Engine.Hosts()[0])
	if want := float64(rate * 8); !ok || math.Abs(got-want) > 0.25*want {
		t.Errorf("Throughput = %.0f bit/s %v, want about %.0f: the host's link, not one response's share", got, ok, want)
	}
	for _, f := range of(h.events(), events.Fetch) {
		if f.Throughput > 0.75*rate {
			t.Errorf("a response alone measured %.0f B/s of a %d B/s link shared by two: the test does not overlap them", f.Throughput, rate)
		}
	}
}

// TestRelaySlowMoveReadsTheWholeLink: host 0 served two responses at once
// over a 1 MiB/s link, host 1 serves alone at 640 KiB/s and starves the
// player. Host 0 is the faster host and the move for slowness goes
// there. Judged by each response's own rate (512 KiB/s each), host 0
// would be the slower and the relay would not move at all.
func TestRelaySlowMoveReadsTheWholeLink(t *testing.T) {
	shared := linkedHost(t, 1<<20)
	alone := hosttest.Keep(t)(loopback.Throttled(files, 640<<10))
	h := startRelayOpts(t, func(o *Options) { o.SlowTimeout = 400 * time.Millisecond }, shared.URL+"/v", alone.URL+"/v")
	hosts := h.relay.opts.Engine.Hosts()
	h.relay.SetCurrent(hosts[0])
	getTogether(t, h, [2]int{0, 512<<10 - 1}, [2]int{512 << 10, 1<<20 - 1})

	h.relay.SetCurrent(hosts[1])
	h.relay.SetStarved(true)
	resp, body, err := get(t, h.relay.URL("clip.mp4"), nil)
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(body, payload) {
		t.Fatalf("%v %d, %d bytes: not the file", err, resp.StatusCode, len(body))
	}
	var moves []events.Event
	for _, f := range of(h.events(), events.Failover) {
		if f.Class == events.ClassSlow {
			moves = append(moves, f)
		}
	}
	if len(moves) != 1 || moves[0].ToHost != shared.URL+"/v" {
		t.Errorf("moves for slowness %+v, want one, to the host on the shared link", moves)
	}
}

// TestRelayMetersTheKernelPath: a body the kernel carries from the host's
// socket to the player's (zerocopy.go) is counted as a copied one is, so
// the host's measurement does not fall to nothing when the relay stops
// reading the bytes itself.
func TestRelayMetersTheKernelPath(t *testing.T) {
	const rate = 512 << 10
	host := linkedHost(t, rate)
	h := startRelay(t, "", host.URL+"/v")
	carried := kernelCarried.Load()
	getTogether(t, h, [2]int{0, 1<<20 - 1})
	if runtime.GOOS == "linux" && kernelCarried.Load() == carried {
		t.Fatal("the kernel carried nothing: the test does not reach the fast path")
	}
	got, ok := h.relay.Throughput(h.relay.opts.Engine.Hosts()[0])
	if want := float64(rate * 8); !ok || math.Abs(got-want) > 0.25*want {
		t.Errorf("Throughput = %.0f bit/s %v, want about %.0f", got, ok, want)
	}
}
