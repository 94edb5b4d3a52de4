package cluster

import (
	"context"
	"errors"
	"slices"
	"time"

	"clusterplay/events"
	"clusterplay/logging"
)

// runPass makes one pass over the hosts, racing them as Happy Eyeballs does
// (RFC 8305, section 5): the first host starts, and each further host starts
// when the previous one has had RaceDelay to answer, or at once when an
// attempt fails, with at most MaxInflight attempts at a time. The first
// success wins and the others are cancelled. With RaceDelay <= 0 the hosts
// are tried one at a time, as the original plugin did.
//
// It returns the winner, nil when every attempt of the pass failed, or the
// context's error when the caller gave up.
func (e *Engine) runPass(ctx context.Context, rs *resolveState, pass int, order []*Host, tryAll bool, targets map[*Host]string) (*Result, error) {
	passCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	type outcome struct {
		host    *Host
		probed  *Attempt // what the prober learnt: the final URL, RTMP play parameters
		err     error
		elapsed time.Duration
	}
	done := make(chan outcome)
	inflight, next := 0, 0
	// Each attempt can be cancelled alone: the user's "next host" (n)
	// abandons those in flight, which are then skipped, not failed.
	cancels := map[*Host]context.CancelFunc{}
	skipped := map[*Host]bool{}
	// limit is MaxInflight until the machine runs out of something (file
	// descriptors, ports, buffers): then it is what the machine gave.
	limit := e.opts.MaxInflight
	localTries := map[*Host]int{}

	race := e.opts.RaceDelay > 0
	timer := e.clock.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()

	// launch starts the next host that is not skipped; false when none is left.
	launch := func() bool {
		for next < len(order) {
			h := order[next]
			next++
			if left := e.skipFor(h, tryAll); left > 0 {
				e.logSkip(h, left)
				e.emit(events.Event{Kind: events.Skip, Host: h.URL, Index: h.Index, URL: targets[h], ExpiryLeft: left,
					ExpiresAt: e.now().Add(left), Pass: pass})
				continue
			}
			e.emit(events.Event{Kind: events.Connect, Host: h.URL, Index: h.Index, URL: targets[h], Pass: pass})
			inflight++
			actx, acancel := context.WithCancel(passCtx)
			cancels[h] = acancel
			go func() {
				began := e.now()
				probed, err := e.attempt(actx, h, targets[h], pass)
				done <- outcome{host: h, probed: probed, err: err, elapsed: e.clock.Since(began)}
			}()
			if race {
				timer.Reset(e.headStart(h))
			}
			return true
		}
		return false
	}
	// waitAll collects the attempts still running after a win or a cancel;
	// they end promptly because passCtx is cancelled.
	waitAll := func(report bool) {
		cancel()
		for ; inflight > 0; inflight-- {
			o := <-done
			logOutcome(e.attemptLog(o.host, pass), targets[o.host], events.ClassCancelled, nil, o.elapsed, o.probed.Phases)
			if report && o.elapsed >= e.opts.RaceDelay {
				e.recordSlow(o.host, e.now(), o.elapsed)
			}
			if report {
				e.emit(events.Event{Kind: events.ConnectCancelled, Host: o.host.URL, Index: o.host.Index, URL: targets[o.host],
					Class: events.ClassCancelled, Err: "another host answered first", Elapsed: o.elapsed, Pass: pass, Phases: o.probed.Phases})
			}
		}
	}

	launch()
	for inflight > 0 {
		select {
		case o := <-done:
			inflight--
			if cancel, ok := cancels[o.host]; ok {
				cancel()
				delete(cancels, o.host)
			}
			if skipped[o.host] && o.err != nil && ctx.Err() == nil {
				delete(skipped, o.host)
				e.attemptLog(o.host, pass).Debug("attempt ended: left for the next host by the user", "url", targets[o.host],
					"elapsed_ms", logging.MS(o.elapsed))
				e.emit(events.Event{Kind: events.ConnectCancelled, Host: o.host.URL, Index: o.host.Index, URL: targets[o.host],
					Class: events.ClassCancelled, Err: "left for the next host by the user", Elapsed: o.elapsed, Pass: pass,
					Phases: o.probed.Phases})
				continue
			}
			delete(skipped, o.host)
			class := Classify(o.err)
			if o.err != nil && ctx.Err() != nil {
				class = events.ClassCancelled // the caller gave up: not the host's doing
			}
			logOutcome(e.attemptLog(o.host, pass), targets[o.host], class, o.err, o.elapsed, o.probed.Phases)
			if o.err == nil {
				won := e.now()
				e.recordSuccess(o.host, o.elapsed)
				waitAll(true)
				res := &Result{Host: o.host, URL: targets[o.host], Elapsed: won.Sub(rs.start), RTMP: o.probed.RTMP}
				if o.probed.FinalURL != "" {
					res.URL = o.probed.FinalURL
				}
				ev := events.Event{Kind: events.Resolved, Host: o.host.URL, Index: o.host.Index, URL: res.URL, Elapsed: res.Elapsed, Took: o.elapsed, Pass: pass,
					Phases: o.probed.Phases}
				if res.RTMP != nil {
					// How to ask another player for the very stream.
					ev.App, ev.PlayPath, ev.TCURL = res.RTMP.App, res.RTMP.PlayPath, res.RTMP.TCURL
				}
				e.emit(ev)
				return res, nil
			}
			if ctx.Err() != nil {
				waitAll(false)
				return nil, ctx.Err()
			}
			if class == events.ClassLocal {
				// Not the host's fault: not remembered. Fewer attempts at
				// once from now on, and the host tried again later in
				// the pass (a few times at most, should the machine stay
				// short even with nothing else in flight).
				e.reportLocal(rs, o.err)
				limit = max(1, inflight)
				localTries[o.host]++
				if localTries[o.host] < maxLocalTries {
					order = slices.Insert(order, next, o.host)
					e.emit(events.Event{Kind: events.ConnectCancelled, Host: o.host.URL, Index: o.host.Index, URL: targets[o.host],
						Class: class, Err: describe(o.err) + ": tried again", Elapsed: o.elapsed, Pass: pass, Phases: o.probed.Phases})
				} else {
					e.emit(events.Event{Kind: events.ConnectFailed, Host: o.host.URL, Index: o.host.Index, URL: targets[o.host],
						Class: class, Err: describe(o.err), Elapsed: o.elapsed, Pass: pass, Phases: o.probed.Phases})
				}
				if inflight < limit {
					launch()
				}
				continue
			}
			failedAt := e.now()
			rs.failedWith(o.host, o.err)
			e.recordFailed(o.host, failedAt, string(class))
			e.emit(events.Event{Kind: events.ConnectFailed, Host: o.host.URL, Index: o.host.Index, URL: targets[o.host],
				Class: class, Err: describe(o.err), Elapsed: o.elapsed, ExpiresAt: e.expiresAt(failedAt), Pass: pass,
				Phases: o.probed.Phases})
			// A failure frees a slot and hands its turn to the next host at
			// once, whether it came fast or at the timeout.
			if inflight < limit {
				launch()
			}
		case <-timer.C():
			if inflight < limit {
				launch()
			}
		case <-rs.next:
			// The user moves on: what is in flight is left, and the
			// next host starts now, whatever the limit, as the attempts
			// left end at once.
			for h, cancel := range cancels {
				if !skipped[h] {
					skipped[h] = true
					e.attemptLog(h, pass).Debug("the user moves on: cancelling the attempt")
					cancel()
				}
			}
			launch()
		case <-ctx.Done():
			waitAll(false)
			return nil, ctx.Err()
		}
	}
	return nil, nil
}

