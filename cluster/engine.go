package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"clusterplay/clock"
	"clusterplay/events"
	"clusterplay/logging"
)

// ErrAllFailed is returned when every pass over the hosts failed.
var ErrAllFailed = errors.New("every host failed")

// ErrNotFound is returned when every host answered that it has no such
// clip (HTTP 404 or 410) in one pass: another pass would hear the same.
// It is an ErrAllFailed.
var ErrNotFound = fmt.Errorf("%w: %s", ErrAllFailed, notFoundMsg)

const notFoundMsg = "not found on any host"

// Engine resolves a clip to the URL of a working host. It is safe for
// concurrent use; each Resolve runs on its own.
type Engine struct {
	hosts   []*Host
	opts    Options
	mem     *Memory
	bus     *events.Bus
	probers map[string]Prober
	policy  Selector // the configured policy when load balancing is off
	balance atomic.Bool
	clock   clock.Clock
	rand    *clock.Rand
	logs    engineLogs
}

// Result is a resolved clip.
type Result struct {
	Host    *Host
	URL     string
	Elapsed time.Duration
	RTMP    *RTMPPlay // for an RTMP host: the application and stream to play
}

// New returns an engine over the given hosts that publishes on bus. mem may
// be nil for a memory that lasts as long as the engine, bus nil for a bus of
// its own (Events).
func New(specs []HostSpec, opts Options, mem *Memory, bus *events.Bus) (*Engine, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	hosts, err := NewHosts(specs)
	if err != nil {
		return nil, err
	}
	name := opts.Select
	if name == "" {
		name = PolicyOrdered
	}
	if name == PolicyRandom {
		// "random" is load balancing; the policy to fall back to when the
		// user turns load balancing off is the list order.
		opts.LoadBalance, name = true, PolicyOrdered
	}
	policy, err := newSelector(name, opts.Rand)
	if err != nil {
		return nil, err
	}
	if mem == nil {
		mem = NewMemory()
	}
	if bus == nil {
		bus = events.NewBus()
	}
	if opts.MaxInflight <= 0 {
		opts.MaxInflight = 1
	}
	httpProber := NewHTTPProber(opts.Insecure, opts.Header)
	httpProber.cmcd = opts.CMCD
	rtmpProber := NewRTMPProber(opts.Insecure)
	e := &Engine{
		hosts:   hosts,
		opts:    opts,
		mem:     mem,
		bus:     bus,
		probers: map[string]Prober{"http": httpProber, "https": httpProber, "rtmp": rtmpProber, "rtmps": rtmpProber},
		policy:  policy,
		clock:   clock.Or(opts.Clock),
		rand:    opts.Rand,
		logs:    newEngineLogs(opts.Log),
	}
	mem.setLog(e.logs.memory)
	mem.setClock(e.clock)
	e.balance.Store(opts.LoadBalance)
	return e, nil
}

// Events is the bus the engine publishes on.
func (e *Engine) Events() *events.Bus { return e.bus }

// emit publishes ev stamped with the engine's clock, so that the times
// on its events agree with its countdowns (expires_at) under any clock.
func (e *Engine) emit(ev events.Event) {
	if ev.Time.IsZero() {
		ev.Time = e.now()
	}
	e.bus.Publish(ev)
}

// Clock is the engine's clock; the session that plays what it resolves
// reads the same.
func (e *Engine) Clock() clock.Clock { return e.clock }

func (e *Engine) now() time.Time { return e.clock.Now() }

// Hosts returns the configured hosts in list order.
func (e *Engine) Hosts() []*Host { return append([]*Host(nil), e.hosts...) }

// setProber replaces the prober for a URL scheme; for tests, before the
// engine is used.
func (e *Engine) setProber(scheme string, p Prober) { e.probers[scheme] = p }

// SetLoadBalancing turns load balancing (a fresh shuffle per pass) on or
// off. It takes effect at the next pass, as the original's setLoadBalancing.
// Readers hear of it as an internal LoadBalancing event.
func (e *Engine) SetLoadBalancing(on bool) {
	e.balance.Store(on)
	e.emit(events.Event{Kind: events.LoadBalancing, Index: -1, On: on})
}

// LoadBalancing reports whether load balancing is on.
func (e *Engine) LoadBalancing() bool { return e.balance.Load() }

