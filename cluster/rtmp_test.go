package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"clusterplay/events"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// RTMP tests run against a real nginx-rtmp and against fake servers built on
// gortmplib's server side, over real loopback sockets.

func rtmpOpts(timeout time.Duration) Options {
	o := DefaultOptions()
	o.ConnectTimeout = timeout
	o.ConnectCount = 1
	o.RaceDelay = 0 // one attempt at a time
	return o
}

func rtmpDump(evs []events.Event) string {
	var b strings.Builder
	for _, ev := range evs {
		b.WriteString("\n  " + string(ev.Kind) + " #" + strconv.Itoa(ev.Index) + " " + ev.URL)
		if ev.Class != "" {
			b.WriteString(" [" + string(ev.Class) + "] " + ev.Err + " after " + ev.Elapsed.Round(time.Millisecond).String())
		}
	}
	return b.String()
}

// TestRTMPClusterSkipsFastFailures: a refused port, an application nginx
// does not have (it drops the connection), and a server that rejects the
// connect each fail fast, and the good nginx wins with the URL mpv plays.
func TestRTMPClusterSkipsFastFailures(t *testing.T) {
	const timeout = 3 * time.Second
	good := hosttest.Nginx(t, hosttest.ClipDir(t))
	rejecting := hosttest.Keep(t)(loopback.RejectingRTMP())
	refused, err := loopback.Refused()
	if err != nil {
		t.Fatal(err)
	}
	wrongApp := strings.TrimSuffix(good.URL, "/vod") + "/nosuchapp"
	hosts := []string{hosttest.RTMPAt(t, refused), wrongApp, rejecting.URL, good.URL}
	res, err, evs := resolveHosts(t, rtmpOpts(timeout), assets.ClipName, hosts...)
	if err != nil {
		t.Fatalf("Resolve: %v%s\nnginx log:\n%s", err, rtmpDump(evs), good.Log())
	}
	if want := good.URL + "/clip.mp4"; res.URL != want || res.Host.Index != 3 {
		t.Errorf("resolved %q (host %d), want %q (host 3)", res.URL, res.Host.Index, want)
	}
	failed := ofKind(evs, events.ConnectFailed)
	wantClasses := []events.Class{events.ClassRefused, events.ClassRejected, events.ClassRejected}
	if len(failed) != len(wantClasses) {
		t.Fatalf("want %d connect_failed evs:%s", len(wantClasses), rtmpDump(evs))
	}
	for i, f := range failed {
		if f.Index != i || f.Class != wantClasses[i] {
			t.Errorf("failure %d: host %d class %q (%s), want host %d class %q", i, f.Index, f.Class, f.Err, i, wantClasses[i])
		}
		if f.Elapsed >= timeout/2 {
			t.Errorf("host %d failed after %v; a fast failure must take well under the %v timeout", i, f.Elapsed, timeout)
		}
		t.Logf("%s failed in %v: %s", hosts[i], f.Elapsed, f.Err)
	}
	if !strings.Contains(failed[2].Err, "NetConnection.Connect.Rejected") {
		t.Errorf("rejection message %q does not carry the server's code", failed[2].Err)
	}
	t.Logf("resolved in %v", res.Elapsed)
}

// TestRTMPHangCostsOneTimeout: a host whose port neither accepts nor
// refuses costs exactly one connect timeout.
func TestRTMPHangCostsOneTimeout(t *testing.T) {
	const timeout = time.Second
	good := hosttest.Nginx(t, hosttest.ClipDir(t))
	hang := hosttest.Keep(t)(loopback.Hang())
	res, err, evs := resolveHosts(t, rtmpOpts(timeout), assets.ClipName, hosttest.RTMPAt(t, hang.URL), good.URL)
	if err != nil {
		t.Fatalf("Resolve: %v%s", err, rtmpDump(evs))
	}
	failed := ofKind(evs, events.ConnectFailed)
	if len(failed) != 1 || failed[0].Class != events.ClassTimeout {
		t.Fatalf("want one timeout:%s", rtmpDump(evs))
	}
	if d := failed[0].Elapsed; d < timeout-50*time.Millisecond || d > timeout+time.Second {
		t.Errorf("hanging host failed after %v, want about %v", d, timeout)
	}
	if res.Elapsed > 2*timeout+time.Second {
		t.Errorf("resolution took %v, want one %v timeout and a fast success", res.Elapsed, timeout)
	}
	t.Logf("hang: %v; resolved in %v", failed[0].Elapsed, res.Elapsed)
}

