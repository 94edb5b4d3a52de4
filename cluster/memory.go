package cluster

import (
	"log/slog"
	"sort"
	"sync"
	"time"

	"clusterplay/clock"
	"clusterplay/logging"
)

// Memory is the failure memory: when each host last failed, and how fast it
// answers. It is keyed by host URL, not by domain, so two applications on
// one server are remembered apart. A Memory may be backed by a Store, which
// it merges with on Flush so that several processes share what they learn.
type Memory struct {
	mu      sync.Mutex
	entries map[string]HostRecord
	dirty   map[string]bool
	store   *Store
	clock   clock.Clock   // the engine's: when a success is dated, how long FlushEvery waits
	changed chan struct{} // capacity 1: "something is dirty", for FlushEvery
	log     *slog.Logger  // the engine's cluster.memory logger; never nil
}

// HostRecord is what is remembered of one host.
type HostRecord struct {
	FailedAt  time.Time `json:"failed_at,omitzero"`  // last failure; zero after a success
	Failures  int       `json:"failures,omitempty"`  // failures in a row
	LatencyMS float64   `json:"latency_ms,omitzero"` // smoothed connect latency (EWMA)
	Samples   int       `json:"samples,omitempty"`   // latency samples seen, capped
	// SlowAt is when an attempt on the host last went unanswered for its
	// whole head start and was cancelled because another host won: not a
	// failure, but a reason not to wait for it next time.
	SlowAt  time.Time `json:"slow_at,omitzero"`
	Updated time.Time `json:"updated"` // last change; the newer record wins a merge
}

// latencyAlpha weighs a new latency sample. 0.3 follows a host that got
// slower within a few attempts without letting one outlier dominate.
const latencyAlpha = 0.3

// NewMemory returns an empty memory that is not persisted.
func NewMemory() *Memory {
	return &Memory{entries: map[string]HostRecord{}, dirty: map[string]bool{}, clock: clock.Real(), changed: make(chan struct{}, 1),
		log: logging.Discard()}
}

// setLog gives the memory the engine's logger, for what it decides on its
// own: merges with what other processes wrote.
func (m *Memory) setLog(l *slog.Logger) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.log = logging.Or(l)
}

// setClock gives the memory the engine's clock.
func (m *Memory) setClock(c clock.Clock) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clock = c
}

// Failed records a failed attempt on host at the given time.
func (m *Memory) Failed(host string, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.entries[host]
	r.FailedAt = at
	r.Failures++
	r.Updated = at
	m.entries[host] = r
	m.markDirty(host)
}

// Succeeded clears the host's failure and feeds its latency to the average.
func (m *Memory) Succeeded(host string, latency time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.entries[host]
	r.FailedAt, r.SlowAt = time.Time{}, time.Time{}
	r.Failures = 0
	ms := float64(latency) / float64(time.Millisecond)
	if r.Samples == 0 {
		r.LatencyMS = ms
	} else {
		r.LatencyMS = latencyAlpha*ms + (1-latencyAlpha)*r.LatencyMS
	}
	if r.Samples < 1000 {
		r.Samples++
	}
	r.Updated = m.clock.Now()
	m.entries[host] = r
	m.markDirty(host)
}

// Slow records that an attempt on host went unanswered through its head
// start and lost the race.
func (m *Memory) Slow(host string, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.entries[host]
	r.SlowAt = at
	r.Updated = at
	m.entries[host] = r
	m.markDirty(host)
}

// SlowWithin reports whether host lost a race unanswered less than window
// before now.
func (m *Memory) SlowWithin(host string, window time.Duration, now time.Time) bool {
	r, ok := m.Record(host)
	return ok && !r.SlowAt.IsZero() && now.Sub(r.SlowAt) < window
}

// Forgive forgets host's failures and slowness, keeping its latency: the
// user asked for a resolution from scratch.
func (m *Memory) Forgive(host string, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.entries[host]
	if !ok {
		return
	}
	r.FailedAt, r.SlowAt, r.Failures, r.Updated = time.Time{}, time.Time{}, 0, at
	m.entries[host] = r
	m.markDirty(host)
}

