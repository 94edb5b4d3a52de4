// Package abr chooses which variant of an HLS or DASH stream serves the
// next segment, as the web players do, for a player that cannot: a
// Meter measures each host's throughput from the bytes the relay copies,
// and a Rule turns that estimate and the player's buffer into a choice.
// It is pure: no network, no cgo, and time comes from an injected
// clock.Clock, so its tests run on a fake clock.
package abr

import (
	"sync"
	"time"

	"clusterplay/clock"
)

// Half-lives of the Meter's two averages, and the pace of its samples
// (docs/abr.md says why each).
const (
	// FastHalfLife follows a link that changes; SlowHalfLife remembers
	// what it did a while ago. The estimate is the lower of the two, so
	// a fall is believed at once and a rise only once it lasts.
	FastHalfLife = 3 * time.Second
	SlowHalfLife = 9 * time.Second
	// SampleWindow is the busy time one sample covers while fetches stay
	// open: long enough to span several reads of the copy buffer, short
	// enough that a link that stalls shows within a second.
	SampleWindow = 500 * time.Millisecond
	// minSample is the shortest busy time taken as a sample: a tiny fetch
	// (a playlist) that ends sooner leaves its bytes and time to the
	// next sample rather than one made of latency alone.
	minSample = 50 * time.Millisecond
)

// Meter measures the throughput of each host: its bytes over the time at
// least one fetch from it was open. A player opens the next segment while
// it still reads the current one, so two fetches that overlap share one
// link: dividing each response's bytes by its own time would halve the
// rate. A Meter is safe for concurrent use.
type Meter struct {
	clk clock.Clock

	mu    sync.Mutex
	hosts map[string]*hostMeter
}

// hostMeter is one host's busy time, the bytes not yet sampled, and its
// two averages.
type hostMeter struct {
	open       int           // fetches open now
	mark       time.Time     // when the unsampled busy time of open fetches began
	closedBusy time.Duration // unsampled busy time of intervals already closed
	bytes      int64         // bytes not yet sampled
	fast       ewma
	slow       ewma
	latest     float64 // bits per second of the last sample
}

// NewMeter returns a Meter on clock c (nil is the real clock).
func NewMeter(c clock.Clock) *Meter {
	return &Meter{clk: clock.Or(c), hosts: map[string]*hostMeter{}}
}

// Begin notes that a fetch from host opened (its request was sent); the
// returned done notes that it closed. done may be called more than once:
// only the first counts.
func (m *Meter) Begin(host string) (done func()) {
	m.mu.Lock()
	h := m.host(host)
	if h.open == 0 {
		h.mark = m.clk.Now()
	}
	h.open++
	m.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { m.end(host) }) }
}

// end closes one fetch of host; when it was the last open one, the busy
// interval ends and what it carried is sampled.
func (m *Meter) end(host string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.host(host)
	if h.open == 0 {
		return
	}
	now := m.clk.Now()
	h.open--
	if h.open == 0 {
		h.closedBusy += now.Sub(h.mark)
		h.sample(now)
	}
}

// Add notes n bytes received from host.
func (m *Meter) Add(host string, n int) {
	if n <= 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.host(host)
	h.bytes += int64(n)
	if h.open > 0 {
		h.sampleDue(m.clk.Now())
	}
}

// Estimate is host's throughput in bits per second: the lower of the two
// averages. ok is false until some busy time was sampled. While a fetch
// is open and sends nothing, the time passes all the same: a stalled link
// pulls the estimate down without a byte arriving.
func (m *Meter) Estimate(host string) (bps float64, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h, known := m.hosts[host]
	if !known {
		return 0, false
	}
	h.sampleDue(m.clk.Now())
	fast, ok := h.fast.get()
	if !ok {
		return 0, false
	}
	slow, _ := h.slow.get()
	return min(fast, slow), true
}

// Latest is host's throughput over its last sample window (bits per
// second): what the link does now, for judging a fetch under way.
func (m *Meter) Latest(host string) (bps float64, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h, known := m.hosts[host]
	if !known {
		return 0, false
	}
	h.sampleDue(m.clk.Now())
	if h.fast.weight <= 0 {
		return 0, false
	}
	return h.latest, true
}

func (m *Meter) host(name string) *hostMeter {
	h := m.hosts[name]
	if h == nil {
		h = &hostMeter{fast: ewma{halfLife: FastHalfLife.Seconds()}, slow: ewma{halfLife: SlowHalfLife.Seconds()}}
		m.hosts[name] = h
	}
	return h
}

// busy is the unsampled busy time at now.
func (h *hostMeter) busy(now time.Time) time.Duration {
	d := h.closedBusy
	if h.open > 0 {
		d += now.Sub(h.mark)
	}
	return d
}

// sampleDue samples when a window of busy time has gathered.
func (h *hostMeter) sampleDue(now time.Time) {
	if h.busy(now) >= SampleWindow {
		h.sample(now)
	}
}

// sample turns the unsampled bytes and busy time into one sample of both
// averages, unless the time is too short to say anything.
func (h *hostMeter) sample(now time.Time) {
	d := h.busy(now)
	if d < minSample {
		return
	}
	secs := d.Seconds()
	rate := float64(h.bytes) * 8 / secs
	h.fast.add(secs, rate)
	h.slow.add(secs, rate)
	h.latest = rate
	h.bytes, h.closedBusy = 0, 0
	if h.open > 0 {
		h.mark = now
	}
}
