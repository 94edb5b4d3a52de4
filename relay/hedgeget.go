package relay

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"clusterplay/cluster"
	"clusterplay/events"
)

// peekSize is how much of a body is read to learn that its first byte came.
const peekSize = 8 << 10

// hedging is the relay's state for hedged requests: the hosts' times to
// first byte and the budget.
type hedging struct {
	ttfb   *ttfbs
	mu     sync.Mutex
	budget hedgeBudget
}

func newHedging(percent float64) *hedging {
	return &hedging{ttfb: newTTFBs(), budget: hedgeBudget{percent: percent}}
}

// firstByte is one host's answer to a request, up to its first body byte
// (or the body's end, or its failure).
type firstByte struct {
	host *cluster.Host
	up   *upstream
	err  error
	took time.Duration // from the request to its first byte
}

// came reports whether the host sent a byte (or a whole empty body).
func (f firstByte) came() bool {
	if f.err != nil || f.up == nil {
		return false
	}
	p := f.up.resp.Body.(*peekedBody)
	return len(p.first) > 0 || (errors.Is(p.err, io.EOF) && !p.timedOut)
}

// getHedged is getWithFaults up to the first byte of the body, hedged:
// when that byte has not come after the hedge delay, the same request
// (path and Range) goes to the next host the policy offers, and the first
// of the two to send a byte serves; the other is cancelled.
func (r *Relay) getHedged(ctx context.Context, h *cluster.Host, clip, rangeHeader string, from http.Header, start int64, attempt int, avoid []*cluster.Host) (*upstream, error) {
	clk := r.opts.Clock
	began := clk.Now()
	r.hedging.mu.Lock()
	r.hedging.budget.request(began)
	r.hedging.mu.Unlock()
	results := make(chan firstByte, 2)
	cancelFirst := r.askFirstByte(ctx, h, clip, rangeHeader, from, start, attempt, results)
	if !r.opts.Hedge {
		return r.served(<-results)
	}
	p95, measured := r.ttfbOf(h)
	buf, bufKnown := r.playerBuffer()
	timer := clk.NewTimer(hedgeDelay(p95, measured, buf, bufKnown, clk.Now()))
	defer timer.Stop()
	select {
	case res := <-results:
		return r.served(res)
	case <-ctx.Done():
		cancelFirst()
		return r.served(<-results)
	case <-timer.C():
	}
	waited := clk.Since(began)
	to := r.hedgeTarget(h, avoid, start, waited)
	if to == nil {
		return r.served(<-results)
	}
	cancelSecond := r.askFirstByte(ctx, to, clip, rangeHeader, from, start, attempt+1, results)
	cancels := map[*cluster.Host]context.CancelFunc{h: cancelFirst, to: cancelSecond}
	ev := events.Event{Kind: events.Hedge, Host: h.URL, Index: h.Index, ToHost: to.URL, ToIndex: to.Index,
		Path: clip, Delay: waited}
	var failed []firstByte
	for range 2 {
		res := <-results
		if !res.came() {
			failed = append(failed, res)
			continue
		}
		other := h
		if res.host == h {
			other = to
		}
		cancels[other]()
		if len(failed) == 0 {
			go func() { discard(<-results) }()
		} else {
			discard(failed[0])
		}
		ev.Winner = res.host.URL
		r.publish(ev)
		if res.host == to {
			r.hedgeWon(h, to)
		}
		return r.served(res)
	}
	// Neither sent a byte: the first host's answer is the request's, as
	// if no hedge had been sent.
	r.publish(ev)
	i := slices.IndexFunc(failed, func(f firstByte) bool { return f.host == h })
	discard(failed[1-i])
	return r.served(failed[i])
}

// hedgeWon makes to, whose answer to a hedge came first, the host that
// serves the next requests, as any host that served last is, when from
// was serving: a host whose tail made one hedge is likely to make more,
// and each would cost the budget an extra request.
func (r *Relay) hedgeWon(from, to *cluster.Host) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.current == from {
		r.current, r.movedAt, r.failBackTo = to, r.opts.Clock.Now(), nil
	}
}