// Remembered reports whether the failure memory skips host now.
func (e *Engine) Remembered(h *Host) bool {
	return e.mem.ExpiryLeft(h.Key(), e.opts.FailureExpiry, e.now()) > 0
}

// MarkFailed records host as failed now, as a failed attempt would, and
// returns until when the memory skips it (zero when memory is off).
func (e *Engine) MarkFailed(h *Host) time.Time {
	now := e.now()
	e.recordFailed(h, now, "blamed by the session")
	return e.expiresAt(now)
}

// expiresAt is when a failure recorded at failedAt stops counting.
func (e *Engine) expiresAt(failedAt time.Time) time.Time {
	if e.opts.FailureExpiry <= 0 {
		return time.Time{}
	}
	return failedAt.Add(e.opts.FailureExpiry)
}

// Forget clears what the memory holds against this cluster's hosts, so the
// next resolution starts from scratch; latencies are kept.
func (e *Engine) Forget() {
	now := e.now()
	for _, h := range e.hosts {
		e.mem.Forgive(h.Key(), now)
	}
	e.logs.memory.Debug("the cluster's failures and slowness forgotten: resolving from scratch", "hosts", len(e.hosts))
}

// FlushEvery writes the failure memory as it changes, at most once per
// interval, until the returned stop is called (see Memory.FlushEvery).
func (e *Engine) FlushEvery(interval time.Duration, warn func(error)) (stop func()) {
	return e.mem.FlushEvery(interval, warn)
}

// Flush persists the failure memory, when it has a store.
func (e *Engine) Flush() error { return e.mem.Flush() }

// Resolve finds a host that serves clip: at most ConnectCount passes over
// the hosts, skipping those that failed within FailureExpiry.
func (e *Engine) Resolve(ctx context.Context, clip string) (Result, error) {
	return e.ResolveExcept(ctx, clip)
}

// ResolveExcept resolves as Resolve does among the hosts other than
// except: a manual fail-over to "any other host", which must not land on
// the host just left even though it is not remembered as failed; or the
// relay's splice, which must not land on a host that failed its checks.
func (e *Engine) ResolveExcept(ctx context.Context, clip string, except ...*Host) (Result, error) {
	return e.ResolveWith(ctx, clip, ResolveOptions{Except: except})
}

// ResolveOptions shape one resolution beyond Resolve's.
type ResolveOptions struct {
	// Except are left out of the resolution (see ResolveExcept).
	Except []*Host
	// Avoid is the host a failover has just marked failed. It is left out
	// of every pass while another host has neither failed in this
	// resolution nor is remembered as failed, so that a failover never
	// comes back to it while there is somewhere else to go, even with the
	// failure memory off or its failure expired meanwhile.
	Avoid *Host
	// Next moves the resolution on at once (the n key): each value
	// received abandons the attempts in flight, which are cancelled and
	// not blamed, and starts the next host, or ends the wait between
	// passes.
	Next <-chan struct{}
	// KeepNotFound leaves a host that answers 404 or 410 out of the
	// failure memory: a relay's client chose the path, and a path the
	// cluster lacks says nothing of the hosts (a page's blind GET
	// /nothing must not mark them all failed).
	KeepNotFound bool
}

