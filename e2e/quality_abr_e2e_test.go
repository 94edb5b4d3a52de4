package e2e

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"clusterplay/localhost"
	"clusterplay/loopback"
)

// rungOf is the ladder rung (0, 1, 2) a media segment path belongs to
// (TS, fMP4 or DASH video), -1 for any other path.
func rungOf(p string) int {
	for i := range loopback.Ladder {
		n := string(rune('0' + i))
		if strings.Contains(p, "/ladder/ts/v"+n+"/seg") || strings.Contains(p, "/ladder/fmp4/v"+n+"/seg") ||
			strings.Contains(p, "/ladder/dashbase/v"+n+".mp4") ||
			strings.Contains(p, "/chunk-stream"+n+"-") {
			return i
		}
	}
	return -1
}

// stalls are the times playback spent buffering after it first started,
// from the state events.
func stalls(evs []map[string]any) []time.Duration {
	var out []time.Duration
	var began time.Time
	started := false
	for _, ev := range evs {
		if ev["event"] == "start" {
			started = true
		}
		if ev["event"] != "state" || !started {
			continue
		}
		at, _ := time.Parse(time.RFC3339Nano, ev["ts"].(string))
		switch {
		case ev["state"] == "buffering" && began.IsZero():
			began = at
		case ev["state"] != "buffering" && !began.IsZero():
			out = append(out, at.Sub(began))
			began = time.Time{}
		}
	}
	return out
}

func quality(evs []map[string]any) []map[string]any {
	var out []map[string]any
	for _, ev := range evs {
		if ev["event"] == "quality" {
			out = append(out, ev)
		}
	}
	return out
}

// servedRungs are the rungs (rungOf) of the segments a link carried, in
// the order they ended; a SegmentBase file's ranges count when they are
// larger than its initialization and its sidx.
func servedRungs(link *loopback.Link) []int {
	var out []int
	for _, s := range link.Served() {
		r := rungOf(s.Path)
		if r >= 0 && (!strings.Contains(s.Path, "/ladder/dashbase/") || s.Bytes > 8<<10) {
			out = append(out, r)
		}
	}
	return out
}

// TestQualityAutoFollowsTheLink: a ladder (400k/1200k/3000k; HLS over
// TS and fMP4, DASH by $RepresentationID$, SegmentList and SegmentBase) on a host whose link carries 1.5x the middle variant's
// bandwidth. From the 4th segment request on, at least 70 % are the
// middle variant's, with no rebuffering; the throttle lifted, a quality
// event goes up to 720p within 10 s.
func TestQualityAutoFollowsTheLink(t *testing.T) {
	for _, clip := range []string{loopback.LadderTS, loopback.LadderFMP4, loopback.LadderDASH, loopback.LadderDASHList, loopback.LadderDASHBase} {
		t.Run(strings.Split(clip, "/")[1], func(t *testing.T) { followsTheLink(t, clip) })
	}
}

func followsTheLink(t *testing.T, clip string) {
	middle := loopback.Ladder[1].Bandwidth
	h, link := ladderHost(t, 60, middle*3/2/8)
	var (
		mu               sync.Mutex
		lifted, up       time.Time
		throttledRequest int
	)
	code, evs := playJSON(t, func(ev map[string]any, p *os.Process) {
		mu.Lock()
		defer mu.Unlock()
		segs := len(servedRungs(link))
		if lifted.IsZero() && segs >= 12 {
			lifted, throttledRequest = time.Now(), segs
			link.SetRate(unlimited)
		}
		if ev["event"] == "quality" && ev["to"] == "720p" && !lifted.IsZero() && up.IsZero() {
			up = time.Now()
			p.Signal(syscall.SIGTERM) // what was to be seen is seen
		}
	}, "--quality", "auto", "--host", h.URL, clip)
	if code != 0 && code != 130 {
		t.Fatalf("exit %d\n%s", code, lines(evs))
	}
	rungs := servedRungs(link)
	t.Logf("rungs of the segment requests: %v; quality events: %v", rungs, quality(evs))
	if throttledRequest < 4 {
		t.Fatalf("the throttle was never lifted: %d segment requests", throttledRequest)
	}
	middleCount := 0
	for _, r := range rungs[3:throttledRequest] {
		if r == 1 {
			middleCount++
		}
	}
	if share := float64(middleCount) / float64(throttledRequest-3); share < 0.7 {
		t.Errorf("from the 4th segment request on, %.0f %% were the middle variant's, want at least 70 %%: %v", share*100, rungs)
	}
	if s := stalls(evs); len(s) > 0 {
		mu.Lock()
		t.Errorf("rebuffered %v while the link carried 1.5x the middle variant", s)
		mu.Unlock()
	}
	if clip == loopback.LadderFMP4 {
		// A switch sends the new variant's init segment first.
		paths := served(link)
		firstTop := slices.IndexFunc(paths, func(p string) bool { return rungOf(p) == 2 })
		if firstTop >= 0 && !slices.Contains(paths[:firstTop], localhost.BasePath+"/ladder/fmp4/v2/init.mp4") {
			t.Errorf("720p's first segment came before its init segment: %v", paths)
		}
	}
	if clip == loopback.LadderDASH || clip == loopback.LadderDASHList {
		initSentAtSwitch(t, link, clip)
	}
	if up.IsZero() || up.Sub(lifted) > 10*time.Second {
		t.Errorf("the throttle lifted at %v, up to 720p at %v: want within 10 s\n%s", lifted, up, lines(evs))
	}
}