// Record returns what is remembered of host.
func (m *Memory) Record(host string) (HostRecord, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.entries[host]
	return r, ok
}

// ExpiryLeft returns how long host stays remembered as failed at time now,
// or 0 when it is not remembered.
func (m *Memory) ExpiryLeft(host string, expiry time.Duration, now time.Time) time.Duration {
	r, ok := m.Record(host)
	if !ok || r.FailedAt.IsZero() {
		return 0
	}
	// A failure dated after now (the clock was stepped back) counts as
	// now: it never skips a host for longer than the expiry.
	failedAt := r.FailedAt
	if failedAt.After(now) {
		failedAt = now
	}
	left := failedAt.Add(expiry).Sub(now)
	if left < 0 {
		return 0
	}
	return left
}

// Latency returns the host's smoothed connect latency, if any was measured.
func (m *Memory) Latency(host string) (time.Duration, bool) {
	r, ok := m.Record(host)
	if !ok || r.Samples == 0 {
		return 0, false
	}
	return time.Duration(r.LatencyMS * float64(time.Millisecond)), true
}

// byOldestFailure sorts hosts so that the one whose failure is oldest comes
// first: it is the likeliest to have recovered.
func (m *Memory) byOldestFailure(hosts []*Host) []*Host {
	out := append([]*Host(nil), hosts...)
	m.mu.Lock()
	defer m.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool {
		return m.entries[out[i].Key()].FailedAt.Before(m.entries[out[j].Key()].FailedAt)
	})
	return out
}

// markDirty notes that host's record changed; m.mu is held.
func (m *Memory) markDirty(host string) {
	m.dirty[host] = true
	select {
	case m.changed <- struct{}{}:
	default:
	}
}

// FlushEvery writes the memory to its store soon after it changes, at most
// once per interval, until stop is called, so that a process killed
// without a word (SIGKILL, a power cut) loses at most interval of what it
// learnt. warn hears of a failed write. stop waits for a write under way.
func (m *Memory) FlushEvery(interval time.Duration, warn func(error)) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	m.mu.Lock()
	clk := m.clock
	m.mu.Unlock()
	go func() {
		defer close(done)
		var said string // the same failure is said once, not every interval
		for {
			select {
			case <-quit:
				return
			case <-m.changed:
			}
			if err := m.Flush(); err != nil && warn != nil && err.Error() != said {
				said = err.Error()
				warn(err)
			}
			t := clk.NewTimer(interval)
			select {
			case <-quit:
				t.Stop()
				return
			case <-t.C():
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(quit) })
		<-done
	}
}

// Flush writes what changed since the last flush to the store, merged with
// what other processes wrote meanwhile, and takes their news in. Without a
// store it does nothing.
func (m *Memory) Flush() error {
	m.mu.Lock()
	if m.store == nil || len(m.dirty) == 0 {
		m.mu.Unlock()
		return nil
	}
	changed := make(map[string]HostRecord, len(m.dirty))
	for k := range m.dirty {
		changed[k] = m.entries[k]
	}
	m.dirty = map[string]bool{}
	store := m.store
	m.mu.Unlock()

	merged, err := store.Merge(changed)
	if err != nil {
		return err
	}
	m.absorb(merged, true)
	return nil
}

// absorb takes in records that are newer than ours. merging says they
// come from a merge with the file as other processes left it, and each
// one taken is logged; what the file held at start is not news.
func (m *Memory) absorb(records map[string]HostRecord, merging bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, r := range records {
		mine, ok := m.entries[k]
		if ok && !r.Updated.After(mine.Updated) {
			continue
		}
		m.entries[k] = r
		if merging {
			// Another process learnt of this host after we did: say what
			// its record had that ours lacked.
			m.log.Debug("merge: another process's record is newer", "host", k, "file_updated", r.Updated,
				"our_updated", mine.Updated, "file_failed_at", r.FailedAt, "our_failed_at", mine.FailedAt,
				"file_failures", r.Failures, "our_failures", mine.Failures, "file_slow_at", r.SlowAt)
		}
	}
}