// TestRTMPRedirects: a Wowza-style redirect is followed and shown as an
// event; chains are followed up to MaxRedirects, loops end there.
func TestRTMPRedirects(t *testing.T) {
	good := hosttest.Nginx(t, hosttest.ClipDir(t))
	clipURL := good.URL + "/clip.mp4"
	t.Run("one", func(t *testing.T) {
		r := hosttest.Keep(t)(loopback.RedirectingRTMP(good.URL))
		res, err, evs := resolveHosts(t, rtmpOpts(3*time.Second), assets.ClipName, r.URL)
		if err != nil {
			t.Fatalf("Resolve: %v%s", err, rtmpDump(evs))
		}
		redirects := ofKind(evs, events.Redirect)
		if len(redirects) != 1 || redirects[0].URL != clipURL || redirects[0].Host != r.URL {
			t.Errorf("want one redirect to %q from %q:%s", clipURL, r.URL, rtmpDump(evs))
		}
		if res.Host.URL != r.URL {
			t.Errorf("resolved host %q, want the redirecting host %q", res.Host.URL, r.URL)
		}
		// mpv cannot follow the redirect itself: it gets the final URL.
		if res.URL != clipURL {
			t.Errorf("resolved URL %q, want the redirect's target %q", res.URL, clipURL)
		}
		if res.RTMP == nil || res.RTMP.App != "vod" || res.RTMP.TCURL != good.URL || res.RTMP.PlayPath != "mp4:"+assets.ClipName {
			t.Errorf("play parameters %+v, want the target's application and stream", res.RTMP)
		}
	})
	t.Run("chain of 3", func(t *testing.T) {
		target := good.URL
		for range 3 {
			target = hosttest.Keep(t)(loopback.RedirectingRTMP(target)).URL
		}
		_, err, evs := resolveHosts(t, rtmpOpts(3*time.Second), assets.ClipName, target)
		if err != nil {
			t.Fatalf("Resolve: %v%s", err, rtmpDump(evs))
		}
		if got := ofKind(evs, events.Redirect); len(got) != 3 || got[2].URL != clipURL {
			t.Errorf("want 3 redirects ending at %q:%s", clipURL, rtmpDump(evs))
		}
	})
	t.Run("loop", func(t *testing.T) {
		loop := hosttest.Keep(t)(loopback.RedirectLoopRTMP())
		_, err, evs := resolveHosts(t, rtmpOpts(3*time.Second), assets.ClipName, loop.URL)
		if !errors.Is(err, ErrAllFailed) {
			t.Fatalf("Resolve = %v, want ErrAllFailed", err)
		}
		failed := ofKind(evs, events.ConnectFailed)
		if len(failed) != 1 || failed[0].Class != events.ClassRedirects {
			t.Fatalf("want one failure of class %q:%s", events.ClassRedirects, rtmpDump(evs))
		}
		if n := len(ofKind(evs, events.Redirect)); n != MaxRedirects {
			t.Errorf("%d redirect evs, want %d", n, MaxRedirects)
		}
	})
}

