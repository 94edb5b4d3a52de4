package cluster

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/clock"
	"clusterplay/events"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

var testFiles = map[string][]byte{"clip.mp4": []byte("not really a clip, but bytes"), "a/b/c.mp4": []byte("deep")}

// recorder collects the engine's evs for assertions.
type recorder struct {
	mu   sync.Mutex
	evs  []events.Event
	more chan struct{} // closed and replaced on every event
	done chan struct{}
}

func record(e *Engine) *recorder {
	r := &recorder{more: make(chan struct{}), done: make(chan struct{})}
	ch := e.Events().Subscribe()
	go func() {
		defer close(r.done)
		for ev := range ch {
			r.mu.Lock()
			r.evs = append(r.evs, ev)
			close(r.more)
			r.more = make(chan struct{})
			r.mu.Unlock()
		}
	}()
	return r
}

// stop closes the bus and returns everything recorded.
func (r *recorder) stop(e *Engine) []events.Event {
	e.Events().Close()
	<-r.done
	return r.evs
}

func kinds(evs []events.Event) string {
	var b strings.Builder
	for i, ev := range evs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(string(ev.Kind))
	}
	return b.String()
}

func ofKind(evs []events.Event, k events.Kind) []events.Event {
	var out []events.Event
	for _, ev := range evs {
		if ev.Kind == k {
			out = append(out, ev)
		}
	}
	return out
}

