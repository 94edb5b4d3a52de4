package e2e

import (
	"strings"
	"testing"
	"time"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestNotFoundOnAnyHostEndsAtOnce: when every host answers 404 or 410 for
// the clip, one pass says so: exit 1 with the hosts asked no more than
// that one pass asks them (counted at the hosts, not timed: a loaded
// machine is slow, not wrong), and the last line says why, with or
// without --quiet; --json's failed event gives the reason too.
func TestNotFoundOnAnyHostEndsAtOnce(t *testing.T) {
	hostA := hosttest.Keep(t)(loopback.Status(404))
	hostB := hosttest.Keep(t)(loopback.Status(410))
	a, b := hostA.URL, hostB.URL
	// --json goes first: its events show one pass over the two hosts, and
	// what the hosts saw of that pass is what every mode may ask of them.
	var onePass [2]int64
	for _, mode := range [][]string{{"--json"}, {"--no-tui"}, {"--no-tui", "--quiet"}} {
		t.Run(strings.Join(mode, " "), func(t *testing.T) {
			beforeA, beforeB := hostA.Requests(), hostB.Requests()
			args := append(append([]string{}, mode...), "--no-video", "--host", a, "--host", b, "clip.mp4")
			r := clusterplay(t, nil, args...)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
			}
			asked := [2]int64{hostA.Requests() - beforeA, hostB.Requests() - beforeB}
			if r.took > 15*time.Second {
				t.Errorf("took %v to give up on two hosts that said 404/410", r.took)
			}
			if mode[0] == "--json" {
				evs := decodeLines(t, r.stdout)
				last := evs[len(evs)-1]
				if last["event"] != "failed" || last["error"] != "not found on any host" {
					t.Errorf("last event %v, want failed: not found on any host", last)
				}
				if n := len(named(evs, "connect")); n != 2 {
					t.Errorf("%d attempts, want one pass over the 2 hosts", n)
				}
				onePass = asked
				return
			}
			if asked != onePass {
				t.Errorf("the hosts were asked %v times, one pass asks them %v: asked again after both said 404/410", asked, onePass)
			}
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if last := lines[len(lines)-1]; !strings.Contains(last, "not found on any host") {
				t.Errorf("the last stderr line is %q, want the failed line with its reason; stderr:\n%s", last, r.stderr)
			}
		})
	}
}

// TestUnverifiedCertificateNamesInsecure: a host whose certificate does
// not verify fails with an error that names --insecure, on every
// connect_failed of --json, and once per host in the plain lines however
// often it is tried.
func TestUnverifiedCertificateNamesInsecure(t *testing.T) {
	tlsHost := hosttest.Keep(t)(loopback.GoodTLS(files)).URL
	args := []string{"--print-url", "--connect-count", "3", "--failure-expiry", "0", "--host", tlsHost, "clip.mp4"}
	r := clusterplay(t, nil, append([]string{"--json"}, args...)...)
	if r.code != 1 {
		t.Fatalf("--json: exit %d, want 1; stderr:\n%s", r.code, r.stderr)
	}
	failed := named(decodeLines(t, r.stdout), "connect_failed")
	if len(failed) != 3 {
		t.Fatalf("%d connect_failed, want 3 (one a pass): %s", len(failed), r.stdout)
	}
	for _, ev := range failed {
		if ev["class"] != "tls" || !strings.Contains(ev["error"].(string), "--insecure") {
			t.Errorf("connect_failed %v, want class tls and an error naming --insecure", ev)
		}
	}
	r = clusterplay(t, nil, args...)
	if r.code != 1 {
		t.Fatalf("plain: exit %d, want 1; stderr:\n%s", r.code, r.stderr)
	}
	if n := strings.Count(r.stderr, "connection failed to: "+tlsHost); n != 3 {
		t.Errorf("%d connect_failed lines, want 3:\n%s", n, r.stderr)
	}
	if n := strings.Count(r.stderr, "--insecure"); n != 1 {
		t.Errorf("the plain lines name --insecure %d times, want once for the one host:\n%s", n, r.stderr)
	}
}
