package playback

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// memoryOff turns the failure memory off: nothing the session blames is
// remembered.
func memoryOff(o *cluster.Options) { o.FailureExpiry = 0 }

// TestFailoverLeavesTheHostItBlamed: a host that cuts every response is
// blamed, and the failover goes to the other host, not back to it, even
// with the failure memory off (where the blame is remembered nowhere and
// the host answers the next probe well).
func TestFailoverLeavesTheHostItBlamed(t *testing.T) {
	cutting := hosttest.Keep(t)(loopback.CutAfter(clip, int64(len(assets.Clip)/3)))
	backup := hosttest.Keep(t)(loopback.Good(clip))
	h := startWith(t, []string{cutting.URL, backup.URL}, Options{StallTimeout: 1500 * time.Millisecond}, NoReconnect, memoryOff)
	out, evs := h.run(t, 60*time.Second)
	failovers := only(evs, events.Failover)
	for _, f := range failovers {
		if f.ToHost == f.Host {
			t.Errorf("failover %s -> %s: back to the host it blamed; evs:\n%s", f.Host, f.ToHost, describe(evs))
		}
	}
	if out != Played || len(failovers) != 1 || failovers[0].ToHost != backup.URL {
		t.Fatalf("outcome %v, %d failovers, want one to the backup and the clip played; evs:\n%s", out, len(failovers), describe(evs))
	}
	endsAtTheEnd(t, evs)
}

// switchableHost answers 503 until up is set, then serves the clip: a
// host that comes back.
func switchableHost(t *testing.T) (*loopback.Host, *atomic.Bool) {
	up := &atomic.Bool{}
	h := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		http.ServeContent(w, r, assets.ClipName, time.Time{}, bytes.NewReader(assets.Clip))
	})))
	return h, up
}

// TestReresolveAfterAnErrorResumesWhereItWas: once playback has ended in
// an error (its host died and the other was down), r resolves again and
// takes the clip up where it stopped, not at 0:00.
func TestReresolveAfterAnErrorResumesWhereItWas(t *testing.T) {
	serving := hosttest.Keep(t)(loopback.Throttled(clip, clipRate))
	later, up := switchableHost(t)
	h := start(t, []string{serving.URL, later.URL}, Options{StayOpen: true, StallTimeout: 1500 * time.Millisecond})
	var stoppedAt time.Duration
	wait := h.beside(func() error {
		first, ok := h.next(20*time.Second, kind(events.Start))
		if !ok {
			return errors.New("no start")
		}
		if _, ok := h.next(20*time.Second, playedFrom(serving.URL, first.Position, 2*time.Second)); !ok {
			return errors.New("the serving host never played 2 s")
		}
		serving.Kill()
		end, ok := h.next(30*time.Second, kind(events.End))
		if !ok || end.Reason != events.ReasonError {
			return fmt.Errorf("no end in error after the only host left died, got %+v", end)
		}
		stoppedAt = end.Position
		up.Store(true)
		h.sess.Reresolve()
		resumed, ok := h.next(20*time.Second, kind(events.Start))
		if !ok {
			return errors.New("no start after r")
		}
		if d := resumed.Position - stoppedAt; d < -time.Second || d > time.Second {
			return fmt.Errorf("r after an error at %v resumed at %v", stoppedAt, resumed.Position)
		}
		h.sess.Quit()
		return nil
	})
	_, evs := h.run(t, 90*time.Second)
	if err := wait(); err != nil {
		t.Fatalf("%v; evs:\n%s", err, describe(evs))
	}
	if stoppedAt < 2*time.Second {
		t.Fatalf("the error came at %v, before the 2 s played", stoppedAt)
	}
	loads := h.player.Loads()
	if last := loads[len(loads)-1]; last.start < stoppedAt-time.Second {
		t.Errorf("r loaded at %v, after an error at %v", last.start, stoppedAt)
	}
}

// TestNextHostMovesTheResolutionOn: n while the first resolution waits on
// a host that accepted and never answers leaves it at once for the next
// host, instead of "already switching hosts" and the connect timeout.
func TestNextHostMovesTheResolutionOn(t *testing.T) {
	silent := hosttest.Keep(t)(loopback.Silent())
	good := hosttest.Keep(t)(loopback.Good(clip))
	oneAtATime := func(o *cluster.Options) { o.RaceDelay, o.ConnectTimeout = 0, 30*time.Second }
	h := startWith(t, []string{silent.URL, good.URL}, Options{}, NoReconnect, oneAtATime)
	var nudged time.Time
	wait := h.beside(func() error {
		if _, ok := h.next(20*time.Second, func(ev events.Event) bool { return ev.Kind == events.Connect && ev.Index == 0 }); !ok {
			return errors.New("no attempt on the silent host")
		}
		nudged = time.Now()
		h.sess.FailoverNow(false)
		if _, ok := h.next(10*time.Second, kind(events.Start)); !ok {
			return errors.New("no start within 10 s of n: the silent host was waited for")
		}
		h.sess.Quit()
		return nil
	})
	_, evs := h.run(t, 60*time.Second)
	if err := wait(); err != nil {
		t.Fatalf("%v; evs:\n%s", err, describe(evs))
	}
	s := only(evs, events.Start)
	if len(s) != 1 || s[0].Host != good.URL || s[0].Time.Sub(nudged) > 5*time.Second {
		t.Errorf("start %+v, want the good host within 5 s of n; evs:\n%s", s, describe(evs))
	}
	if c := only(evs, events.ConnectCancelled); len(c) != 1 || c[0].Host != silent.URL {
		t.Errorf("connect_cancelled %+v, want the silent host left", c)
	}
	if len(only(evs, events.ConnectFailed)) != 0 {
		t.Errorf("the host left by n was blamed; evs:\n%s", describe(evs))
	}
}
