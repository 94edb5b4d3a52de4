package cluster

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"clusterplay/events"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestNotFoundEverywhereEndsAtOnce: a pass in which every host answered
// 404 or 410 ends the resolution with "not found on any host": no other
// pass would hear otherwise. One host that may still answer (refused,
// here) keeps the passes going.
func TestNotFoundEverywhereEndsAtOnce(t *testing.T) {
	opts := sequential(5 * time.Second)
	opts.ConnectCount, opts.FailureExpiry = 3, 2*time.Second
	h404 := hosttest.Keep(t)(loopback.Status(404)).URL
	h410 := hosttest.Keep(t)(loopback.Status(410)).URL
	began := time.Now()
	_, err, evs := resolveHosts(t, opts, "clip.mp4", h404, h410)
	took := time.Since(began)
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, ErrAllFailed) {
		t.Fatalf("err = %v, want ErrNotFound, an ErrAllFailed", err)
	}
	if got, want := kinds(evs), "connect connect_failed connect connect_failed failed"; got != want {
		t.Errorf("events %q, want %q: one pass", got, want)
	}
	if f := ofKind(evs, events.Failed); len(f) != 1 || f[0].Err != "not found on any host" || f[0].Pass != 1 {
		t.Errorf("failed = %+v, want not found on any host after pass 1", f)
	}
	if took > 3*time.Second { // 3 passes would wait out the 2 s memory twice (4 s)
		t.Errorf("took %v: the passes were run after every host said 404", took)
	}

	_, err, evs = resolveHosts(t, opts, "clip.mp4", h404, hosttest.Refused(t))
	if errors.Is(err, ErrNotFound) || !errors.Is(err, ErrAllFailed) {
		t.Fatalf("404 and refused: err = %v, want ErrAllFailed alone", err)
	}
	if n := len(ofKind(evs, events.Connect)); n < 3 {
		t.Errorf("404 and refused: %d attempts, want the passes run: %s", n, kinds(evs))
	}
}

// TestUnverifiedCertificateNamesInsecure: the error of a certificate that
// does not verify names the way past it; another TLS failure does not.
func TestUnverifiedCertificateNamesInsecure(t *testing.T) {
	tlsHost := hosttest.Keep(t)(loopback.GoodTLS(testFiles))
	opts := sequential(5 * time.Second)
	opts.ConnectCount = 1
	_, err, evs := resolveHosts(t, opts, "clip.mp4", tlsHost.URL)
	if err == nil {
		t.Fatal("a self-signed certificate was accepted")
	}
	f := ofKind(evs, events.ConnectFailed)
	if len(f) != 1 || f[0].Class != events.ClassTLS || !strings.HasSuffix(f[0].Err, events.InsecureHint) {
		t.Fatalf("connect_failed = %+v, want class tls with the --insecure hint", f)
	}
	// An https URL on a plain HTTP host: TLS fails, and --insecure would
	// not help.
	plain := hosttest.Keep(t)(loopback.Good(testFiles))
	_, _, evs = resolveHosts(t, opts, "clip.mp4", strings.Replace(plain.URL, "http://", "https://", 1))
	if f := ofKind(evs, events.ConnectFailed); len(f) != 1 || strings.Contains(f[0].Err, "--insecure") {
		t.Errorf("TLS to a plain host: %+v, want no --insecure hint", f)
	}
}

// TestAvoidedHostSitsOutWhileAnotherMayAnswer: a failover does not go
// back to the host it has just marked failed while another has not
// failed, even with the failure memory off; once the others have failed
// it is tried again.
func TestAvoidedHostSitsOutWhileAnotherMayAnswer(t *testing.T) {
	good1 := hosttest.Keep(t)(loopback.Good(testFiles))
	good2 := hosttest.Keep(t)(loopback.Good(testFiles))
	opts := sequential(5 * time.Second)
	opts.FailureExpiry = 0 // nothing remembered: only Avoid keeps host 0 out
	e, err := New([]HostSpec{{URL: good1.URL}, {URL: good2.URL}}, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	avoid := e.Hosts()[0]
	for range 3 {
		res, err := e.ResolveWith(context.Background(), "clip.mp4", ResolveOptions{Avoid: avoid})
		if err != nil || res.Host != e.Hosts()[1] {
			t.Fatalf("resolved to %v, %v; want host 1, not the host just left", res.Host, err)
		}
	}

	opts.ConnectCount = 2
	e, err = New([]HostSpec{{URL: good1.URL}, {URL: hosttest.Refused(t)}}, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := record(e)
	res, err := e.ResolveWith(context.Background(), "clip.mp4", ResolveOptions{Avoid: e.Hosts()[0]})
	evs := rec.stop(e)
	if err != nil || res.Host.Index != 0 {
		t.Fatalf("resolved to %v, %v; want host 0 once host 1 failed", res.Host, err)
	}
	if got, want := kinds(evs), "connect connect_failed connect resolved"; got != want {
		t.Errorf("events %q, want %q", got, want)
	}
}

// TestNextLeavesAHangingAttempt: the user's "next host" abandons an
// attempt on a host that accepted and never answers, at once, without
// blaming it, and the next host is tried.
func TestNextLeavesAHangingAttempt(t *testing.T) {
	silent := hosttest.Keep(t)(loopback.Silent())
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	opts := sequential(30 * time.Second) // one at a time: the silent host holds the pass
	e, err := New([]HostSpec{{URL: silent.URL}, {URL: good.URL}}, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := record(e)
	next := make(chan struct{}, 1)
	attempts := e.Events().Subscribe()
	nudgedAt := make(chan time.Time, 1)
	go func() {
		once := false
		for ev := range attempts {
			if ev.Kind == events.Connect && ev.Index == 0 && !once {
				once = true
				nudgedAt <- time.Now()
				next <- struct{}{}
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := e.ResolveWith(ctx, "clip.mp4", ResolveOptions{Next: next})
	resolvedAt := time.Now()
	evs := rec.stop(e)
	if err != nil || res.Host.Index != 1 {
		t.Fatalf("resolved to %v, %v; want host 1; events %s", res.Host, err, kinds(evs))
	}
	if got, want := kinds(evs), "connect connect connect_cancelled resolved"; got != want {
		t.Errorf("events %q, want %q", got, want)
	}
	if c := ofKind(evs, events.ConnectCancelled); len(c) != 1 || c[0].Index != 0 || !strings.Contains(c[0].Err, "next host") {
		t.Errorf("connect_cancelled = %+v, want the silent host left for the next", c)
	}
	if took := resolvedAt.Sub(<-nudgedAt); took > 3*time.Second {
		t.Errorf("resolved %v after the nudge: the silent host was waited for", took)
	}
	if r, ok := e.mem.Record(silent.URL); ok && !r.FailedAt.IsZero() {
		t.Error("the host left by the user was remembered as failed")
	}
	waitNoConns(t, silent, "the abandoned attempt's socket on the silent host")
}
