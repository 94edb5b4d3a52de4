package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// dashSteerServer is a real steering server on loopback for DASH: it
// answers the priority it is told (or a scripted status), and records
// every request's _DASH_pathway and _DASH_throughput.
type dashSteerServer struct {
	*httptest.Server
	mu       sync.Mutex
	priority []string
	ttl      float64
	script   map[int]func(w http.ResponseWriter) // by request number, from 1
	asked    []steerAsk
}

func newDASHSteerServer(t *testing.T, ttl float64, priority ...string) *dashSteerServer {
	t.Helper()
	s := &dashSteerServer{priority: priority, ttl: ttl, script: map[int]func(http.ResponseWriter){}}
	s.Server = httptest.NewServer(s)
	t.Cleanup(s.Close)
	return s
}

func (s *dashSteerServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.asked = append(s.asked, steerAsk{at: time.Now(), pathway: r.URL.Query().Get("_DASH_pathway"),
		throughput: r.URL.Query().Get("_DASH_throughput")})
	answer := s.script[len(s.asked)]
	body, _ := json.Marshal(map[string]any{"VERSION": 1, "TTL": s.ttl, "PATHWAY-PRIORITY": s.priority})
	s.mu.Unlock()
	if answer != nil {
		answer(w)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

func (s *dashSteerServer) set(priority ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.priority = priority
}

func (s *dashSteerServer) requests() []steerAsk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]steerAsk(nil), s.asked...)
}

// dashLocations are real nginx hosts, one per service location, each
// serving the same DASH (made with ffmpeg) and the same multi-CDN MPD
// (loopback.DASHBaseURLs) naming all of them by absolute BaseURLs. Each
// response is sent at twice the clip's rate, so that segments are still
// being fetched once playback has begun.
func dashLocations(t *testing.T, opts loopback.DASHOptions, locs ...loopback.ServiceLocation) []*loopback.NginxHTTPHost {
	t.Helper()
	needTool(t, "ffmpeg")
	rate := 2 * int64(float64(len(assets.Clip))/assets.ClipDuration.Seconds())
	var hosts []*loopback.NginxHTTPHost
	for i := range locs {
		locs[i].Dir = t.TempDir()
		h := hosttest.NginxHTTP(t, locs[i].Dir, loopback.NginxHTTPOptions{LimitRate: rate})
		locs[i].Origin = h.URL
		hosts = append(hosts, h)
	}
	src := filepath.Join(t.TempDir(), assets.ClipName)
	if err := os.WriteFile(src, assets.Clip, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := loopback.MakeDASHLocations(src, locs, opts); err != nil {
		t.Fatal(err)
	}
	return hosts
}

// dashSegments are the fetch events of DASH media segments, in order.
func dashSegments(evs []map[string]any) []map[string]any {
	var out []map[string]any
	for _, f := range named(evs, "fetch") {
		if p, _ := f["path"].(string); strings.HasSuffix(p, ".m4s") {
			out = append(out, f)
		}
	}
	return out
}

// TestDASHSteeringFlipsServiceLocation: an MPD with two BaseURLs
// (cdn-a, cdn-b; one nginx host each) and a <ContentSteering> server
// (TTL 1 s, queryBeforeStart) that ranks cdn-a first, then, once the
// first frame is shown, cdn-b first. The steering server is asked before
// the first segment with _DASH_pathway="cdn-a" (quoted); the segments
// move to cdn-b within one TTL plus one segment (with slack for two
// shared cores), with a pathway event cdn-a -> cdn-b (reason steering),
// no buffering after the first frame, and later requests carry
// _DASH_pathway="cdn-b" and a throughput. The player never sees both
// BaseURLs: cdn-b's host serves no MPD and no segment before the flip.
func TestDASHSteeringFlipsServiceLocation(t *testing.T) {
	steer := newDASHSteerServer(t, 1, "cdn-a", "cdn-b")
	hosts := dashLocations(t, loopback.DASHOptions{Steering: steer.URL + "/steer.json"},
		loopback.ServiceLocation{Name: "cdn-a"}, loopback.ServiceLocation{Name: "cdn-b"})
	var flipped time.Time
	code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
		if ev["event"] == "start" && flipped.IsZero() {
			steer.set("cdn-b", "cdn-a")
			flipped = time.Now()
		}
	}, "--host", hosts[0].URL, loopback.DASHBaseURLs)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	endsAtClipEnd(t, evs)
	noBufferingAfterStart(t, evs)
	asked := steer.requests()
	segs := dashSegments(evs)
	if len(asked) < 2 || asked[0].pathway != `"cdn-a"` || len(segs) == 0 || asked[0].at.After(evTime(t, segs[0])) {
		t.Fatalf("steering was not asked with _DASH_pathway=\"cdn-a\" before the first segment: %+v", asked)
	}
	moved := false
	for _, p := range named(evs, "pathway") {
		moved = moved || (p["from"] == "cdn-a" && p["to"] == "cdn-b" && p["reason"] == "steering")
	}
	if !moved {
		t.Errorf("no pathway event cdn-a -> cdn-b for steering:\n%s", lines(named(evs, "pathway")))
	}
	deadline := flipped.Add(1*time.Second + 1*time.Second + 3*time.Second) // TTL + one segment + slack
	fromB := 0
	for _, f := range segs {
		if f["pathway"] == "cdn-b" {
			fromB++
			if !strings.HasPrefix(f["host"].(string), hosts[1].URL) {
				t.Errorf("a cdn-b segment came from %v, not cdn-b's host %s", f["host"], hosts[1].URL)
			}
		}
		if evTime(t, f).Before(flipped) && f["pathway"] != "cdn-a" {
			t.Errorf("a segment came from %v before the flip: %v", f["pathway"], f)
		}
		if evTime(t, f).After(deadline) && f["pathway"] != "cdn-b" {
			t.Errorf("a segment still came from %v long after the flip: %v", f["pathway"], f)
		}
	}
	if fromB == 0 {
		t.Errorf("no segment came from cdn-b: %v", segs)
	}
	sawB, sawThroughput := false, false
	for _, q := range asked[1:] {
		sawB = sawB || q.pathway == `"cdn-b"`
		sawThroughput = sawThroughput || q.throughput != ""
	}
	if !sawB || !sawThroughput {
		t.Errorf("later steering requests lack _DASH_pathway=\"cdn-b\" or _DASH_throughput: %+v", asked)
	}
}

