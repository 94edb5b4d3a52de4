package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"clusterplay/loopback"
)

// TestSteeringFlipsPathwayMidPlay: HLS (TS, then fMP4) on two pathways,
// one nginx host each, and a real steering server (TTL 1 s) that ranks A
// first, then, once the first frame is shown, B first. The steering
// server is asked before the first segment with _HLS_pathway=A; the
// segments move to B within one TTL plus one segment (with slack for two
// shared cores), with a pathway event (reason steering) and no buffering
// after the first frame; later requests carry _HLS_pathway=B and a
// throughput.
func TestSteeringFlipsPathwayMidPlay(t *testing.T) {
	for _, clip := range []string{loopback.SteeredTS, loopback.SteeredFMP4} {
		t.Run(clip, func(t *testing.T) {
			steer := newSteerServer(t, 1, "A", "B")
			a, b := steeredHosts(t, steer.URL+"/steer.json")
			var flipped time.Time
			code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
				if ev["event"] == "start" && flipped.IsZero() {
					steer.set("B", "A")
					flipped = time.Now()
				}
			}, "--host", a.URL, clip)
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, lines(evs))
			}
			endsAtClipEnd(t, evs)
			noBufferingAfterStart(t, evs)
			asked := steer.requests()
			segs := segmentFetches(evs)
			if len(asked) < 2 || asked[0].pathway != "A" || len(segs) == 0 || asked[0].at.After(evTime(t, segs[0])) {
				t.Fatalf("steering was not asked with _HLS_pathway=A before the first segment: %+v", asked)
			}
			// The move to B is steering's, unless the relay had left A for
			// B already (a late segment on a loaded machine): then the
			// steering answers after the flip must keep B, ranked first.
			moved, penalised := false, false
			for _, p := range named(evs, "pathway") {
				moved = moved || (p["from"] == "A" && p["to"] == "B" && p["reason"] == "steering")
				penalised = penalised || (p["from"] == "A" && p["to"] == "B" && p["reason"] == "failure")
			}
			kept := false
			for _, s := range named(evs, "steering") {
				prio, _ := s["priority"].([]any)
				kept = kept || (evTime(t, s).After(flipped) && s["pathway"] == "B" && len(prio) > 0 && prio[0] == "B")
			}
			if !moved && !(penalised && kept) {
				t.Errorf("no pathway event A -> B for steering:\n%s", lines(append(named(evs, "pathway"), named(evs, "steering")...)))
			}
			deadline := flipped.Add(1*time.Second + 1*time.Second + 3*time.Second) // TTL + one segment + slack
			fromB := 0
			for _, f := range segs {
				if f["pathway"] == "B" {
					fromB++
				}
				if evTime(t, f).After(deadline) && f["pathway"] != "B" {
					t.Errorf("a segment still came from pathway %v long after the flip: %v", f["pathway"], f)
				}
			}
			if fromB == 0 {
				t.Errorf("no segment came from pathway B: %v", segs)
			}
			sawB, sawThroughput := false, false
			for _, q := range asked[1:] {
				sawB = sawB || q.pathway == "B"
				sawThroughput = sawThroughput || q.throughput != ""
			}
			if !sawB || !sawThroughput {
				t.Errorf("later steering requests lack _HLS_pathway=B or _HLS_throughput: %+v", asked)
			}
			if len(named(evs, "steering")) < 2 {
				t.Errorf("steering events: %v", named(evs, "steering"))
			}
			_ = b
		})
	}
}

// TestSteeringPathwayKilledMidSegment: pathway A's host is killed while
// a segment comes from it (a quarter second after the one before ended): the rest of the segment comes from pathway B
// (a seamless failover naming pathway B), A is penalised (a pathway event
// with reason failure), and the clip plays to its end.
func TestSteeringPathwayKilledMidSegment(t *testing.T) {
	steer := newSteerServer(t, 300, "A", "B")
	a, _ := steeredHosts(t, steer.URL+"/steer.json")
	started, killed := false, false
	code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
		started = started || ev["event"] == "start"
		path, _ := ev["path"].(string)
		if started && !killed && ev["event"] == "fetch" && strings.HasSuffix(path, ".ts") && ev["pathway"] == "A" {
			killed = true
			// The next segment is asked for as this one ends, and takes
			// about half a second: a quarter in, it is mid-body.
			time.AfterFunc(250*time.Millisecond, a.Kill)
		}
	}, "--host", a.URL, loopback.SteeredTS)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	endsAtClipEnd(t, evs)
	failed := false
	for _, p := range named(evs, "pathway") {
		failed = failed || (p["from"] == "A" && p["to"] == "B" && p["reason"] == "failure")
	}
	if !killed || !failed {
		t.Errorf("no pathway event A -> B for failure (killed %v):\n%s", killed, lines(evs))
	}
	segs := segmentFetches(evs)
	if last := segs[len(segs)-1]; last["pathway"] != "B" {
		t.Errorf("the last segment came from %v", last)
	}
	spliced := false
	for _, f := range named(evs, "failover") {
		spliced = spliced || (f["seamless"] == true && f["pathway"] == "B" && f["offset"].(float64) > 0)
	}
	if !spliced {
		t.Errorf("no seamless failover mid-segment onto pathway B:\n%s", lines(evs))
	}
}