// ResolveWith resolves as Resolve does, shaped by o.
func (e *Engine) ResolveWith(ctx context.Context, clip string, o ResolveOptions) (Result, error) {
	except := o.Except
	start := e.now()
	left := 0
	for _, h := range e.hosts {
		if !slices.Contains(except, h) {
			left++
		}
	}
	if left == 0 {
		e.emit(events.Event{Kind: events.Failed, Index: -1, Err: "no other host in the cluster"})
		return Result{}, ErrAllFailed
	}
	targets, err := e.targets(clip)
	if err != nil {
		return Result{}, err
	}
	rs := &resolveState{start: start, avoid: o.Avoid, next: o.Next, except: except, keepNotFound: o.KeepNotFound,
		failed: map[*Host]bool{}, notFound: map[*Host]bool{}}
	log := e.logs.cluster
	log.Debug("resolution begins", "clip", clip, "hosts", len(e.hosts), "passes", e.opts.ConnectCount,
		"load_balancing", e.balance.Load(), "except", exceptURL(except))
	backoff := minPassBackoff
	var passBegan time.Time
	for pass := 1; pass <= e.opts.ConnectCount; pass++ {
		if pass > 1 {
			// A pass whose every host failed fast (refused, with no
			// failure memory to wait on) is not repeated at once: passes
			// start at least a back-off apart, 100 ms doubling up to
			// the connect timeout.
			expiry, since := e.waitBeforePass(), e.now().Sub(passBegan)
			wait := max(expiry, backoff-since)
			log.Debug("waiting before the next pass", "pass", pass, "wait_ms", logging.MS(wait),
				"earliest_expiry_ms", logging.MS(expiry), "backoff_ms", logging.MS(backoff), "last_pass_ms", logging.MS(since))
			backoff = min(2*backoff, e.opts.ConnectTimeout)
			if err := e.sleepUnlessNext(ctx, wait, rs.next); err != nil {
				return Result{}, err
			}
		}
		passBegan = e.now()
		order, tryAll := e.passOrder(e.leftOut(except, rs))
		log.Debug("pass begins", "pass", pass, "order", hostIndexes(order))
		if tryAll {
			e.logs.memory.Debug("every host is remembered as failed: trying them all, the oldest failure first",
				"pass", pass, "order", hostIndexes(order))
		}
		res, err := e.runPass(ctx, rs, pass, order, tryAll, targets)
		if err != nil {
			log.Debug("resolution given up", "err", err, "elapsed_ms", logging.MS(e.now().Sub(start)))
			return Result{}, err
		}
		if res != nil {
			log.Info("resolved", "host", res.Host.URL, "index", res.Host.Index, "url", res.URL,
				"elapsed_ms", logging.MS(res.Elapsed), "pass", pass)
			return *res, nil
		}
		if rs.nowhere(e.hosts) {
			log.Info("every host answered that it has no such clip: no more passes", "hosts", len(e.hosts), "pass", pass,
				"elapsed_ms", logging.MS(e.now().Sub(start)))
			e.emit(events.Event{Kind: events.Failed, Index: -1, Elapsed: e.now().Sub(start), Pass: pass, Err: notFoundMsg})
			return Result{}, ErrNotFound
		}
	}
	msg := fmt.Sprintf("%s, %s", plural(len(e.hosts), "host"), plural(e.opts.ConnectCount, "pass"))
	log.Info("every host failed", "hosts", len(e.hosts), "passes", e.opts.ConnectCount, "elapsed_ms", logging.MS(e.now().Sub(start)))
	e.emit(events.Event{Kind: events.Failed, Index: -1, Elapsed: e.now().Sub(start), Pass: e.opts.ConnectCount, Err: msg})
	return Result{}, ErrAllFailed
}

// resolveState is what one resolution keeps across its passes.
type resolveState struct {
	start         time.Time
	localReported bool // the machine's shortage has been said
	except        []*Host
	avoid         *Host           // see ResolveOptions.Avoid
	next          <-chan struct{} // see ResolveOptions.Next
	failed        map[*Host]bool  // the hosts whose attempt failed in this resolution
	// notFound holds each host's latest answer in this resolution: true
	// when it said it has no such clip (404, 410).
	notFound     map[*Host]bool
	keepNotFound bool // see ResolveOptions.KeepNotFound
}

// failedWith notes the failure of h's attempt.
func (rs *resolveState) failedWith(h *Host, err error) {
	rs.failed[h] = true
	rs.notFound[h] = isNotFound(err)
}

// nowhere reports whether every host of the resolution has answered that
// it has no such clip: no pass will find it.
func (rs *resolveState) nowhere(hosts []*Host) bool {
	asked := 0
	for _, h := range hosts {
		if slices.Contains(rs.except, h) {
			continue
		}
		if !rs.notFound[h] {
			return false
		}
		asked++
	}
	return asked > 0
}

// minPassBackoff is the first back-off between passes.
const minPassBackoff = 100 * time.Millisecond

// CheckClip says why clip cannot be resolved on these hosts, before any is
// tried: an empty clip, a control character, a path no host can join.
func (e *Engine) CheckClip(clip string) error {
	_, err := e.targets(clip)
	return err
}