// TestDASHBaseURLKilledMidSegment: no steering; three BaseURLs by the DVB
// rules: cdn-a1 and cdn-a2 of priority 1, cdn-b of priority 2 (whose
// host also serves the MPD). The host of the priority-1 location that
// serves is killed while it sends a segment: the rest comes from cdn-b
// seamlessly (the DVB rule excludes the other priority-1 location with
// the failed one), with a pathway event (reason failure), no buffering
// after the first frame, and the clip plays to its end.
func TestDASHBaseURLKilledMidSegment(t *testing.T) {
	hosts := dashLocations(t, loopback.DASHOptions{},
		loopback.ServiceLocation{Name: "cdn-a1", Priority: 1}, loopback.ServiceLocation{Name: "cdn-a2", Priority: 1},
		loopback.ServiceLocation{Name: "cdn-b", Priority: 2})
	byName := map[string]*loopback.NginxHTTPHost{"cdn-a1": hosts[0], "cdn-a2": hosts[1], "cdn-b": hosts[2]}
	started, killed := false, ""
	code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
		started = started || ev["event"] == "start"
		p, _ := ev["path"].(string)
		if started && killed == "" && ev["event"] == "fetch" && strings.HasSuffix(p, ".m4s") {
			killed, _ = ev["pathway"].(string)
			if h := byName[killed]; h != nil {
				h.Kill()
			}
		}
	}, "--host", hosts[2].URL, loopback.DASHBaseURLs)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	if killed != "cdn-a1" && killed != "cdn-a2" {
		t.Fatalf("the segments came from %q first, not a priority-1 location", killed)
	}
	endsAtClipEnd(t, evs)
	noBufferingAfterStart(t, evs)
	moved := false
	for _, p := range named(evs, "pathway") {
		moved = moved || (p["from"] == killed && p["to"] == "cdn-b" && p["reason"] == "failure")
	}
	if !moved {
		t.Errorf("no pathway event %s -> cdn-b for the failure:\n%s", killed, lines(named(evs, "pathway")))
	}
	after := false
	for _, f := range dashSegments(evs) {
		if f["pathway"] != killed {
			after = true
		}
		if after && f["pathway"] != "cdn-b" {
			t.Errorf("after %s failed, a segment came from %v, not cdn-b: the DVB rule excludes its whole priority", killed, f["pathway"])
		}
	}
	if !after {
		t.Error("no segment came after the kill")
	}
}

