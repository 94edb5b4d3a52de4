package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// quitSlack is how long a quit may take in these tests. The contract is
// 1 s; the machine is shared, so the test allows more and the benchmark
// is where the number is kept honest.
const quitSlack = 3 * time.Second

// failoverIntoSilence is the cluster of the event-contract issue's repro:
// host A is cut a third into the clip, B and C accept and never answer,
// one at a time with a 5 s connect timeout, so the failover's resolution
// sits on B for 5 s.
func failoverIntoSilence(t *testing.T) []string {
	cut := hosttest.Keep(t)(loopback.CutAfter(media, int64(len(assets.Clip)/3)))
	b := hosttest.Keep(t)(loopback.Silent())
	c := hosttest.Keep(t)(loopback.Silent())
	return []string{"--connect-timeout", "5s", "--race-delay", "off",
		"--host", cut.URL, "--host", b.URL, "--host", c.URL, assets.ClipName}
}

// TestCtrlCDuringFailoverEndsWithQuit: SIGINT while the failover resolves
// exits 130 at once, and the last JSON line is end with reason quit.
func TestCtrlCDuringFailoverEndsWithQuit(t *testing.T) {
	var signalled time.Time
	started := false
	code, events := playJSON(t, func(ev map[string]any, p *os.Process) {
		switch {
		case ev["event"] == "start":
			started = true
		case started && ev["event"] == "connect" && signalled.IsZero():
			// The failover's resolution has begun: its first attempt.
			signalled = time.Now()
			if err := p.Signal(syscall.SIGINT); err != nil {
				t.Error(err)
			}
		}
	}, failoverIntoSilence(t)...)
	took := time.Since(signalled)
	t.Logf("exit %d %v after SIGINT", code, took)
	if signalled.IsZero() {
		t.Fatalf("no failover resolution began; events %v", events)
	}
	if code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	if took > quitSlack {
		t.Errorf("exited %v after SIGINT, want well under 1 s", took)
	}
	last := events[len(events)-1]
	if last["event"] != "end" || last["reason"] != "quit" {
		t.Errorf("last event %v, want end with reason quit", last)
	}
	if n := len(named(events, "end")); n != 1 {
		t.Errorf("%d end events, want exactly one", n)
	}
}

// TestSIGTERMDuringFailoverEndsWithQuit: SIGTERM is handled as Ctrl-C.
func TestSIGTERMDuringFailoverEndsWithQuit(t *testing.T) {
	started, sent := false, false
	code, events := playJSON(t, func(ev map[string]any, p *os.Process) {
		if ev["event"] == "start" {
			started = true
		}
		if started && !sent && ev["event"] == "connect" {
			sent = true
			_ = p.Signal(syscall.SIGTERM)
		}
	}, failoverIntoSilence(t)...)
	last := events[len(events)-1]
	if code != 130 || last["event"] != "end" || last["reason"] != "quit" {
		t.Errorf("exit %d, last event %v; want 130 and end with reason quit", code, last)
	}
}

// TestStateEventsOfAPlainPlay: state goes connecting, playing, ended, in
// that order, a few lines for a 6 s clip, on change only.
func TestStateEventsOfAPlainPlay(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(media))
	code, events := playJSON(t, nil, "--host", good.URL, assets.ClipName)
	if code != 0 {
		t.Fatalf("exit %d; events %v", code, events)
	}
	var states []string
	for _, ev := range events {
		if ev["event"] == "state" {
			states = append(states, ev["state"].(string))
			if _, ok := ev["position"].(float64); !ok {
				t.Errorf("state without a position: %v", ev)
			}
		}
	}
	if len(states) > 36 {
		t.Errorf("%d state lines for a 6 s clip: %v", len(states), states)
	}
	order := map[string]int{"connecting": 0, "playing": 1, "ended": 2}
	last := -1
	for _, st := range states {
		rank, known := order[st]
		if !known {
			continue // buffering or paused may come between; the order of these three is the contract
		}
		if rank < last {
			t.Fatalf("states out of order: %v", states)
		}
		last = rank
	}
	if len(states) < 3 || states[0] != "connecting" || states[len(states)-1] != "ended" || !strings.Contains(strings.Join(states, " "), "playing") {
		t.Errorf("states %v, want connecting ... playing ... ended", states)
	}
	for i := 1; i < len(states); i++ {
		if states[i] == states[i-1] {
			t.Errorf("state %q published twice in a row: %v", states[i], states)
		}
	}
	if lastEv := events[len(events)-1]; lastEv["event"] != "end" {
		t.Errorf("last event %v, want end after the ended state", lastEv)
	}
}

// TestQuitInTUIDuringFailover: q while the failover resolves exits 0 at
// once, in a real terminal.
func TestQuitInTUIDuringFailover(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want string
	}{{"q", "0"}, {"C-c", "130"}} {
		t.Run(tc.key, func(t *testing.T) {
			exitFile := filepath.Join(t.TempDir(), "exit")
			home := t.TempDir()
			cmd := exitsTo("env HOME="+home+" XDG_CONFIG_HOME="+home+" XDG_STATE_HOME="+home+" "+
				binary+" --no-video "+strings.Join(failoverIntoSilence(t), " "), exitFile)
			tm := newTmux(t, 100, 30, cmd)
			tm.waitFor("the failover's first attempt", 30*time.Second, func(s string) bool {
				return strings.Contains(s, "clip started:") && strings.Count(s, "attempting to connect:") >= 2
			})
			tm.run("send-keys", "-t", tm.session, tc.key)
			sent := time.Now()
			code := waitExitFile(t, tm, exitFile, 15*time.Second)
			if code != tc.want {
				t.Errorf("exit %q after %s, want %s; screen:\n%s", code, tc.key, tc.want, tm.screen())
			}
			took := time.Since(sent)
			t.Logf("%s: exit %s %v after the key", tc.key, code, took)
			if took > quitSlack {
				t.Errorf("%s took %v to exit, want well under 1 s", tc.key, took)
			}
		})
	}
}
