package cluster

import (
	"context"
	"fmt"
	"strings"
	"time"

	"clusterplay/events"
	"clusterplay/faults"
)

// probeFault applies a fault plan to an attempt (kind probe) before the
// prober runs: it says the fault (a fault event) first, then fails the
// attempt with a faults.Injected error, or holds it. It returns nil when
// the prober is to run, after any delay.
func (e *Engine) probeFault(ctx context.Context, h *Host, target string, pass int) error {
	hit, ok := e.opts.Faults.Match(faults.Request{Host: h.Index, HostURL: h.URL, URL: target, Kind: faults.Probe,
		Segment: -1, Sequence: -1, Attempt: pass - 1})
	if !ok {
		return nil
	}
	e.emit(events.Event{Kind: events.Fault, Host: h.URL, Index: h.Index, URL: target, Path: clipOf(h, target),
		Rule: hit.Rule, Action: hit.Action.String()})
	injected := func(class events.Class, err error) error {
		return &faults.Injected{Rule: hit.Rule, Err: &ProbeError{Class: class, Err: err, atDeadline: class == events.ClassTimeout}}
	}
	a := hit.Action
	switch a.Verb {
	case faults.Status:
		return injected(events.ClassStatus, fmt.Errorf("HTTP %d for %s", a.Code, target))
	case faults.Reset:
		return injected(events.ClassReset, fmt.Errorf("connection reset"))
	case faults.Hang:
		<-ctx.Done() // the connect timeout, or another host won
		return injected(events.ClassTimeout, faults.ErrHang)
	case faults.Delay, faults.SlowHeaders:
		t := time.NewTimer(a.For)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return injected(events.ClassTimeout, fmt.Errorf("no headers within the connect timeout (%s)", a))
		}
	}
	return nil
}

// clipOf is the clip's path under the host's base URL, as the relay's
// fetch and fault events name it.
func clipOf(h *Host, target string) string {
	return strings.TrimLeft(strings.TrimPrefix(target, strings.TrimSuffix(h.URL, "/")), "/")
}
