package cluster

import (
	"context"
	"errors"
	"slices"
	"time"

	"clusterplay/clock"
	"clusterplay/events"
	"clusterplay/faults"
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
	p := &racer{e: e, ctx: ctx, passCtx: passCtx, cancel: cancel, rs: rs, pass: pass, order: order, tryAll: tryAll,
		targets: targets, done: make(chan outcome), cancels: map[*Host]context.CancelFunc{}, skipped: map[*Host]bool{},
		limit: e.opts.MaxInflight, localTries: map[*Host]int{}, race: e.opts.RaceDelay > 0, timer: e.clock.NewTimer(time.Hour)}
	p.timer.Stop()
	defer p.timer.Stop()

	p.launch()
	for p.inflight > 0 {
		select {
		case o := <-p.done:
			if res, over, err := p.settle(o); over {
				return res, err
			}
		case <-p.timer.C():
			if p.inflight < p.limit {
				p.launch()
			}
		case <-rs.next:
			p.moveOn()
		case <-ctx.Done():
			p.waitAll(false)
			return nil, ctx.Err()
		}
	}
	return nil, nil
}

// outcome is how one attempt of a pass ended.
type outcome struct {
	host    *Host
	probed  *Attempt // what the prober learnt: the final URL, RTMP play parameters
	err     error
	elapsed time.Duration
}

// racer is one pass in progress: the attempts in flight and what is left
// to start. Only runPass's goroutine touches it; the attempts report on
// done.
type racer struct {
	e       *Engine
	ctx     context.Context // the caller's: when it ends, the pass does
	passCtx context.Context // the attempts' parent, cancelled by cancel
	cancel  context.CancelFunc
	rs      *resolveState
	pass    int
	order   []*Host
	tryAll  bool
	targets map[*Host]string

	done           chan outcome
	inflight, next int
	// Each attempt can be cancelled alone: the user's "next host" (n)
	// abandons those in flight, which are then skipped, not failed.
	cancels map[*Host]context.CancelFunc
	skipped map[*Host]bool
	// limit is MaxInflight until the machine runs out of something (file
	// descriptors, ports, buffers): then it is what the machine gave.
	limit      int
	localTries map[*Host]int
	race       bool
	timer      clock.Timer
}

// launch starts the next host that is not skipped; false when none is left.
func (p *racer) launch() bool {
	e := p.e
	for p.next < len(p.order) {
		h := p.order[p.next]
		p.next++
		if left := e.skipFor(h, p.tryAll); left > 0 {
			e.logSkip(h, left)
			e.emit(events.Event{Kind: events.Skip, Host: h.URL, Index: h.Index, URL: p.targets[h], ExpiryLeft: left,
				ExpiresAt: e.now().Add(left), Pass: p.pass})
			continue
		}
		e.emit(events.Event{Kind: events.Connect, Host: h.URL, Index: h.Index, URL: p.targets[h], Pass: p.pass})
		p.inflight++
		actx, acancel := context.WithCancel(p.passCtx)
		p.cancels[h] = acancel
		go func() {
			began := e.now()
			probed, err := e.attempt(actx, h, p.targets[h], p.pass)
			p.done <- outcome{host: h, probed: probed, err: err, elapsed: e.clock.Since(began)}
		}()
		if p.race {
			p.timer.Reset(e.headStart(h))
		}
		return true
	}
	return false
}

// waitAll collects the attempts still running after a win or a cancel;
// they end promptly because passCtx is cancelled.
func (p *racer) waitAll(report bool) {
	e := p.e
	p.cancel()
	for ; p.inflight > 0; p.inflight-- {
		o := <-p.done
		logOutcome(e.attemptLog(o.host, p.pass), p.targets[o.host], events.ClassCancelled, nil, o.elapsed, o.probed.Phases)
		if report && o.elapsed >= e.opts.RaceDelay {
			e.recordSlow(o.host, e.now(), o.elapsed)
		}
		if report {
			why := "another host answered first"
			if p.skipped[o.host] {
				// The user left it before the winner answered: the
				// winner's answer may still come in first.
				why = "left for the next host by the user"
			}
			e.emit(events.Event{Kind: events.ConnectCancelled, Host: o.host.URL, Index: o.host.Index, URL: p.targets[o.host],
				Class: events.ClassCancelled, Err: why, Elapsed: o.elapsed, Pass: p.pass, Phases: o.probed.Phases})
		}
	}
}

