package cluster

import "time"

// What hedging asks of the engine: which host the policy would offer after
// the one already asked, and what the failure memory measured of a host's
// latency before the relay asked it anything.

// NextOffered is the first host of the policy's order that is not in
// except, is an HTTP(S) host and is not remembered as failed; nil when
// there is none. It starts no attempt and publishes nothing.
func (e *Engine) NextOffered(except ...*Host) *Host {
	order, _ := e.passOrder(except)
	for _, h := range order {
		if h.IsHTTP() && !e.Remembered(h) {
			return h
		}
	}
	return nil
}

// Latency is the smoothed latency the failure memory holds of h (its
// attempts' time to answer), and whether it holds one.
func (e *Engine) Latency(h *Host) (time.Duration, bool) {
	return e.mem.Latency(h.Key())
}
