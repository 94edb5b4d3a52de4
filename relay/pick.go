package relay

import (
	"context"
	"slices"

	"clusterplay/cluster"
	"clusterplay/events"
)

// pick is the host to ask for clip: the one that served last while it
// works, else the engine's choice (its policies, racing, failure memory
// and events) among the hosts not in avoid. A ranged request past the
// start prefers hosts that honour Range.
func (r *Relay) pick(ctx context.Context, clip string, want byteRange, avoid []*cluster.Host) (*cluster.Host, error) {
	r.mu.Lock()
	cur := r.current
	noRange := r.noRangeHosts()
	r.mu.Unlock()
	usable := func(h *cluster.Host) bool {
		return h != nil && h.IsHTTP() && !slices.Contains(avoid, h) && !r.opts.Engine.Remembered(h) &&
			!(want.start > 0 && slices.Contains(noRange, h))
	}
	if usable(cur) {
		return cur, nil
	}
	skip := append(append([]*cluster.Host(nil), avoid...), r.rtmpHosts()...)
	if want.start > 0 {
		if res, err := r.opts.Engine.ResolveExcept(ctx, clip, append(skip, noRange...)...); err == nil {
			return r.switchTo(cur, res.Host), nil
		} else if ctx.Err() != nil {
			return nil, err
		}
	}
	res, err := r.opts.Engine.ResolveExcept(ctx, clip, skip...)
	if err != nil {
		return nil, err
	}
	return r.switchTo(cur, res.Host), nil
}

// switchTo makes h the current host. Leaving a host that is remembered as
// failed is a failover the player never sees: it is said as one.
func (r *Relay) switchTo(from, to *cluster.Host) *cluster.Host {
	r.mu.Lock()
	r.current = to
	r.mu.Unlock()
	if from != nil && from != to && r.opts.Engine.Remembered(from) {
		r.publish(events.Event{Kind: events.Failover, Host: from.URL, Index: from.Index, ToHost: to.URL, ToIndex: to.Index,
			Seamless: true, Class: events.ClassPlayback, Err: "the host that served last is remembered as failed"})
	}
	return to
}

func (r *Relay) noRangeHosts() []*cluster.Host {
	var out []*cluster.Host
	for h, no := range r.noRange {
		if no {
			out = append(out, h)
		}
	}
	return out
}

func (r *Relay) rtmpHosts() []*cluster.Host {
	var out []*cluster.Host
	for _, h := range r.opts.Engine.Hosts() {
		if !h.IsHTTP() {
			out = append(out, h)
		}
	}
	return out
}

// failHost records h as failed for a relayed request, as a failed attempt
// would be, and says so.
func (r *Relay) failHost(h *cluster.Host, clip string, err error) {
	expires := r.opts.Engine.MarkFailed(h)
	target, _ := h.ClipURL(clip)
	r.publish(events.Event{Kind: events.ConnectFailed, Host: h.URL, Index: h.Index, URL: target,
		Class: cluster.Classify(err), Err: err.Error(), ExpiresAt: expires})
}

func (r *Relay) publish(ev events.Event) { r.opts.Bus.Publish(ev) }
