package relay

import (
	"context"
	"errors"
	"slices"
	"time"

	"clusterplay/cluster"
	"clusterplay/events"
)

// pick is the host to ask for clip: the one that served last while it
// works, else the engine's choice (its policies, racing, failure memory
// and events) among the hosts not in avoid. A ranged request past the
// start prefers hosts that honour Range; a host that ignores it still
// serves one when no other is left (the relay drops the bytes before the
// range), without a resolution per request.
func (r *Relay) pick(ctx context.Context, clip string, want byteRange, avoid []*cluster.Host) (*cluster.Host, error) {
	r.mu.Lock()
	cur := r.current
	noRange := cur != nil && r.noRange[cur]
	r.mu.Unlock()
	if cur != nil && cur.IsHTTP() && !slices.Contains(avoid, cur) && !r.opts.Engine.Remembered(cur) &&
		(want.start == 0 || !noRange || !r.rangeHostLeft(avoid)) {
		if to := r.failBackTarget(cur); to != nil && !slices.Contains(avoid, to) {
			// A request boundary: the planned fail-back happens here.
			r.failedBack(cur, to, clip, 0)
			return to, nil
		}
		return cur, nil
	}
	var res cluster.Result
	var err error
	if want.start > 0 {
		res, err = r.resolvePreferringRange(ctx, clip, avoid)
	} else {
		res, err = r.resolveExcept(ctx, clip, append(slices.Clone(avoid), r.rtmpHosts()...))
	}
	if err != nil {
		return nil, err
	}
	return r.switchTo(cur, res.Host), nil
}

// resolvePreferringRange resolves among the HTTP hosts not in avoid,
// those that honour Range first: one that ignores it must send again all
// the bytes before the offset.
func (r *Relay) resolvePreferringRange(ctx context.Context, clip string, avoid []*cluster.Host) (cluster.Result, error) {
	skip := append(slices.Clone(avoid), r.rtmpHosts()...)
	if !r.anyLeft(skip) {
		return cluster.Result{}, errNoHostLeft
	}
	r.mu.Lock()
	noRange := r.noRangeHosts()
	r.mu.Unlock()
	if len(noRange) > 0 && r.anyLeft(append(slices.Clone(skip), noRange...)) {
		res, err := r.resolveExcept(ctx, clip, append(slices.Clone(skip), noRange...))
		if err == nil || ctx.Err() != nil {
			return res, err
		}
	}
	return r.resolveExcept(ctx, clip, skip)
}

// errNoHostLeft: every host is avoided, so none can be asked.
var errNoHostLeft = errors.New("no other host can serve it")

// anyLeft reports whether a host of the cluster is not in except: asking
// the engine to resolve among none would say "all hosts failed" aloud.
func (r *Relay) anyLeft(except []*cluster.Host) bool {
	for _, h := range r.opts.Engine.Hosts() {
		if !slices.Contains(except, h) {
			return true
		}
	}
	return false
}

// rangeHostLeft reports whether an HTTP host not in avoid, not remembered
// as failed and not known to ignore Range might serve a range.
func (r *Relay) rangeHostLeft(avoid []*cluster.Host) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, h := range r.opts.Engine.Hosts() {
		if h.IsHTTP() && !r.noRange[h] && !slices.Contains(avoid, h) && !r.opts.Engine.Remembered(h) {
			return true
		}
	}
	return false
}

// markNoRange remembers that h answered a ranged request with the whole
// file.
func (r *Relay) markNoRange(h *cluster.Host) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.noRange[h] {
		r.log.Info("host ignores Range: it serves whole files, and ranges from it come after dropping the bytes before them", "host", h.URL)
	}
	r.noRange[h] = true
}

// switchTo makes h the current host. Leaving a host that is remembered as
// failed is a failover the player never sees: it is said as one.
func (r *Relay) switchTo(from, to *cluster.Host) *cluster.Host {
	r.mu.Lock()
	if to != r.current {
		r.movedAt, r.failBackTo = r.opts.Clock.Now(), nil
	}
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
// A host that has no such path, or that the machine could not reach for
// want of descriptors, is said and not remembered (blame.go).
func (r *Relay) failHost(h *cluster.Host, clip string, err error) {
	var expires time.Time
	if blames(err) {
		expires = r.opts.Engine.MarkFailed(h)
	}
	target, _ := h.ClipURL(clip)
	r.publish(events.Event{Kind: events.ConnectFailed, Host: h.URL, Index: h.Index, URL: target,
		Class: cluster.Classify(err), Err: err.Error(), ExpiresAt: expires})
}

// sayOnce says, once per host, clip and class, why h cannot serve what
// the player asks: a connect_failed that does not mark the host failed,
// since it serves the file whole.
func (r *Relay) sayOnce(h *cluster.Host, clip string, class events.Class, why string) {
	key := h.URL + "\x00" + clip + "\x00" + string(class)
	r.mu.Lock()
	said := r.said[key]
	r.said[key] = true
	r.mu.Unlock()
	if said {
		return
	}
	target, _ := h.ClipURL(clip)
	r.publish(events.Event{Kind: events.ConnectFailed, Host: h.URL, Index: h.Index, URL: target, Class: class, Err: why})
}

func (r *Relay) publish(ev events.Event) { r.opts.Bus.Publish(ev) }