// maxLocalTries bounds how often one host is tried in a pass when the
// machine, not the host, fails the attempt.
const maxLocalTries = 3

// reportLocal says once per resolution that the machine ran short of
// something: the attempts that ran into it are not the hosts' failures.
func (e *Engine) reportLocal(rs *resolveState, err error) {
	if rs.localReported {
		return
	}
	rs.localReported = true
	e.emit(events.Event{Kind: events.LocalError, Index: -1, Class: events.ClassLocal,
		Err: describe(err) + ": not the hosts' fault; fewer attempts at once (lower --max-inflight, or raise the open files limit)"})
}

// headStart is how long host gets before the next host starts beside it:
// the race delay, or nothing for a host that recently let its head start
// pass unanswered. Happy Eyeballs (RFC 8305, section 4) likewise uses what
// it learnt of earlier connections; the host is still tried, in its place,
// and still wins if it answers first.
func (e *Engine) headStart(h *Host) time.Duration {
	if e.mem.SlowWithin(h.Key(), max(e.opts.FailureExpiry, e.opts.ConnectTimeout), e.now()) {
		return 0
	}
	return e.opts.RaceDelay
}

// attempt runs one probe under the connect timeout. It returns the attempt
// with what the prober learnt about how to play the clip.
func (e *Engine) attempt(ctx context.Context, h *Host, target string, pass int) (*Attempt, error) {
	a := &Attempt{Host: h, URL: target, Log: e.attemptLog(h, pass)}
	a.Log.Debug("attempt", "url", target, "timeout", e.opts.ConnectTimeout)
	prober := e.probers[h.Scheme()]
	switch e.opts.Probe {
	case ProbeNone:
		return a, unprobed(a)
	case ProbeConnect:
		prober = connectProber{insecure: e.opts.Insecure}
		if err := unprobed(a); err != nil {
			return a, err
		}
	}
	if prober == nil {
		return a, &ProbeError{Class: events.ClassProtocol, Err: errors.New("no prober for scheme " + h.Scheme())}
	}
	actx, cancel := e.clock.WithTimeout(ctx, e.opts.ConnectTimeout)
	defer cancel()
	a.Redirected = func(to string) {
		e.emit(events.Event{Kind: events.Redirect, Host: h.URL, Index: h.Index, URL: to, Pass: pass})
	}
	err := prober.Probe(actx, a)
	var pe *ProbeError
	if err != nil && ctx.Err() == nil && actx.Err() == context.DeadlineExceeded && !(errors.As(err, &pe) && pe.atDeadline) {
		// Whatever the prober said while the deadline struck, the cause is
		// the connect timeout.
		return a, &ProbeError{Class: events.ClassTimeout, Err: context.DeadlineExceeded}
	}
	return a, err
}