// resolveHosts resolves clip on a new engine over the given host URLs and
// returns the result with every event the resolution published.
func resolveHosts(t *testing.T, opts Options, clip string, hosts ...string) (Result, error, []events.Event) {
	t.Helper()
	specs := make([]HostSpec, len(hosts))
	for i, u := range hosts {
		specs[i] = HostSpec{URL: u}
	}
	e, err := New(specs, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return resolveWith(e, clip)
}

// resolveWith resolves clip once on e and closes its event stream.
func resolveWith(e *Engine, clip string) (Result, error, []events.Event) {
	rec := record(e)
	res, err := e.Resolve(context.Background(), clip)
	return res, err, rec.stop(e)
}

// sequential are options for tests of the classic one-at-a-time semantics.
func sequential(timeout time.Duration) Options {
	o := DefaultOptions()
	o.ConnectTimeout = timeout
	o.RaceDelay = 0
	return o
}

// TestFaultClasses tries one host of each kind of fault and checks the
// attempt's outcome and error class. Faults that end in a timeout get a
// short one to keep the test quick; the others get a long one, so that
// "fast" means far from it even on a busy machine.
func TestFaultClasses(t *testing.T) {
	t.Parallel()
	const shortTimeout, longTimeout = 700 * time.Millisecond, 10 * time.Second
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	tlsHost := hosttest.Keep(t)(loopback.GoodTLS(testFiles))
	tests := []struct {
		name      string
		url       func(t *testing.T) string
		insecure  bool
		wantClass events.Class // "" = success
		fast      bool         // must fail well before the timeout
	}{
		{"good", func(t *testing.T) string { return good.URL }, false, "", true},
		{"refused", func(t *testing.T) string { return hosttest.Refused(t) }, false, events.ClassRefused, true},
		{"hang", func(t *testing.T) string { return hosttest.Keep(t)(loopback.Hang()).URL }, false, events.ClassTimeout, false},
		{"silent after connect", func(t *testing.T) string { return hosttest.Keep(t)(loopback.Silent()).URL }, false, events.ClassTimeout, false},
		{"404", func(t *testing.T) string { return hosttest.Keep(t)(loopback.Status(404)).URL }, false, events.ClassStatus, true},
		{"503", func(t *testing.T) string { return hosttest.Keep(t)(loopback.Status(503)).URL }, false, events.ClassStatus, true},
		{"slow headers", func(t *testing.T) string { return hosttest.Keep(t)(loopback.SlowHeaders(5 * time.Second)).URL }, false, events.ClassTimeout, false},
		{"redirect chain of 3", func(t *testing.T) string { return hosttest.Keep(t)(loopback.Redirect(3, good.URL)).URL }, false, "", true},
		{"redirect chain of 7", func(t *testing.T) string { return hosttest.Keep(t)(loopback.Redirect(7, good.URL)).URL }, false, events.ClassRedirects, true},
		{"self-signed TLS", func(t *testing.T) string { return tlsHost.URL }, false, events.ClassTLS, true},
		{"self-signed TLS with --insecure", func(t *testing.T) string { return tlsHost.URL }, true, "", true},
		{"DNS failure", func(t *testing.T) string { return "http://no-such-host.invalid/video" }, false, events.ClassDNS, false},
		{"missing clip", func(t *testing.T) string { return good.URL + "/nothing-here" }, false, events.ClassStatus, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			timeout := longTimeout
			if !tt.fast {
				timeout = shortTimeout
			}
			opts := sequential(timeout)
			opts.ConnectCount = 1
			opts.Insecure = tt.insecure
			e, err := New([]HostSpec{{URL: tt.url(t)}}, opts, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			rec := record(e)
			res, err := e.Resolve(context.Background(), "clip.mp4")
			evs := rec.stop(e)
			if tt.wantClass == "" {
				if err != nil {
					t.Fatalf("Resolve: %v; evs %s", err, kinds(evs))
				}
				if !strings.HasSuffix(res.URL, "/clip.mp4") {
					t.Errorf("resolved URL %q", res.URL)
				}
				return
			}
			if !errors.Is(err, ErrAllFailed) {
				t.Fatalf("Resolve = %v, %v; want ErrAllFailed", res, err)
			}
			failed := ofKind(evs, events.ConnectFailed)
			if len(failed) != 1 {
				t.Fatalf("events %s: want one connect_failed", kinds(evs))
			}
			if failed[0].Class != tt.wantClass {
				t.Errorf("class %q (%s), want %q", failed[0].Class, failed[0].Err, tt.wantClass)
			}
			if tt.fast && failed[0].Elapsed > timeout/2 {
				t.Errorf("a fast failure took %v of a %v timeout", failed[0].Elapsed, timeout)
			}
			if tt.wantClass == events.ClassTimeout && failed[0].Elapsed < timeout-50*time.Millisecond {
				t.Errorf("timeout reported after %v, before the %v connect timeout", failed[0].Elapsed, timeout)
			}
		})
	}
}

// TestFastFailureMovesOn: a refused host costs nothing like the timeout,
// and the evs name each step in order.
func TestFastFailureMovesOn(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	refused := hosttest.Refused(t)
	res, err, evs := resolveHosts(t, sequential(5*time.Second), "a/b/c.mp4", refused, good.URL)
	if err != nil {
		t.Fatal(err)
	}
	if want := good.URL + "/a/b/c.mp4"; res.URL != want || res.Host.Index != 1 {
		t.Errorf("resolved %q (host %d), want %q (host 1)", res.URL, res.Host.Index, want)
	}
	if got, want := kinds(evs), "connect connect_failed connect resolved"; got != want {
		t.Errorf("events %q, want %q", got, want)
	}
	if res.Elapsed > 2500*time.Millisecond {
		t.Errorf("resolution took %v; a refused host must not cost the 5s timeout", res.Elapsed)
	}
	if r := evs[len(evs)-1]; r.URL != res.URL || r.Index != 1 || r.Host != good.URL || r.Elapsed != res.Elapsed {
		t.Errorf("resolved event %+v does not match the result", r)
	}
	if f := evs[1]; f.Host != refused || f.Index != 0 || f.Class != events.ClassRefused || f.Err == "" {
		t.Errorf("connect_failed event %+v", f)
	}
}

// TestPassesAreCounted: connectCount passes over the hosts, then one
// failed event; passes whose hosts all failed at once start a back-off
// apart, 100 ms doubling.
func TestPassesAreCounted(t *testing.T) {
	t.Parallel()
	for _, count := range []int{1, 2, 3} {
		clk := fakeClock()
		opts := sequential(time.Second)
		opts.ConnectCount = count
		opts.FailureExpiry = 0
		opts.Clock = clk
		e, err := New([]HostSpec{{URL: hosttest.Refused(t)}, {URL: hosttest.Refused(t)}}, opts, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		rec := record(e)
		wait := resolveAside(t, e, "clip.mp4")
		backoff := minPassBackoff
		for pass := 1; pass < count; pass++ {
			rec.waitFor(t, events.ConnectFailed, 2*pass) // the pass is over: the engine sleeps
			drive(t, clk, rec, []clockStep{{armed: 1, advance: backoff}})
			backoff *= 2
		}
		_, err = wait()
		evs := rec.stop(e)
		if !errors.Is(err, ErrAllFailed) {
			t.Fatalf("err = %v", err)
		}
		if n := len(ofKind(evs, events.Connect)); n != 2*count {
			t.Errorf("connectCount %d: %d attempts, want %d", count, n, 2*count)
		}
		failed := ofKind(evs, events.Failed)
		if len(failed) != 1 || evs[len(evs)-1].Kind != events.Failed {
			t.Errorf("connectCount %d: want exactly one failed event, last; got %s", count, kinds(evs))
		}
		ms := time.Millisecond
		if got, want := since(evs, events.Connect), []time.Duration{0, 0, 100 * ms, 100 * ms, 300 * ms, 300 * ms}[:2*count]; !slices.Equal(got, want) {
			t.Errorf("connectCount %d: attempts at %v, want %v", count, got, want)
		}
	}
}

// TestFailureMemorySkipsWithinExpiry: a second resolution skips the host
// that just failed, with a skip event that says how long it stays skipped.
func TestFailureMemorySkipsWithinExpiry(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	refused := hosttest.Refused(t)
	clk := fakeClock()
	opts := sequential(time.Second)
	opts.FailureExpiry = time.Minute
	opts.Clock = clk
	e, err := New([]HostSpec{{URL: refused}, {URL: good.URL}}, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Resolve(context.Background(), "clip.mp4"); err != nil {
		t.Fatal(err)
	}
	rec := record(e)
	if _, err := e.Resolve(context.Background(), "clip.mp4"); err != nil {
		t.Fatal(err)
	}
	evs := rec.stop(e)
	if got, want := kinds(evs), "skip connect resolved"; got != want {
		t.Fatalf("second resolution: evs %q, want %q", got, want)
	}
	if left := evs[0].ExpiryLeft; left != time.Minute {
		t.Errorf("skip expiry left %v, want the whole minute: no time passed", left)
	}
	if r, _ := e.mem.Record(good.URL); !r.FailedAt.IsZero() {
		t.Errorf("the good host is remembered as failed: %+v", r)
	}
}

func TestSuccessClearsMemory(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	mem := NewMemory()
	mem.Failed(good.URL, time.Now().Add(-time.Hour))
	opts := sequential(time.Second)
	e, err := New([]HostSpec{{URL: good.URL}}, opts, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Resolve(context.Background(), "clip.mp4"); err != nil {
		t.Fatal(err)
	}
	if r, _ := mem.Record(good.URL); !r.FailedAt.IsZero() || r.Failures != 0 || r.Samples != 1 {
		t.Errorf("after a success the record is %+v; want the failure cleared and one latency sample", r)
	}
}

// TestAllRememberedTriesOldestFirst: when every host is remembered as
// failed, the pass tries them all, the oldest failure first, rather than
// skipping everything.
func TestAllRememberedTriesOldestFirst(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	refused := hosttest.Refused(t)
	mem := NewMemory()
	now := time.Now()
	mem.Failed(refused, now.Add(-1*time.Second))
	mem.Failed(good.URL, now.Add(-3*time.Second)) // older: tried first
	opts := sequential(time.Second)
	opts.FailureExpiry = time.Hour
	e, err := New([]HostSpec{{URL: refused}, {URL: good.URL}}, opts, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := record(e)
	res, err := e.Resolve(context.Background(), "clip.mp4")
	evs := rec.stop(e)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := kinds(evs), "connect resolved"; got != want || res.Host.URL != good.URL {
		t.Errorf("events %q resolving to %s; want %q to the good host", got, res.Host.URL, want)
	}
}

func TestSetLoadBalancingTakesEffectNextPass(t *testing.T) {
	t.Parallel()
	opts := sequential(time.Second)
	opts.Rand = clock.NewRand(1)
	e, err := New([]HostSpec{{URL: "http://a.test/v"}, {URL: "http://b.test/v"}}, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.LoadBalancing() {
		t.Fatal("load balancing on by default")
	}
	for range 20 {
		if first := first(e.passOrder(nil)); first != 0 {
			t.Fatalf("ordered pass started with host %d", first)
		}
	}
	e.SetLoadBalancing(true)
	var firsts []int
	for range 8 {
		firsts = append(firsts, first(e.passOrder(nil)))
	}
	if !slices.Contains(firsts, 0) || !slices.Contains(firsts, 1) {
		t.Errorf("with load balancing the first host was always the same: %v", firsts)
	}
	if want := []int{0, 1, 1, 1, 1, 1, 1, 1}; !slices.Equal(firsts, want) {
		t.Errorf("seed 1: passes began with hosts %v, want %v", firsts, want)
	}
}

// TestCancellationStopsAtOnce: cancelling the context stops a resolution
// that is waiting on silent hosts, with no goroutine left behind.
func TestCancellationStopsAtOnce(t *testing.T) {
	t.Parallel()
	hang := hosttest.Keep(t)(loopback.Hang())
	silent := hosttest.Keep(t)(loopback.Silent())
	opts := DefaultOptions()
	opts.ConnectTimeout = 30 * time.Second
	e, err := New([]HostSpec{{URL: hang.URL}, {URL: silent.URL}}, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := record(e)
	// Cancel once both attempts are under way, whenever that is; the
	// deadline only ends a test that never gets there.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	connects := e.Events().Subscribe()
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		n := 0
		for ev := range connects {
			if ev.Kind == events.Connect {
				if n++; n == 2 {
					cancel()
				}
			}
		}
	}()
	began := time.Now()
	_, err = e.Resolve(ctx, "clip.mp4")
	took := time.Since(began)
	evs := rec.stop(e)
	<-watched
	if n := len(ofKind(evs, events.Connect)); n != 2 {
		t.Fatalf("%d attempts began, want both hosts tried: %s", n, kinds(evs))
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if took > 3*time.Second {
		t.Errorf("cancelled resolution returned after %v", took)
	}
	if n := len(ofKind(evs, events.Failed)) + len(ofKind(evs, events.ConnectFailed)); n != 0 {
		t.Errorf("cancellation reported as failure: %s", kinds(evs))
	}
	if r, ok := e.mem.Record(hang.URL); ok && !r.FailedAt.IsZero() {
		t.Error("a cancelled attempt was remembered as a failure")
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		hosts []HostSpec
		opts  func(*Options)
		want  string
	}{
		{"no hosts", nil, nil, "no hosts"},
		{"bad scheme", []HostSpec{{URL: "gopher://h/v"}}, nil, "gopher"},
		{"zero timeout", []HostSpec{{URL: "http://h/v"}}, func(o *Options) { o.ConnectTimeout = 0 }, "connect timeout"},
		{"zero count", []HostSpec{{URL: "http://h/v"}}, func(o *Options) { o.ConnectCount = 0 }, "connect count"},
		{"unknown policy", []HostSpec{{URL: "http://h/v"}}, func(o *Options) { o.Select = "nearest" }, "nearest"},
	}
	for _, tt := range tests {
		opts := DefaultOptions()
		if tt.opts != nil {
			tt.opts(&opts)
		}
		if _, err := New(tt.hosts, opts, nil, nil); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

// TestProbeSendsOneByteRange checks the probe asks for one byte of the
// clip itself, not the host's root.
func TestProbeSendsOneByteRange(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	h := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Range"))
		mu.Unlock()
		w.WriteHeader(http.StatusPartialContent)
	})))
	e, err := New([]HostSpec{{URL: h.URL}}, sequential(time.Second), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Resolve(context.Background(), "dir/clip.mp4?token=t"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0] != "GET /video/dir/clip.mp4?token=t bytes=0-0" {
		t.Errorf("requests %q", got)
	}
}

func first(order []*Host, _ bool) int { return order[0].Index }

func TestForgetStartsFromScratch(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	mem := NewMemory()
	mem.Failed(good.URL, time.Now())
	mem.Succeeded("http://other.test/v", 5*time.Millisecond)
	opts := sequential(time.Second)
	opts.FailureExpiry = time.Hour
	e, err := New([]HostSpec{{URL: good.URL}, {URL: hosttest.Refused(t)}}, opts, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.Forget()
	rec := record(e)
	res, err := e.Resolve(context.Background(), "clip.mp4")
	evs := rec.stop(e)
	if err != nil || res.Host.Index != 0 {
		t.Fatalf("Resolve after Forget = %+v, %v; evs %s", res, err, kinds(evs))
	}
	if got := kinds(evs); got != "connect resolved" {
		t.Errorf("events %q: the forgotten failure still skipped the host", got)
	}
}