// TestSteering410StopsPolling: the steering server answers 410 to its
// second request: it is never asked again for the session (TTL 1 s, a
// clip of several seconds), and the clip plays on.
func TestSteering410StopsPolling(t *testing.T) {
	steer := newSteerServer(t, 1, "A", "B")
	steer.script[2] = func(w http.ResponseWriter) { w.WriteHeader(http.StatusGone) }
	a, _ := steeredHosts(t, steer.URL+"/steer.json")
	code, evs := playJSON(t, nil, "--host", a.URL, loopback.SteeredTS)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	if n := len(steer.requests()); n != 2 {
		t.Errorf("the steering server was asked %d times, want 2 (the last answered 410)", n)
	}
	saw410 := false
	for _, s := range named(evs, "steering") {
		saw410 = saw410 || s["status"] == float64(410)
	}
	if !saw410 {
		t.Errorf("no steering event with status 410: %v", named(evs, "steering"))
	}
}

// TestSteering429WaitsRetryAfter: the second request gets 429 with
// Retry-After: 3 although the TTL is 1 s: the next request waits the 3 s.
func TestSteering429WaitsRetryAfter(t *testing.T) {
	steer := newSteerServer(t, 1, "A", "B")
	steer.script[2] = func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(http.StatusTooManyRequests)
	}
	a, _ := steeredHosts(t, steer.URL+"/steer.json")
	code, evs := playJSON(t, nil, "--host", a.URL, loopback.SteeredTS)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	asked := steer.requests()
	if len(asked) < 3 {
		t.Fatalf("asked %d times: %+v", len(asked), asked)
	}
	if gap := asked[2].at.Sub(asked[1].at); gap < 2700*time.Millisecond {
		t.Errorf("asked again %v after the 429, want Retry-After's 3s", gap)
	}
	if gap := asked[1].at.Sub(asked[0].at); gap > 2500*time.Millisecond {
		t.Errorf("the second request came %v after the first, want about the TTL (1s)", gap)
	}
}

// TestSteeringOverrideFile: --steering-override names a local manifest
// ranking B first: the segments come from B and the steering server is
// never asked; rewriting the file to rank A first mid-play moves them to
// A within about a second.
func TestSteeringOverrideFile(t *testing.T) {
	steer := newSteerServer(t, 1, "A", "B")
	a, _ := steeredHosts(t, steer.URL+"/steer.json")
	file := t.TempDir() + "/steer.json"
	write := func(order string) {
		if err := os.WriteFile(file, []byte(fmt.Sprintf(`{"VERSION":1,"TTL":300,"PATHWAY-PRIORITY":[%s]}`, order)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`"B","A"`)
	var rewritten time.Time
	code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
		if ev["event"] == "start" && rewritten.IsZero() {
			write(`"A","B"`)
			rewritten = time.Now()
		}
	}, "--host", a.URL, "--steering-override", file, loopback.SteeredTS)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	if n := len(steer.requests()); n != 0 {
		t.Errorf("the steering server was asked %d times under an override", n)
	}
	segs := segmentFetches(evs)
	if len(segs) == 0 || segs[0]["pathway"] != "B" {
		t.Errorf("the first segment did not come from B: %v", segs)
	}
	movedBack := false
	for _, p := range named(evs, "pathway") {
		movedBack = movedBack || (p["from"] == "B" && p["to"] == "A" && p["reason"] == "steering" &&
			evTime(t, p).Sub(rewritten) < 2*time.Second)
	}
	if !movedBack {
		t.Errorf("no move back to A within about a second of the rewrite:\n%s", lines(named(evs, "pathway")))
	}
}

// TestSteeringOnTheControlSocket: get_pathways lists both pathways (A in
// use, ranked first, the next steering reload planned); set_pathway B
// moves the requests (a pathway event, reason user); fail_host with no
// index (the x key) penalises the pathway in use, B, back onto A; an
// unknown name is refused.
func TestSteeringOnTheControlSocket(t *testing.T) {
	steer := newSteerServer(t, 300, "A", "B")
	a, _ := steeredHosts(t, steer.URL+"/steer.json")
	sock := t.TempDir() + "/ctl.sock"
	cmd, lines, _ := startJSON(t, "--control-socket", sock, "--host", a.URL, loopback.SteeredTS)
	waitEvent := followEvents(t, lines)
	waitEvent("start", is("start"))
	code, out, errOut := ctlRun(t, sock, "get_pathways")
	var list struct {
		Pathways []struct {
			Pathway  string `json:"pathway"`
			Host     string `json:"host"`
			Index    int    `json:"index"`
			Priority int    `json:"priority"`
			InUse    bool   `json:"in_use"`
		} `json:"pathways"`
		InUse      string `json:"in_use"`
		NextReload string `json:"next_reload"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list.Pathways) != 2 || list.InUse != "A" ||
		list.Pathways[0].Pathway != "A" || list.Pathways[0].Priority != 1 || list.Pathways[0].Index != 1 ||
		list.Pathways[1].Index != 2 || list.NextReload == "" {
		t.Fatalf("get_pathways: exit %d %s %s", code, out, errOut)
	}
	if code, _, _ := ctlRun(t, sock, "set_pathway", "nope"); code == 0 {
		t.Error("set_pathway of an unknown pathway succeeded")
	}
	if code, out, errOut := ctlRun(t, sock, "set_pathway", "B"); code != 0 {
		t.Fatalf("set_pathway B: exit %d %s %s", code, out, errOut)
	}
	waitEvent("the move to B", func(ev map[string]any) bool {
		return ev["event"] == "pathway" && ev["to"] == "B" && ev["reason"] == "user"
	})
	if code, out, errOut := ctlRun(t, sock, "fail_host"); code != 0 {
		t.Fatalf("fail_host: exit %d %s %s", code, out, errOut)
	}
	waitEvent("the move back to A", func(ev map[string]any) bool {
		return ev["event"] == "pathway" && ev["from"] == "B" && ev["to"] == "A" && ev["reason"] == "user" && ev["expires_at"] != nil
	})
	ctlRun(t, sock, "quit", "0")
	waitExit(t, cmd, 0)
}