// TestQualityAutoAbandons: the link carries 2x the top variant, so auto
// climbs to 720p; then, a moment into a segment request, the link drops
// under the lowest variant's bitrate. The segment under way is abandoned
// (a quality event with reason abandon) and fetched from a lower variant,
// and no stall lasts longer than one segment. HLS over TS and over fMP4
// (an fMP4 segment is abandoned too, and the player is sent the init
// segment of the variant that served it), and DASH (SegmentList), whose
// segments the relay holds whole too.
func TestQualityAutoAbandons(t *testing.T) {
	for _, clip := range []string{loopback.LadderTS, loopback.LadderFMP4, loopback.LadderDASHList} {
		t.Run(strings.Split(clip, "/")[1], func(t *testing.T) { abandons(t, clip) })
	}
}

func abandons(t *testing.T, clip string) {
	top := loopback.Ladder[2].Bandwidth
	h, link := ladderHost(t, 60, top*2/8)
	low := loopback.Ladder[0].Bandwidth * 8 / 10 / 8 // 0.8x the lowest variant
	var (
		mu              sync.Mutex
		dropped, ending time.Time
	)
	atTop := make(chan struct{})
	// The drop goroutine reads atTop: it is closed once, never reassigned.
	var reachedTop sync.Once
	go func() { // the drop: 200 ms into the first request after 720p began
		select {
		case <-atTop:
		case <-time.After(80 * time.Second):
			return
		}
		n := h.Requests()
		for h.Requests() == n {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond)
		link.SetRate(low)
		mu.Lock()
		dropped = time.Now()
		mu.Unlock()
	}()
	code, evs := playJSON(t, func(ev map[string]any, p *os.Process) {
		mu.Lock()
		defer mu.Unlock()
		if ev["event"] == "quality" && ev["to"] == "720p" {
			reachedTop.Do(func() { close(atTop) })
		}
		if ev["event"] == "quality" && ev["reason"] == "abandon" && ending.IsZero() {
			ending = time.Now()
			time.AfterFunc(6*time.Second, func() { p.Signal(syscall.SIGTERM) })
		}
	}, "--quality", "auto", "--host", h.URL, clip)
	if code != 0 && code != 130 {
		t.Fatalf("exit %d\n%s", code, lines(evs))
	}
	mu.Lock()
	defer mu.Unlock()
	t.Logf("quality events: %v", quality(evs))
	if dropped.IsZero() {
		t.Fatalf("auto never reached 720p on a link of twice its bitrate\n%s", lines(evs))
	}
	var abandon map[string]any
	for _, q := range quality(evs) {
		if q["reason"] == "abandon" {
			abandon = q
		}
	}
	if abandon == nil || abandon["from"] != "720p" {
		t.Errorf("no quality event abandoning 720p after the link dropped: %v", quality(evs))
	}
	if clip == loopback.LadderFMP4 && abandon != nil {
		// The init segment the player got for the abandoned segment is the
		// lower variant's: the relay read it from the host.
		to := slices.IndexFunc(loopback.Ladder, func(r loopback.LadderRung) bool { return fmt.Sprintf("%dp", r.Height) == abandon["to"] })
		init := fmt.Sprintf("%s/ladder/fmp4/v%d/init.mp4", localhost.BasePath, to)
		if to < 0 || !slices.Contains(served(link), init) {
			t.Errorf("abandoned to %v, but %s was never fetched: %v", abandon["to"], init, served(link))
		}
	}
	for _, s := range stalls(evs) {
		if s > loopback.LadderSegment*time.Second {
			t.Errorf("a stall of %v, longer than one segment (%d s): %v", s, loopback.LadderSegment, stalls(evs))
		}
	}
}