// TestRTMPStreamNotFoundMovesOn: nginx answers StreamNotFound for a clip it
// does not have; that fails at once, and the next host has it.
func TestRTMPStreamNotFoundMovesOn(t *testing.T) {
	const timeout = 3 * time.Second
	empty := hosttest.Nginx(t, t.TempDir())
	good := hosttest.Nginx(t, hosttest.ClipDir(t))
	res, err, evs := resolveHosts(t, rtmpOpts(timeout), assets.ClipName, empty.URL, good.URL)
	if err != nil {
		t.Fatalf("Resolve: %v%s", err, rtmpDump(evs))
	}
	failed := ofKind(evs, events.ConnectFailed)
	if len(failed) != 1 || failed[0].Class != events.ClassNotFound || failed[0].Index != 0 {
		t.Fatalf("want host 0 to fail with %q:%s", events.ClassNotFound, rtmpDump(evs))
	}
	if failed[0].Elapsed >= timeout/2 {
		t.Errorf("not found took %v", failed[0].Elapsed)
	}
	if res.Host.Index != 1 {
		t.Errorf("resolved host %d, want 1", res.Host.Index)
	}
	t.Logf("not found in %v: %s", failed[0].Elapsed, failed[0].Err)
}

// TestRTMPHostileServers: servers that misbehave at the handshake or the
// message level fail the attempt within the timeout and cannot make it
// allocate what they claim to send.
func TestRTMPHostileServers(t *testing.T) {
	const timeout = 2 * time.Second
	const maxAlloc = 16 << 20 // the prober's limits allow about 5 MiB
	tests := []struct {
		name  string
		start func() (*loopback.Host, error)
		class events.Class
		// before: must fail by then. A protocol error is told from a
		// timeout by its class; its bound is the timeout itself, which
		// leaves a loaded machine its slack.
		before time.Duration
	}{
		{"garbage", loopback.GarbageRTMP, events.ClassProtocol, timeout},
		{"stops mid-handshake", loopback.MidHandshakeRTMP, events.ClassTimeout, timeout + time.Second},
		{"silent after handshake", loopback.HandshakeOnlyRTMP, events.ClassTimeout, timeout + time.Second},
		{"huge chunk size", loopback.HugeChunkRTMP, events.ClassProtocol, timeout},
		{"deeply nested AMF", loopback.DeepAMFRTMP, events.ClassProtocol, timeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := hosttest.Keep(t)(tt.start())
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err, evs := resolveHosts(t, rtmpOpts(timeout), assets.ClipName, h.URL)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrAllFailed) {
				t.Fatalf("Resolve = %v, want ErrAllFailed", err)
			}
			failed := ofKind(evs, events.ConnectFailed)
			if len(failed) != 1 {
				t.Fatalf("want one failure:%s", rtmpDump(evs))
			}
			f := failed[0]
			if f.Class != tt.class || f.Elapsed > tt.before {
				t.Errorf("failed with %q (%s) after %v, want %q within %v", f.Class, f.Err, f.Elapsed, tt.class, tt.before)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			if alloc > maxAlloc {
				t.Errorf("the attempt allocated %d MiB", alloc>>20)
			}
			t.Logf("%s after %v, %.1f MiB allocated, stack in use %d KiB: %s",
				f.Class, f.Elapsed.Round(time.Millisecond), float64(alloc)/(1<<20), after.StackInuse>>10, f.Err)
			// The servers end their side once the prober has closed its own.
			waitNoConns(t, h, "after the attempt")
		})
	}
}

// TestRTMPMixedCluster: HTTP and RTMP hosts mix in one cluster.
func TestRTMPMixedCluster(t *testing.T) {
	good := hosttest.Nginx(t, hosttest.ClipDir(t))
	refused, err := loopback.Refused()
	if err != nil {
		t.Fatal(err)
	}
	res, err, evs := resolveHosts(t, rtmpOpts(3*time.Second), assets.ClipName, refused, good.URL)
	if err != nil {
		t.Fatalf("Resolve: %v%s", err, rtmpDump(evs))
	}
	if want := good.URL + "/clip.mp4"; res.URL != want {
		t.Errorf("resolved %q, want %q", res.URL, want)
	}
	if f := ofKind(evs, events.ConnectFailed); len(f) != 1 || f[0].Class != events.ClassRefused {
		t.Errorf("want the HTTP host refused:%s", rtmpDump(evs))
	}
}