// askFirstByte asks h for the request in the background and sends its
// answer, once its first byte came, on out. The returned function cancels
// the request while it waits; once served, the upstream's close ends it.
func (r *Relay) askFirstByte(ctx context.Context, h *cluster.Host, clip, rangeHeader string, from http.Header, start int64, attempt int, out chan<- firstByte) context.CancelFunc {
	hctx, cancel := context.WithCancel(ctx)
	go func() {
		began := r.opts.Clock.Now()
		up, err := r.getWithFaults(hctx, h, clip, rangeHeader, from, start, attempt)
		if err != nil {
			cancel()
			out <- firstByte{host: h, err: err}
			return
		}
		inner := up.cancel
		up.cancel = func() { inner(); cancel() }
		buf := make([]byte, peekSize)
		n, timedOut, rerr := r.read(up, buf)
		up.resp.Body = &peekedBody{ReadCloser: up.resp.Body, first: buf[:n], err: rerr, timedOut: timedOut}
		out <- firstByte{host: h, up: up, took: r.opts.Clock.Since(began)}
	}()
	return cancel
}

// served is what a request gets from the answer res: its upstream, whose
// time to first byte the host is measured by, or its failure.
func (r *Relay) served(res firstByte) (*upstream, error) {
	if res.err != nil {
		return nil, res.err
	}
	if res.came() {
		r.hedging.ttfb.add(res.host, res.took)
	}
	return res.up, nil
}

// discard closes the upstream of an answer that does not serve.
func discard(res firstByte) {
	if res.up != nil {
		res.up.close()
	}
}

// ttfbOf is h's recent p95 time to first byte through the relay, or,
// before the relay measured any, the latency its attempts measured.
func (r *Relay) ttfbOf(h *cluster.Host) (time.Duration, bool) {
	if d, ok := r.hedging.ttfb.p95(h); ok {
		return d, true
	}
	return r.opts.Engine.Latency(h)
}

// hedgeTarget is the host to send a hedge to after waited, or nil: the
// next host the policy offers (not one the request avoids, nor, past a
// file's start, one that ignores Range), when it is worth it and the
// budget allows one more. The hedge is counted against the budget.
func (r *Relay) hedgeTarget(h *cluster.Host, avoid []*cluster.Host, start int64, waited time.Duration) *cluster.Host {
	except := append(slices.Clone(avoid), h)
	if start > 0 {
		r.mu.Lock()
		except = append(except, r.noRangeHosts()...)
		r.mu.Unlock()
	}
	to := r.opts.Engine.NextOffered(except...)
	if to == nil {
		return nil
	}
	p95, measured := r.ttfbOf(to)
	typical, typicalKnown := r.hedging.ttfb.typical()
	if !typicalKnown {
		// The first request: only the attempts measured the host, their
		// smoothed latency being its typical answer.
		typical, typicalKnown = r.opts.Engine.Latency(h)
	}
	if !worthHedgingTo(p95, measured, typical, typicalKnown, waited) {
		return nil
	}
	now := r.opts.Clock.Now()
	r.hedging.mu.Lock()
	defer r.hedging.mu.Unlock()
	if !r.hedging.budget.allow(now) {
		return nil
	}
	r.hedging.budget.spend(now)
	return to
}

// peekedBody is a body whose first read was made to learn when its first
// byte came: it gives that read's result again, then reads on.
type peekedBody struct {
	io.ReadCloser
	first    []byte
	err      error
	timedOut bool
	replayed bool
}

// replay returns the first read's result once, as Relay.read would have;
// ok is false once it was given.
func (p *peekedBody) replay(buf []byte) (n int, timedOut bool, err error, ok bool) {
	if p.replayed {
		return 0, false, nil, false
	}
	n = copy(buf, p.first)
	p.first = p.first[n:]
	if len(p.first) > 0 {
		return n, false, nil, true
	}
	p.replayed = true
	return n, p.timedOut, p.err, true
}

func (p *peekedBody) Read(buf []byte) (int, error) {
	if n, _, err, ok := p.replay(buf); ok {
		return n, err
	}
	return p.ReadCloser.Read(buf)
}
