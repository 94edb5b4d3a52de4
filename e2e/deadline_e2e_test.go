package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestSilentHostLeftWithinTheBuffer: a host serving the clip at 1.3× and
// at 1.1× its bitrate goes silent mid-body 1.5 s after the first frame.
// With --read-timeout 5s, the relay leaves it after about half of what the
// player holds (well under a second), says so in the failover's error,
// and playback goes on from the next host with no `buffering` state from
// the fault on (at 1.3× none after the first frame at all), no reload,
// to the clip's end.
func TestSilentHostLeftWithinTheBuffer(t *testing.T) {
	loopback.EndToEnd(t, "libmpv")
	for _, factor := range []float64{1.3, 1.1} {
		t.Run(fmt.Sprintf("%.1fx", factor), func(t *testing.T) {
			rate := int64(float64(len(assets.Clip)) / assets.ClipDuration.Seconds() * factor)
			serving := hosttest.Keep(t)(loopback.Throttled(media, rate))
			backup := hosttest.Keep(t)(loopback.Good(media))
			var mu sync.Mutex
			var stalledAt, failedAt time.Time
			var buffering []string // "before" or "after" the fault
			code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
				mu.Lock()
				defer mu.Unlock()
				switch {
				case ev["event"] == "start":
					time.AfterFunc(1500*time.Millisecond, func() {
						mu.Lock()
						stalledAt = time.Now()
						mu.Unlock()
						serving.Stall()
					})
				case ev["event"] == "failover" && failedAt.IsZero():
					failedAt = time.Now()
				case ev["event"] == "state" && ev["state"] == "buffering":
					when := "before"
					if !stalledAt.IsZero() {
						when = "after"
					}
					buffering = append(buffering, when)
				}
			}, "--read-timeout", "5s", "--host", serving.URL, "--host", backup.URL, assets.ClipName)
			if code != 0 {
				t.Fatalf("exit %d: %v", code, evs)
			}
			f := named(evs, "failover")
			if len(f) != 1 || f[0]["seamless"] != true || f[0]["class"] != "timeout" || f[0]["to_host"] != backup.URL {
				t.Fatalf("failovers %v, want one seamless of class timeout to the backup", f)
			}
			if why, _ := f[0]["error"].(string); !strings.Contains(why, "past the buffer's deadline") {
				t.Errorf("failover error %q does not say the buffer's deadline fired", why)
			}
			mu.Lock()
			took := failedAt.Sub(stalledAt)
			mu.Unlock()
			// Half of well under 2 s cached, plus slack for 2 shared cores;
			// the read timeout would take 5 s.
			if took <= 0 || took > 2*time.Second {
				t.Errorf("the silent host was left %v after it went silent, want about half the buffer (under 2 s, read timeout 5 s)", took)
			}
			t.Logf("%.1f×: left %v after the host went silent (%s)", factor, took, f[0]["error"])
			for _, when := range buffering {
				if when == "after" || factor >= 1.3 {
					t.Errorf("a buffering state %s the fault: the player ran dry", when)
				}
			}
			if n := len(named(evs, "start")); n != 1 {
				t.Errorf("%d start events: the player was reloaded", n)
			}
			endsAtClipEnd(t, evs)
		})
	}
}

// TestRelayModeKeepsTheReadTimeout: `clusterplay relay` serving another
// player knows nothing of its buffer, so a host that goes silent mid-body
// is left after --read-timeout (here 2 s), as always: not sooner.
func TestRelayModeKeepsTheReadTimeout(t *testing.T) {
	loopback.EndToEnd(t, "relay")
	rate := int64(float64(len(assets.Clip)) / assets.ClipDuration.Seconds() * 1.3)
	serving := hosttest.Keep(t)(loopback.Throttled(media, rate))
	backup := hosttest.Keep(t)(loopback.Good(media))
	_, url, evs := startRelayMode(t, "--read-timeout", "2s", "--host", serving.URL, "--host", backup.URL)
	resp, err := http.Get(url + assets.ClipName)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.CopyN(io.Discard, resp.Body, 32<<10); err != nil {
		t.Fatal(err)
	}
	serving.Stall()
	stalledAt := time.Now()
	got, err := io.ReadAll(resp.Body)
	if err != nil || 32<<10+len(got) != len(assets.Clip) {
		t.Fatalf("read %d bytes after the stall (%v), want the rest of the clip", len(got), err)
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-evs:
			if ev["event"] != "failover" {
				continue
			}
			took := time.Since(stalledAt)
			if ev["class"] != "timeout" || !strings.Contains(fmt.Sprint(ev["error"]), "read timeout") {
				t.Errorf("failover %v, want class timeout for the read timeout", ev)
			}
			// The event is read after the body: took bounds the failover
			// from above, and the body's end from below.
			if took < 1800*time.Millisecond {
				t.Errorf("left the silent host %v after the stall, before --read-timeout 2s", took)
			}
			return
		case <-deadline:
			t.Fatal("no failover event")
		}
	}
}

// TestSlowHostLeftByItsProjectedFinish: a host at half the clip's bitrate
// would end its response long after the player's buffer runs out. With
// --slow-timeout 30s the starvation rule would keep it for 30 s; the
// buffer's rule leaves it as soon as its rate is measured (class slow,
// the error naming the projected finish), and the clip plays to its end
// far sooner than the slow host alone could serve it.
func TestSlowHostLeftByItsProjectedFinish(t *testing.T) {
	loopback.EndToEnd(t, "libmpv")
	half := int64(float64(len(assets.Clip)) / assets.ClipDuration.Seconds() / 2)
	slow := hosttest.Keep(t)(loopback.Throttled(media, half))
	fast := hosttest.Keep(t)(loopback.Good(media))
	began := time.Now()
	code, evs := playJSON(t, nil, "--slow-timeout", "30s", "--stall-timeout", "30s",
		"--host", slow.URL, "--host", fast.URL, assets.ClipName)
	took := time.Since(began)
	if code != 0 {
		t.Fatalf("exit %d: %v", code, evs)
	}
	f := named(evs, "failover")
	if len(f) == 0 || f[0]["class"] != "slow" || f[0]["seamless"] != true || f[0]["to_host"] != fast.URL {
		t.Fatalf("failovers %v, want a seamless one of class slow to the fast host", f)
	}
	if why, _ := f[0]["error"].(string); !strings.Contains(why, "projected finish") {
		t.Errorf("failover error %q does not say the projected finish fired", why)
	}
	t.Logf("left the slow host: %s", f[0]["error"])
	endsAtClipEnd(t, evs)
	// The slow host alone needs 12 s; the starvation rule alone 30 s.
	if limit := 2 * assets.ClipDuration; took > limit {
		t.Errorf("took %v: the slow host was kept too long (limit %v)", took, limit)
	}
}