// targets is the clip's URL on every host.
func (e *Engine) targets(clip string) (map[*Host]string, error) {
	if err := ValidateClip(clip); err != nil {
		return nil, err
	}
	targets := make(map[*Host]string, len(e.hosts))
	for _, h := range e.hosts {
		u, err := clipURLFor(h, clip)
		if err != nil {
			return nil, err
		}
		targets[h] = u
	}
	return targets, nil
}

// passOrder is the order of one pass: the policy's order, or, when every
// host is remembered as failed, all of them by oldest failure first, so
// that the memory alone never makes a dead end. tryAll says the pass is of
// that second kind and skips no host.
func (e *Engine) passOrder(except []*Host) (order []*Host, tryAll bool) {
	if e.balance.Load() {
		order = Random{Rand: e.rand}.Order(e.hosts, e.mem)
	} else {
		order = e.policy.Order(e.hosts, e.mem)
	}
	if len(except) > 0 {
		kept := order[:0]
		for _, h := range order {
			if !slices.Contains(except, h) {
				kept = append(kept, h)
			}
		}
		order = kept
	}
	now := e.now()
	for _, h := range order {
		if e.mem.ExpiryLeft(h.Key(), e.opts.FailureExpiry, now) == 0 {
			return order, false
		}
	}
	return e.mem.byOldestFailure(order), true
}

// leftOut are the hosts a pass leaves out: except, and the host to avoid
// while another may still answer, one that has not failed in this
// resolution and is not remembered as failed.
func (e *Engine) leftOut(except []*Host, rs *resolveState) []*Host {
	if rs.avoid == nil {
		return except
	}
	now := e.now()
	for _, h := range e.hosts {
		if h != rs.avoid && !slices.Contains(except, h) && !rs.failed[h] &&
			e.mem.ExpiryLeft(h.Key(), e.opts.FailureExpiry, now) == 0 {
			e.logs.cluster.Debug("the host just left sits this pass out: another may answer", "host", rs.avoid.URL, "index", rs.avoid.Index,
				"untried", h.URL)
			return append(slices.Clip(except), rs.avoid)
		}
	}
	return except
}

// skipFor returns how long host stays skipped, 0 when it is to be tried.
// It is asked when the host's turn comes rather than when the pass begins,
// so a failure that expires during the pass no longer counts.
func (e *Engine) skipFor(h *Host, tryAll bool) time.Duration {
	if tryAll {
		return 0
	}
	now := e.now()
	left := e.mem.ExpiryLeft(h.Key(), e.opts.FailureExpiry, now)
	if left == 0 {
		e.logExpired(h, now)
	}
	return left
}

// waitBeforePass is how long to wait before another pass: until the
// earliest remembered failure expires, but never longer than ConnectTimeout.
func (e *Engine) waitBeforePass() time.Duration {
	now := e.now()
	var wait time.Duration
	for _, h := range e.hosts {
		left := e.mem.ExpiryLeft(h.Key(), e.opts.FailureExpiry, now)
		if left > 0 && (wait == 0 || left < wait) {
			wait = left
		}
	}
	return min(wait, e.opts.ConnectTimeout)
}

// sleepUnlessNext waits d between passes, or less when next says to move
// on (the n key).
func (e *Engine) sleepUnlessNext(ctx context.Context, d time.Duration, next <-chan struct{}) error {
	if next == nil {
		return e.clock.Sleep(ctx, d)
	}
	wait, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		select {
		case <-next:
			e.logs.cluster.Debug("the wait before the next pass cut short by the user")
			stop()
		case <-wait.Done():
		}
	}()
	if err := e.clock.Sleep(wait, d); err != nil && ctx.Err() != nil {
		return err
	}
	return nil
}

// hostIndexes are the hosts' indexes, for a log line.
func hostIndexes(hosts []*Host) []int {
	out := make([]int, len(hosts))
	for i, h := range hosts {
		out[i] = h.Index
	}
	return out
}

// exceptURL names the hosts left out of a resolution, for the log.
func exceptURL(hs []*Host) string {
	var names []string
	for _, h := range hs {
		if h != nil {
			names = append(names, h.URL)
		}
	}
	return strings.Join(names, " ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	if strings.HasSuffix(noun, "s") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
