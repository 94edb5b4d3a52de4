package main

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"clusterplay/assets"
	"clusterplay/events"
	"clusterplay/loopback"
)

// Section 11: a steered HLS stream (the TS variant on pathways A and B,
// one nginx host each, a steering server with a TTL of 1 s) switches
// pathway mid-play, by steering (the server ranks B first 500 ms after
// `start`) and by failure (A's host killed 500 ms after `start`): the
// time from that trigger to the first segment request to B, the
// rebuffers and how long the picture stood still.

const steerTTL = 1 // seconds

// switched notes the first segment request to the pathway timed, after
// the fault: its fetch event's time less its elapsed time.
func (w *watchLog) switched(ev events.Event) {
	if w.switchTo == "" || ev.Pathway != w.switchTo || w.faultAt.IsZero() || !math.IsNaN(w.r.switchMS) {
		return
	}
	if !strings.HasSuffix(ev.Path, ".ts") && !strings.HasSuffix(ev.Path, ".m4s") { // HLS's TS, DASH's fMP4
		return
	}
	w.r.switchMS = max(0, ms(ev.Time.Add(-ev.Elapsed).Sub(w.faultAt)))
}

// steerBench is a steering server whose priority the bench flips.
type steerBench struct {
	mu       sync.Mutex
	priority []string
}

func (s *steerBench) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	body, _ := json.Marshal(map[string]any{"VERSION": 1, "TTL": steerTTL, "PATHWAY-PRIORITY": s.priority})
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

func (s *steerBench) set(p ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.priority = p
}

// steeredRun starts the two pathway hosts and the steering server, and
// plays the steered master with the trigger the kind names.
func (b *bench) steeredRun(kind string) (watchRun, error) {
	rate := int64(1.5 * float64(len(assets.Clip)) / assets.ClipDuration.Seconds())
	steer := &steerBench{priority: []string{"A", "B"}}
	srv := httptest.NewServer(steer)
	defer srv.Close()
	var hosts []*loopback.NginxHTTPHost
	var pathways []loopback.Pathway
	for _, id := range []string{"A", "B"} {
		dir := filepath.Join(b.tmp, fmt.Sprintf("steer-%s-%d", id, time.Now().UnixNano()))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return watchRun{}, err
		}
		h, err := loopback.StartNginxHTTP(dir, loopback.NginxHTTPOptions{LimitRate: rate})
		if err != nil {
			return watchRun{}, err
		}
		defer h.Close()
		hosts = append(hosts, h)
		pathways = append(pathways, loopback.Pathway{ID: id, Dir: dir, Origin: h.URL})
	}
	src := filepath.Join(b.tmp, assets.ClipName)
	if err := os.WriteFile(src, assets.Clip, 0o644); err != nil {
		return watchRun{}, err
	}
	if err := loopback.MakeSteeredStreams(src, srv.URL+"/steer.json", pathways); err != nil {
		return watchRun{}, err
	}
	fault := func() { steer.set("B", "A") }
	if kind == "failure" {
		fault = hosts[0].Kill
	}
	return b.watchOnce(watchSetup{hosts: []string{hosts[0].URL}, clip: loopback.SteeredTS, mode: mode{relay: true},
		faultAfter: 500 * time.Millisecond, fault: fault, timeout: 40 * time.Second, switchTo: "B"})
}

// benchSteering is section 12.
func (b *bench) benchSteering() ([]row, error) {
	var rows []row
	for _, kind := range []string{"steering", "failure"} {
		ws := &watchSamples{}
		for rep := 0; rep < b.reps; rep++ {
			b.logf("steering: repetition %d/%d, switch by %s", rep+1, b.reps, kind)
			r, err := b.steeredRun(kind)
			if err != nil {
				return nil, fmt.Errorf("steering, %s: %w", kind, err)
			}
			ws.runs = append(ws.runs, r)
		}
		rows = append(rows, steeringRows(kind, ws)...)
	}
	return rows, nil
}

func steeringRows(kind string, ws *watchSamples) []row {
	what := "HLS pathway switch by " + kind
	sw := ws.col(func(r watchRun) float64 { return r.switchMS })
	still := ws.col(func(r watchRun) float64 { return r.stillMS })
	pauses := ws.col(func(r watchRun) float64 { return float64(r.pauses) })
	trigger := "the steering server ranks B first (TTL 1 s: the change is seen at the next reload, up to 1 s later)"
	if kind == "failure" {
		trigger = "pathway A's host killed (reset)"
	}
	setup := fmt.Sprintf("trigger: %s, 500 ms after `start`; TS, 6 segments of 1 s made with ffmpeg, each pathway on its own nginx host at 1.5× the clip's bitrate; in process, the binary's engine, relay and session; `end`: %s", trigger, ws.ends())
	note := "trigger → the first segment request to pathway B (its `fetch` event's time less its elapsed time)"
	if sw.n < len(ws.runs) {
		note += fmt.Sprintf("; none in %d runs", len(ws.runs)-sw.n)
	}
	r := []row{
		msRow("11", what+": trigger → first segment from the new pathway", sw, "", nil, note+"; "+setup),
		msRow("11", what+": picture stood still", still, "0 ms (under one frame, 40 ms)", check(still.n > 0 && still.max < frameMS),
			"worst run judged; longest interval between two positions after the trigger less the usual one"),
		countRow("11", what+": rebuffering pauses", pauses, "moves from playing into buffering or connecting (`state` events)"),
	}
	r[2].target, r[2].ok = "0", check(pauses.n > 0 && pauses.max == 0)
	if kind == "steering" {
		r[0].target = "≤ TTL + one segment = 2000 ms"
		r[0].ok = check(sw.n == len(ws.runs) && sw.max <= 2000)
		r[0].note = "worst run judged; " + r[0].note
	} else {
		r[0].note += "; the rest of the segment under way is spliced onto B at once"
	}
	return r
}
