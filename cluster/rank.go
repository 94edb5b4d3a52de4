package cluster

import (
	"context"
	"fmt"
	"time"
)

// What fail-back asks of the engine: whether the policy prefers one host
// to another, and what the failure memory holds of a host that failed.

// RanksAbove reports whether the selection policy prefers a to b, in a
// way that holds from one pass to the next: a fail-back to a is worth its
// splice only when every later resolution would put a first again.
//   - ordered: a comes earlier in the host list;
//   - weighted: a has a lower priority value (within a priority group
//     the order is a weighted draw, so neither ranks above the other);
//   - fastest: a's smoothed latency is measured and lower than b's;
//   - random, or load balancing on: no host ranks above another.
func (e *Engine) RanksAbove(a, b *Host) bool {
	if a == nil || b == nil || a == b || e.balance.Load() {
		return false
	}
	switch e.policy.(type) {
	case Ordered:
		return a.Index < b.Index
	case Weighted:
		return a.Priority < b.Priority
	case Fastest:
		la, okA := e.mem.Latency(a.Key())
		lb, okB := e.mem.Latency(b.Key())
		return okA && okB && la < lb
	}
	return false
}

// FailedAt is when the failure memory last saw h fail, zero when its last
// word on h is a success (or it never saw h). A failure that has expired
// keeps its time: the host failed, and no attempt has proved it well since.
func (e *Engine) FailedAt(h *Host) time.Time {
	r, ok := e.mem.Record(h.Key())
	if !ok {
		return time.Time{}
	}
	return r.FailedAt
}

// Recovered forgets h's failure and slowness, keeping its latency: it
// answered well again, to requests that measured no connect time.
func (e *Engine) Recovered(h *Host) {
	e.mem.Forgive(h.Key(), e.now())
	e.logs.memory.Debug("recovered: its failure forgotten", "host", h.URL, "index", h.Index)
}

// ProbeClip asks h for clip as an attempt does (a one-byte Range request
// with the hosts' headers and TLS settings, within the connect timeout),
// but publishes nothing and leaves the failure memory alone: the
// background probe of fail-back when no relay runs.
func (e *Engine) ProbeClip(ctx context.Context, h *Host, clip string) error {
	target, err := clipURLFor(h, clip)
	if err != nil {
		return err
	}
	prober, ok := e.probers[h.Scheme()]
	if !ok {
		return fmt.Errorf("no prober for %s", h.Scheme())
	}
	actx, cancel := e.clock.WithTimeout(ctx, e.opts.ConnectTimeout)
	defer cancel()
	return prober.Probe(actx, &Attempt{Host: h, URL: target, Log: e.logs.http})
}
