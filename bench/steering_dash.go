package main

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
)

// Section 11, DASH: the stream's DASH made with ffmpeg (1 s segments),
// offered at two service locations (cdn-a, cdn-b: one nginx host each,
// absolute BaseURLs in one MPD) switches location mid-play: by steering
// (the MPD's <ContentSteering> server, TTL 1 s, ranks cdn-b first 500 ms
// after `start`), and by failure (no steering: cdn-a is DVB priority 1,
// cdn-b priority 2, and cdn-a's host is killed 500 ms after `start`).
// The same measures as HLS's rows: trigger → the first segment request
// to cdn-b, rebuffers, how long the picture stood still.

// dashSteeredRun starts the two locations' hosts (and the steering server
// for a switch by steering) and plays the MPD with the trigger kind names.
func (b *bench) dashSteeredRun(kind string) (watchRun, error) {
	rate := int64(1.5 * float64(len(assets.Clip)) / assets.ClipDuration.Seconds())
	steer := &steerBench{priority: []string{"cdn-a", "cdn-b"}}
	srv := httptest.NewServer(steer)
	defer srv.Close()
	locs := []loopback.ServiceLocation{{Name: "cdn-a", Priority: 1}, {Name: "cdn-b", Priority: 2}}
	var hosts []*loopback.NginxHTTPHost
	for i := range locs {
		dir := filepath.Join(b.tmp, fmt.Sprintf("dash-%s-%d", locs[i].Name, time.Now().UnixNano()))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return watchRun{}, err
		}
		h, err := loopback.StartNginxHTTP(dir, loopback.NginxHTTPOptions{LimitRate: rate})
		if err != nil {
			return watchRun{}, err
		}
		defer h.Close()
		hosts = append(hosts, h)
		locs[i].Dir, locs[i].Origin = dir, h.URL
	}
	src := filepath.Join(b.tmp, assets.ClipName)
	if err := os.WriteFile(src, assets.Clip, 0o644); err != nil {
		return watchRun{}, err
	}
	opts := loopback.DASHOptions{Steering: srv.URL + "/steer.json"}
	fault := func() { steer.set("cdn-b", "cdn-a") }
	if kind == "failure" {
		opts, fault = loopback.DASHOptions{}, hosts[0].Kill
	}
	if err := loopback.MakeDASHLocations(src, locs, opts); err != nil {
		return watchRun{}, err
	}
	return b.watchOnce(watchSetup{hosts: []string{hosts[0].URL}, clip: loopback.DASHBaseURLs, mode: mode{relay: true},
		faultAfter: 500 * time.Millisecond, fault: fault, timeout: 40 * time.Second, switchTo: "cdn-b"})
}

// benchDASHSteering is section 12's DASH rows.
func (b *bench) benchDASHSteering() ([]row, error) {
	var rows []row
	for _, kind := range []string{"steering", "failure"} {
		ws := &watchSamples{}
		for rep := 0; rep < b.reps; rep++ {
			b.logf("dash steering: repetition %d/%d, switch by %s", rep+1, b.reps, kind)
			r, err := b.dashSteeredRun(kind)
			if err != nil {
				return nil, fmt.Errorf("dash steering, %s: %w", kind, err)
			}
			ws.runs = append(ws.runs, r)
		}
		rows = append(rows, dashSteeringRows(kind, ws)...)
	}
	return rows, nil
}

// dashSteeringRows are HLS's rows in DASH's words: the same measures and
// targets, the service locations for the pathways.
func dashSteeringRows(kind string, ws *watchSamples) []row {
	rows := steeringRows(kind, ws)
	words := strings.NewReplacer(
		"HLS pathway switch", "DASH service location switch",
		"the first segment request to pathway B", "the first segment request to cdn-b",
		"the steering server ranks B first", "the MPD's <ContentSteering> server ranks cdn-b first",
		"pathway A's host killed (reset)", "cdn-a's host killed (reset); no steering, cdn-a DVB priority 1, cdn-b priority 2",
		"TS, 6 segments of 1 s made with ffmpeg, each pathway on its own nginx host", "DASH (fMP4), 6 segments of 1 s made with ffmpeg, each service location on its own nginx host",
		"spliced onto B", "spliced onto cdn-b",
	)
	for i := range rows {
		rows[i].what = words.Replace(rows[i].what)
		rows[i].note = words.Replace(rows[i].note)
	}
	return rows
}
