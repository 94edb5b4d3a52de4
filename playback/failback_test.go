package playback

import (
	"context"
	"strings"
	"testing"
	"time"

	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// failBackOptions: fail-back without a relay, on the short settings of a
// test.
var failBackOptions = Options{FailBack: true, FailBackProbe: time.Second, FailBackAfter: 3 * time.Second}

// failBackTune: failures expire after 2 s; an attempt or probe is never
// timed out by the fake clock running ahead of the loopback answers.
func failBackTune(o *cluster.Options) {
	o.FailureExpiry = 2 * time.Second
	o.ConnectTimeout = time.Hour
}

// playUntilLoad plays on, a second of the fake clock at a time (with a
// moment for the probes, which answer in real time), until the session
// loads again or limit has passed.
func (h *harness) playUntilLoad(t *testing.T, limit time.Duration) (loaded, time.Duration, bool) {
	t.Helper()
	for played := time.Duration(0); played < limit; played += time.Second {
		select {
		case l := <-h.fake.loaded:
			return l, played, true
		default:
		}
		h.play(time.Second)
		time.Sleep(30 * time.Millisecond)
	}
	return loaded{}, limit, false
}

// TestDirectFailBack: without the relay, the session plays from host 1
// while host 0's failure is remembered; once it has expired and host 0
// answered well for FailBackAfter, the clip is reloaded from host 0 at
// the position, a failover of class fail_back.
func TestDirectFailBack(t *testing.T) {
	primary := hosttest.Keep(t)(loopback.Good(clip))
	backup := hosttest.Keep(t)(loopback.Good(clip))
	h := startFake(t, []string{primary.URL, backup.URL}, failBackOptions, failBackTune)
	hosts := h.engine.Hosts()
	h.engine.MarkFailed(hosts[0])
	wait := h.runAside(t, context.Background())
	first := h.fake.nextLoad()
	if !strings.HasPrefix(first.url, backup.URL) {
		t.Fatalf("first load %q, want host 1 (host 0 is remembered as failed)", first.url)
	}
	h.begin(first)
	l, played, ok := h.playUntilLoad(t, 30*time.Second)
	if !ok {
		t.Fatal("no fail-back within 30 s of playback")
	}
	if !strings.HasPrefix(l.url, primary.URL) || l.start < 3*time.Second {
		t.Errorf("load %q at %v after %v played, want host 0 at the position", l.url, l.start, played)
	}
	if played < 5*time.Second {
		t.Errorf("failed back after %v: sooner than the expiry (2 s) and FailBackAfter (3 s) of good answers", played)
	}
	h.begin(l)
	h.playToTheEnd()
	out, evs := wait()
	if out != Played {
		t.Errorf("outcome %v", out)
	}
	var fb []events.Event
	for _, ev := range evs {
		if ev.Kind == events.Failover && ev.Class == events.ClassFailBack {
			fb = append(fb, ev)
		}
	}
	if len(fb) != 1 || fb[0].Index != 1 || fb[0].ToIndex != 0 || fb[0].Seamless {
		t.Errorf("fail-backs %+v, want one reload from host 1 to host 0", fb)
	}
}

// TestDirectFailBackOff: with FailBack off, the session stays on host 1.
func TestDirectFailBackOff(t *testing.T) {
	primary := hosttest.Keep(t)(loopback.Good(clip))
	backup := hosttest.Keep(t)(loopback.Good(clip))
	opts := failBackOptions
	opts.FailBack = false
	h := startFake(t, []string{primary.URL, backup.URL}, opts, failBackTune)
	h.engine.MarkFailed(h.engine.Hosts()[0])
	wait := h.runAside(t, context.Background())
	first := h.fake.nextLoad()
	h.begin(first)
	if l, _, ok := h.playUntilLoad(t, clipEnd-time.Second); ok {
		t.Errorf("fail-back off, yet a load of %q", l.url)
	}
	h.playToTheEnd()
	if out, _ := wait(); out != Played {
		t.Errorf("outcome %v", out)
	}
}
