package cluster

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"clusterplay/logging/logtest"

	"clusterplay/assets"
	"clusterplay/clock"
	"clusterplay/logging"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

type logBuffer = logtest.Buffer

// debugLog is a debug logger for the cluster component, as the program
// makes it, writing JSON lines to the returned buffer.
func debugLog() (*slog.Logger, *logBuffer) {
	b := &logBuffer{}
	return logging.For(logging.New(b, logging.Options{Level: slog.LevelDebug, JSON: true}), logging.Cluster), b
}

// TestAttemptsAreLogged: each HTTP attempt with its URL, its request and
// status lines and its phases, under cluster.http.
func TestAttemptsAreLogged(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	hop := hosttest.Keep(t)(loopback.Redirect(1, good.URL))
	refused := hosttest.Refused(t)
	l, logs := debugLog()
	opts := sequential(time.Second)
	opts.ConnectCount, opts.Log = 1, l
	if _, err, evs := resolveHosts(t, opts, "clip.mp4", refused, hop.URL); err != nil {
		t.Fatalf("Resolve: %v; %s", err, kinds(evs))
	}
	attempts := logs.Lines(t, "attempt")
	// attempt + outcome for each of the two hosts.
	if len(attempts) != 4 {
		t.Fatalf("%d attempt lines, want 4:\n%s", len(attempts), logs)
	}
	for _, a := range attempts {
		if a["component"] != logging.ClusterHTTP || a["url"] == nil {
			t.Errorf("attempt line %v: want component %s and a url", a, logging.ClusterHTTP)
		}
	}
	failed := logs.Lines(t, "attempt failed")
	if len(failed) != 1 || failed[0]["class"] != "refused" || failed[0]["connect_ms"] == nil || failed[0]["ttfb_ms"] != nil {
		t.Errorf("refused attempt logged as %v", failed)
	}
	won := logs.Lines(t, "attempt succeeded")
	if len(won) != 1 || won[0]["ttfb_ms"] == nil || won[0]["index"] != 1.0 {
		t.Errorf("success logged as %v", won)
	}
	var exchanges []string
	for _, x := range logs.Lines(t, "HTTP exchange") {
		exchanges = append(exchanges, x["request"].(string)+" -> "+x["status"].(string))
	}
	want := []string{
		"GET /video/clip.mp4 HTTP/1.1 -> HTTP/1.1 302 Found",
		"GET /_hop/0/video/clip.mp4 HTTP/1.1 -> HTTP/1.1 302 Found", // the hop's own, as loopback.Redirect forms it
		"GET /video/clip.mp4 HTTP/1.1 -> HTTP/1.1 206 Partial Content",
	}
	if strings.Join(exchanges, "\n") != strings.Join(want, "\n") {
		t.Errorf("exchanges %q, want the redirect then the clip:\n%s", exchanges, logs)
	}
	if r := logs.Lines(t, "resolved"); len(r) != 1 || r[0]["component"] != logging.Cluster || r[0]["level"] != "INFO" {
		t.Errorf("resolution logged as %v", r)
	}
}

// TestMemoryDecisionsAreLogged: remembering a failure, skipping the host
// with the time it has left, trying it again once the failure expired,
// and a success that clears it, each with its numbers.
func TestMemoryDecisionsAreLogged(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(testFiles))
	l, logs := debugLog()
	opts := sequential(time.Second)
	opts.ConnectCount, opts.FailureExpiry, opts.Log = 1, time.Minute, l
	clk := clock.NewFake(time.Now())
	opts.Clock = clk
	status := hosttest.Keep(t)(loopback.Status(503))
	e, err := New([]HostSpec{{URL: status.URL}, {URL: good.URL}}, opts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	resolveTwice := func() {
		t.Helper()
		if _, err := e.Resolve(context.Background(), "clip.mp4"); err != nil {
			t.Fatal(err)
		}
	}
	resolveTwice()
	remembered := logs.Lines(t, "remembered as failed")
	if len(remembered) != 1 || remembered[0]["component"] != logging.ClusterMemory || remembered[0]["until"] == nil ||
		remembered[0]["failure_expiry"] != "1m0s" {
		t.Fatalf("failure remembered as %v", remembered)
	}
	clk.Advance(20 * time.Second)
	resolveTwice()
	skip := logs.Lines(t, "skip: failed recently")
	if len(skip) != 1 || skip[0]["expiry_left_ms"] != 40000.0 || skip[0]["index"] != 0.0 {
		t.Fatalf("skip logged as %v", skip)
	}
	clk.Advance(45 * time.Second)
	resolveTwice()
	expired := logs.Lines(t, "failure expired")
	if len(expired) != 1 || expired[0]["expired_ms_ago"] != 5000.0 {
		t.Fatalf("expiry logged as %v", expired)
	}
	e.Events().Close()
}

// TestMergeIsLogged: what another process wrote that is newer than ours
// is taken in, and the log says what it had.
func TestMergeIsLogged(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	ours, err := OpenMemory(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, logs := debugLog()
	ours.setLog(logging.For(l, logging.ClusterMemory))
	other, err := OpenMemory(dir)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-time.Second).Truncate(time.Millisecond)
	ours.Slow("http://a/v", at)
	other.Failed("http://a/v", at.Add(500*time.Millisecond)) // later: newer than ours
	if err := other.Flush(); err != nil {
		t.Fatal(err)
	}
	ours.Succeeded("http://b/v", 10*time.Millisecond) // something to flush
	if err := ours.Flush(); err != nil {
		t.Fatal(err)
	}
	merged := logs.Lines(t, "merge:")
	if len(merged) != 1 || merged[0]["host"] != "http://a/v" || merged[0]["file_failures"] != 1.0 || merged[0]["our_failures"] != 0.0 {
		t.Fatalf("merge logged as %v\n%s", merged, logs)
	}
	if r, _ := ours.Record("http://a/v"); r.Failures != 1 {
		t.Errorf("the newer failure was not taken in: %+v", r)
	}
}

// TestRTMPAttemptIsLoggedWithoutSecrets: an RTMP attempt is told step by
// step under cluster.rtmp, and its password and token never appear.
func TestRTMPAttemptIsLoggedWithoutSecrets(t *testing.T) {
	t.Parallel()
	n := hosttest.Nginx(t, hosttest.ClipDir(t))
	host := strings.Replace(n.URL, "rtmp://", "rtmp://viewer:hunter2@", 1) + "?token=sekrit"
	l, logs := debugLog()
	opts := rtmpOpts(3 * time.Second)
	opts.Log = l
	_, _, evs := resolveHosts(t, opts, assets.ClipName, host)
	steps := logs.Lines(t, "RTMP")
	if len(steps) < 2 || steps[0]["component"] != logging.ClusterRTMP {
		t.Errorf("RTMP steps %v:%s\n%s", steps, rtmpDump(evs), logs)
	}
	if out := logs.String(); strings.Contains(out, "hunter2") || strings.Contains(out, "sekrit") {
		t.Errorf("a secret reached the log:\n%s", out)
	}
}