// TestRTMPLiveNeedsAFeed: nginx's live app (idle_streams off) answers
// StreamNotFound until an encoder publishes, Play.Start while it does, and
// StreamNotFound again once the encoder dies.
func TestRTMPLiveNeedsAFeed(t *testing.T) {
	dir := hosttest.ClipDir(t)
	n := hosttest.Nginx(t, dir)
	probe := func() error {
		_, err, _ := resolveHosts(t, rtmpOpts(3*time.Second), "feed", n.LiveURL)
		return err
	}
	if err := probe(); !errors.Is(err, ErrAllFailed) {
		t.Fatalf("live stream without a feed: %v, want ErrAllFailed", err)
	}
	feed, err := loopback.StartLiveFeed(n.LiveURL+"/feed", filepath.Join(dir, assets.ClipName))
	hosttest.Missing(t, err)
	if err != nil {
		t.Fatal(err)
	}
	defer feed.Stop()
	// ffmpeg says nothing when nginx has the stream: poll with probes, as
	// a player would, until it plays, the feed dies or the deadline passes.
	began := time.Now()
	for probe() != nil {
		select {
		case <-feed.Exited():
			t.Fatalf("ffmpeg exited: %s", feed.Output())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Since(began) > 10*time.Second {
			t.Fatalf("live stream not playable 10s after the feed started; ffmpeg: %s", feed.Output())
		}
	}
	t.Logf("live stream playable %v after the feed started", time.Since(began))
	feed.Stop()
	// nginx drops the stream a moment after its publisher goes, and says
	// so to nobody but the next player: poll with probes to a deadline.
	for began = time.Now(); probe() == nil; time.Sleep(50 * time.Millisecond) {
		if time.Since(began) > 10*time.Second {
			t.Fatal("live stream still playable 10s after the feed died")
		}
	}
}

// TestRTMPIdleLiveStream: nginx's live app with its default idle_streams
// on answers NetStream.Play.Start for a stream nobody publishes and then
// sends nothing. The attempt fails when the connect timeout passes without
// a media message, as not_found (the stream is not there, as nginx with
// idle_streams off would say at once); once an encoder publishes, the same
// stream succeeds.
func TestRTMPIdleLiveStream(t *testing.T) {
	const timeout = 1500 * time.Millisecond
	dir := hosttest.ClipDir(t)
	n := hosttest.Nginx(t, dir)
	began := time.Now()
	_, err, evs := resolveHosts(t, rtmpOpts(timeout), "feed", n.IdleURL)
	took := time.Since(began)
	if !errors.Is(err, ErrAllFailed) {
		t.Fatalf("idle stream: %v, want ErrAllFailed%s", err, rtmpDump(evs))
	}
	f := ofKind(evs, events.ConnectFailed)
	if len(f) != 1 || f[0].Class != events.ClassNotFound || !strings.Contains(f[0].Err, "no media") {
		t.Fatalf("want one not_found attempt that names the missing media:%s", rtmpDump(evs))
	}
	if took > timeout+500*time.Millisecond {
		t.Errorf("the idle stream took %v to fail, the connect timeout is %v", took, timeout)
	}
	t.Logf("idle stream failed in %v: %s", took.Round(time.Millisecond), f[0].Err)

	feed, err := loopback.StartLiveFeed(n.IdleURL+"/feed", filepath.Join(dir, assets.ClipName))
	hosttest.Missing(t, err)
	if err != nil {
		t.Fatal(err)
	}
	defer feed.Stop()
	// Nothing says when nginx has the stream: probe until it plays.
	for began = time.Now(); ; {
		res, err, evs := resolveHosts(t, rtmpOpts(timeout), "feed", n.IdleURL)
		if err == nil {
			if res.URL != n.IdleURL+"/feed" {
				t.Errorf("resolved %q", res.URL)
			}
			break
		}
		select {
		case <-feed.Exited():
			t.Fatalf("ffmpeg exited: %s", feed.Output())
		default:
		}
		if time.Since(began) > 10*time.Second {
			t.Fatalf("published stream still failing 10s after the feed started:%s", rtmpDump(evs))
		}
	}
}

// TestRTMPVODMediaComesAtOnce: waiting for the first media message costs a
// VOD host next to nothing, as nginx sends the clip right after
// NetStream.Play.Start. The wait is logged by the probe; this reads it
// there and bounds it loosely (a loaded machine), reporting the medians.
func TestRTMPVODMediaComesAtOnce(t *testing.T) {
	n := hosttest.Nginx(t, hosttest.ClipDir(t))
	p := NewRTMPProber(false)
	var waits []time.Duration
	for range 5 {
		var buf bytes.Buffer
		log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		err := p.Probe(ctx, &Attempt{URL: n.URL + "/" + assets.ClipName, Log: log})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		var rec struct {
			Msg  string        `json:"msg"`
			Wait time.Duration `json:"media_after_play_start"`
		}
		found := false
		for _, line := range strings.Split(buf.String(), "\n") {
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "RTMP stream started" {
				found = true
				waits = append(waits, rec.Wait)
			}
		}
		if !found {
			t.Fatalf("no stream-started line in the probe's log:\n%s", buf.String())
		}
	}
	slices.Sort(waits)
	t.Logf("NetStream.Play.Start -> first media message on nginx VOD: %v (5 probes, sorted)", waits)
	if waits[len(waits)/2] > 100*time.Millisecond {
		t.Errorf("median wait for media %v: a VOD host should send it at once", waits[len(waits)/2])
	}
}

// TestRTMPS: rtmps verifies the server's certificate unless insecure, and
// the probe closes its connection when it returns, success included.
func TestRTMPS(t *testing.T) {
	n := hosttest.Nginx(t, hosttest.ClipDir(t))
	proxy := hosttest.Keep(t)(loopback.TLSProxy(n.Addr, "/vod"))
	tests := []struct {
		name      string
		insecure  bool
		trust     bool
		wantClass events.Class
	}{
		{"untrusted certificate", false, false, events.ClassTLS},
		{"trusted certificate", false, true, ""},
		{"insecure", true, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := rtmpOpts(3 * time.Second)
			opts.Insecure = tt.insecure
			e, err := New([]HostSpec{{URL: proxy.URL}}, opts, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.trust {
				// Trust only the proxy's CA, as a system with it installed would.
				p := NewRTMPProber(false)
				p.roots = proxy.CertPool()
				e.setProber("rtmps", p)
			}
			res, err, evs := resolveWith(e, assets.ClipName)
			if tt.wantClass != "" {
				f := ofKind(evs, events.ConnectFailed)
				if err == nil || len(f) != 1 || f[0].Class != tt.wantClass {
					t.Fatalf("want a %q failure:%s", tt.wantClass, rtmpDump(evs))
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve: %v%s", err, rtmpDump(evs))
			}
			if want := proxy.URL + "/clip.mp4"; res.URL != want {
				t.Errorf("resolved %q, want %q", res.URL, want)
			}
			// The proxy closes its side once the prober has closed its own.
			waitNoConns(t, proxy, "after the probe returned")
		})
	}
}

// TestRTMPRaceCancelsTheLoser: with racing on, a host stuck mid-handshake
// is cancelled, not waited for, once nginx answers.
func TestRTMPRaceCancelsTheLoser(t *testing.T) {
	n := hosttest.Nginx(t, hosttest.ClipDir(t))
	stuck := hosttest.Keep(t)(loopback.MidHandshakeRTMP())
	opts := rtmpOpts(10 * time.Second)
	opts.RaceDelay = 100 * time.Millisecond
	opts.MaxInflight = 2
	res, err, evs := resolveHosts(t, opts, assets.ClipName, stuck.URL, n.URL)
	if err != nil {
		t.Fatalf("Resolve: %v%s", err, rtmpDump(evs))
	}
	if res.Host.Index != 1 || res.Elapsed > 5*time.Second {
		t.Errorf("resolved host %d after %v, want host 1 well before the 10s timeout", res.Host.Index, res.Elapsed)
	}
	if c := ofKind(evs, events.ConnectCancelled); len(c) != 1 || c[0].Index != 0 {
		t.Errorf("want the stuck host cancelled:%s", rtmpDump(evs))
	}
	waitNoConns(t, stuck, "the cancelled attempt's connection")
}
