package cluster

import (
	"errors"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// rtmpMemoryBound is what one RTMP attempt may hold at most, whatever the
// server sends: a small multiple of the read budget.
const rtmpMemoryBound = 8 << 20

// heapPeak runs f and returns the peak growth of the heap in use while it
// ran, sampled every half millisecond, and what f allocated in all. The
// collector runs at GOGC=10 meanwhile, so the peak is what f holds, not
// garbage the default pacing would let pile up in proportion to whatever
// earlier tests left live.
func heapPeak(f func()) (peak, total uint64) {
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var (
		mu   sync.Mutex
		top  uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		mu.Lock()
		if m.HeapInuse > top {
			top = m.HeapInuse
		}
		mu.Unlock()
	}
	wg.Go(func() {
		tick := time.NewTicker(500 * time.Microsecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				sample()
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	sample()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if top > before.HeapInuse {
		peak = top - before.HeapInuse
	}
	return peak, after.TotalAlloc - before.TotalAlloc
}

// TestRTMPTinyChunks: a server that sets chunk size 1 and sends messages
// one byte per chunk gets the attempt refused within the timeout, and the
// attempt's heap stays within a small multiple of the read budget. The
// first host announces a message too long to be a reply; the second sends
// commands of a legal size until the read budget runs out.
func TestRTMPTinyChunks(t *testing.T) {
	// Reading 2 MiB in one-byte chunks and decoding 130 commands takes a
	// third of a second, several under the race detector.
	const timeout = 10 * time.Second
	tests := []struct {
		name   string
		size   int           // announced per message
		want   string        // in the error
		within time.Duration // the attempt must fail by then
	}{
		{"10 MiB message", 10 << 20, "server announced a 10485760 byte command message", time.Second},
		{"16000 byte messages", 16000, "server sent more than 2 MiB", timeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := hosttest.Keep(t)(loopback.TinyChunkRTMP(tt.size))
			var (
				err error
				evs []events.Event
			)
			peak, total := heapPeak(func() {
				_, err, evs = resolveHosts(t, rtmpOpts(timeout), assets.ClipName, h.URL)
			})
			if !errors.Is(err, ErrAllFailed) {
				t.Fatalf("Resolve = %v, want ErrAllFailed", err)
			}
			failed := ofKind(evs, events.ConnectFailed)
			if len(failed) != 1 {
				t.Fatalf("want one failure:%s", rtmpDump(evs))
			}
			f := failed[0]
			t.Logf("%s after %v, peak heap +%.1f MiB, %.1f MiB allocated: %s",
				f.Class, f.Elapsed.Round(time.Millisecond), float64(peak)/(1<<20), float64(total)/(1<<20), f.Err)
			if f.Class != events.ClassProtocol || f.Elapsed > tt.within || !strings.Contains(f.Err, tt.want) {
				t.Errorf("failed with %q (%s) after %v, want %q (%s) within %v", f.Class, f.Err, f.Elapsed, events.ClassProtocol, tt.want, tt.within)
			}
			if peak > rtmpMemoryBound {
				t.Errorf("peak heap grew by %.1f MiB, want at most %d MiB", float64(peak)/(1<<20), rtmpMemoryBound>>20)
			}
		})
	}
}