// settle takes an attempt that ended. over says the pass is over, with
// the winner or the caller's error; else the next host starts as the
// limit allows.
func (p *racer) settle(o outcome) (res *Result, over bool, err error) {
	e := p.e
	p.inflight--
	if cancel, ok := p.cancels[o.host]; ok {
		cancel()
		delete(p.cancels, o.host)
	}
	if p.skipped[o.host] && o.err != nil && p.ctx.Err() == nil {
		delete(p.skipped, o.host)
		e.attemptLog(o.host, p.pass).Debug("attempt ended: left for the next host by the user", "url", p.targets[o.host],
			"elapsed_ms", logging.MS(o.elapsed))
		e.emit(events.Event{Kind: events.ConnectCancelled, Host: o.host.URL, Index: o.host.Index, URL: p.targets[o.host],
			Class: events.ClassCancelled, Err: "left for the next host by the user", Elapsed: o.elapsed, Pass: p.pass,
			Phases: o.probed.Phases})
		return nil, false, nil
	}
	delete(p.skipped, o.host)
	class := Classify(o.err)
	if o.err != nil && p.ctx.Err() != nil {
		class = events.ClassCancelled // the caller gave up: not the host's doing
	}
	logOutcome(e.attemptLog(o.host, p.pass), p.targets[o.host], class, o.err, o.elapsed, o.probed.Phases)
	switch {
	case o.err == nil:
		return p.won(o), true, nil
	case p.ctx.Err() != nil:
		p.waitAll(false)
		return nil, true, p.ctx.Err()
	case class == events.ClassLocal:
		p.localFailure(o, class)
	case faults.IsInjected(o.err):
		// A fault plan failed this attempt: said, and not remembered
		// against the host.
		p.rs.failedWith(o.host, o.err)
		e.emit(events.Event{Kind: events.ConnectFailed, Host: o.host.URL, Index: o.host.Index, URL: p.targets[o.host],
			Class: class, Err: describe(o.err), Elapsed: o.elapsed, Pass: p.pass, Phases: o.probed.Phases})
	default:
		failedAt := e.now()
		p.rs.failedWith(o.host, o.err)
		var expires time.Time
		if !p.rs.keepNotFound || !isNotFound(o.err) {
			e.recordFailed(o.host, failedAt, string(class))
			expires = e.expiresAt(failedAt)
		}
		e.emit(events.Event{Kind: events.ConnectFailed, Host: o.host.URL, Index: o.host.Index, URL: p.targets[o.host],
			Class: class, Err: describe(o.err), Elapsed: o.elapsed, ExpiresAt: expires, Pass: p.pass,
			Phases: o.probed.Phases})
	}
	// A failure frees a slot and hands its turn to the next host at once,
	// whether it came fast or at the timeout.
	if p.inflight < p.limit {
		p.launch()
	}
	return nil, false, nil
}

// won ends the pass with o's host: the others are cancelled, and the
// result says where the clip is.
func (p *racer) won(o outcome) *Result {
	e := p.e
	at := e.now()
	e.recordSuccess(o.host, o.elapsed)
	p.waitAll(true)
	res := &Result{Host: o.host, URL: p.targets[o.host], Elapsed: at.Sub(p.rs.start), RTMP: o.probed.RTMP}
	if o.probed.FinalURL != "" {
		res.URL = o.probed.FinalURL
	}
	ev := events.Event{Kind: events.Resolved, Host: o.host.URL, Index: o.host.Index, URL: res.URL, Elapsed: res.Elapsed, Took: o.elapsed, Pass: p.pass,
		Phases: o.probed.Phases}
	if res.RTMP != nil {
		// How to ask another player for the very stream.
		ev.App, ev.PlayPath, ev.TCURL = res.RTMP.App, res.RTMP.PlayPath, res.RTMP.TCURL
	}
	e.emit(ev)
	return res
}

// localFailure takes an attempt this machine failed (file descriptors,
// ports, buffers ran short). Not the host's fault: not remembered. Fewer
// attempts at once from now on, and the host tried again later in the
// pass (a few times at most, should the machine stay short even with
// nothing else in flight).
func (p *racer) localFailure(o outcome, class events.Class) {
	e := p.e
	e.reportLocal(p.rs, o.err)
	p.limit = max(1, p.inflight)
	p.localTries[o.host]++
	if p.localTries[o.host] < maxLocalTries {
		p.order = slices.Insert(p.order, p.next, o.host)
		e.emit(events.Event{Kind: events.ConnectCancelled, Host: o.host.URL, Index: o.host.Index, URL: p.targets[o.host],
			Class: class, Err: describe(o.err) + ": tried again", Elapsed: o.elapsed, Pass: p.pass, Phases: o.probed.Phases})
		return
	}
	e.emit(events.Event{Kind: events.ConnectFailed, Host: o.host.URL, Index: o.host.Index, URL: p.targets[o.host],
		Class: class, Err: describe(o.err), Elapsed: o.elapsed, Pass: p.pass, Phases: o.probed.Phases})
}

// moveOn is the user's "next host": what is in flight is left, and the
// next host starts now, whatever the limit, as the attempts left end at
// once.
func (p *racer) moveOn() {
	for h, cancel := range p.cancels {
		if !p.skipped[h] {
			p.skipped[h] = true
			p.e.attemptLog(h, p.pass).Debug("the user moves on: cancelling the attempt")
			cancel()
		}
	}
	p.launch()
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
	if err := e.probeFault(actx, h, target, pass); err != nil {
		return a, err
	}
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