// TestDASHSteering410And429: the MPD's steering server answers 429 with
// Retry-After: 3 (its TTL is 1 s), then 410: the next request waits out
// the Retry-After, none comes after the 410, each is a steering event,
// and the clip plays to its end on the DVB order.
func TestDASHSteering410And429(t *testing.T) {
	steer := newDASHSteerServer(t, 1, "cdn-a", "cdn-b")
	steer.script[2] = func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(http.StatusTooManyRequests)
	}
	steer.script[3] = func(w http.ResponseWriter) { w.WriteHeader(http.StatusGone) }
	hosts := dashLocations(t, loopback.DASHOptions{Steering: steer.URL + "/steer.json"},
		loopback.ServiceLocation{Name: "cdn-a"}, loopback.ServiceLocation{Name: "cdn-b"})
	code, evs := playJSON(t, nil, "--host", hosts[0].URL, loopback.DASHBaseURLs)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, lines(evs))
	}
	endsAtClipEnd(t, evs)
	asked := steer.requests()
	if len(asked) != 3 {
		t.Fatalf("%d steering requests, want 3 (200, 429, 410, then none): %+v", len(asked), asked)
	}
	if gap := asked[2].at.Sub(asked[1].at); gap < 2900*time.Millisecond {
		t.Errorf("the request after the 429 came %s later, before its Retry-After of 3s", gap)
	}
	var statuses []any
	for _, s := range named(evs, "steering") {
		statuses = append(statuses, s["status"])
	}
	if len(statuses) != 3 || statuses[1] != 429.0 || statuses[2] != 410.0 {
		t.Errorf("steering events' statuses %v, want 200, 429, 410", statuses)
	}
}

// TestDASHServiceLocationsOnTheControlSocket: an MPD's service locations
// (cdn-a of DVB priority 1, cdn-b of priority 2; no steering) are listed
// by get_pathways under their names, cdn-a in use and ranked first, each
// a host numbered after the typed one; set_pathway cdn-b moves the
// requests (a pathway event, reason user).
func TestDASHServiceLocationsOnTheControlSocket(t *testing.T) {
	hosts := dashLocations(t, loopback.DASHOptions{},
		loopback.ServiceLocation{Name: "cdn-a", Priority: 1}, loopback.ServiceLocation{Name: "cdn-b", Priority: 2})
	sock := t.TempDir() + "/ctl.sock"
	cmd, lines, _ := startJSON(t, "--control-socket", sock, "--host", hosts[0].URL, loopback.DASHBaseURLs)
	waitEvent := followEvents(t, lines)
	waitEvent("start", is("start"))
	code, out, errOut := ctlRun(t, sock, "get_pathways")
	var list struct {
		Pathways []struct {
			Pathway string `json:"pathway"`
			Host    string `json:"host"`
			Index   int    `json:"index"`
		} `json:"pathways"`
		InUse string `json:"in_use"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list.Pathways) != 2 || list.InUse != "cdn-a" ||
		list.Pathways[0].Pathway != "cdn-a" || list.Pathways[1].Pathway != "cdn-b" || list.Pathways[0].Index != 1 ||
		!strings.HasPrefix(list.Pathways[1].Host, hosts[1].URL) {
		t.Fatalf("get_pathways: exit %d %s %s", code, out, errOut)
	}
	if code, out, errOut := ctlRun(t, sock, "set_pathway", "cdn-b"); code != 0 {
		t.Fatalf("set_pathway cdn-b: exit %d %s %s", code, out, errOut)
	}
	waitEvent("the move to cdn-b", func(ev map[string]any) bool {
		return ev["event"] == "pathway" && ev["from"] == "cdn-a" && ev["to"] == "cdn-b" && ev["reason"] == "user"
	})
	ctlRun(t, sock, "quit", "0")
	waitExit(t, cmd, 0)
}
