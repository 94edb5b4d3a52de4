package e2e

import (
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"clusterplay/localhost"
	"clusterplay/loopback"
)

// initSentAtSwitch: the relay fetched 720p's initialization at the
// switch, after a segment of another representation and before 720p's
// first segment (it sends it to the player ahead of that segment).
func initSentAtSwitch(t *testing.T, link *loopback.Link, clip string) {
	t.Helper()
	paths := served(link)
	firstTop := slices.IndexFunc(paths, func(p string) bool { return rungOf(p) == 2 })
	if firstTop < 0 {
		t.Errorf("no 720p segment was fetched: %v", paths)
		return
	}
	init := localhost.BasePath + "/" + path.Dir(clip) + "/init-stream2.m4s"
	at := slices.Index(paths, init)
	firstSeg := slices.IndexFunc(paths, func(p string) bool { return rungOf(p) >= 0 })
	if at < 0 || at > firstTop || at < firstSeg {
		t.Errorf("720p's initialization %s was not fetched at the switch (at %d; first segment %d, 720p's first %d): %v",
			init, at, firstSeg, firstTop, paths)
	}
}

// TestQualityAutoSwitchesDASHAudio: a DASH ladder (SegmentList) with two
// audio representations (64k, 128k), video bounded to 240p, on a link
// that cannot carry 240p with the 128k audio (0.97x their sum): auto
// steps the audio down on its own, a quality event with track audio, and
// the host serves the 64k audio's segments from then on.
func TestQualityAutoSwitchesDASHAudio(t *testing.T) {
	for _, clip := range []string{loopback.LadderDASHList, loopback.LadderDASHBase} {
		t.Run(strings.Split(clip, "/")[1], func(t *testing.T) { dashAudioStepsDown(t, clip) })
	}
}

func dashAudioStepsDown(t *testing.T, clip string) {
	video := int64(345_000) // 240p's video alone, about what the manifests say
	h, link := ladderHost(t, 40, (video+loopback.LadderDASHAudio[1])*97/100/8)
	var (
		mu       sync.Mutex
		switched int // link responses when audio switched, 0 before
	)
	code, evs := playJSON(t, func(ev map[string]any, p *os.Process) {
		mu.Lock()
		defer mu.Unlock()
		if ev["event"] == "quality" && ev["track"] == "audio" && switched == 0 {
			switched = len(link.Served())
			time.AfterFunc(6*time.Second, func() { p.Signal(syscall.SIGTERM) })
		}
	}, "--quality", "auto", "--quality-max", "240p", "--host", h.URL, clip)
	if code != 0 && code != 130 {
		t.Fatalf("exit %d\n%s", code, lines(evs))
	}
	mu.Lock()
	defer mu.Unlock()
	t.Logf("quality events: %v", quality(evs))
	var audio map[string]any
	for _, q := range quality(evs) {
		if q["track"] == "audio" {
			audio = q
			break
		}
		t.Errorf("a video quality event with video bounded to one representation: %v", q)
	}
	if audio == nil || audio["from"] != "128k" || audio["to"] != "64k" || audio["reason"] == "" {
		t.Fatalf("no audio quality event from 128k to 64k: %v\n%s", quality(evs), lines(evs))
	}
	low := map[string]string{loopback.LadderDASHList: "/chunk-stream3-", loopback.LadderDASHBase: "/ladder/dashbase/a0.mp4"}[clip]
	after := 0
	for _, s := range link.Served()[switched:] {
		if strings.Contains(s.Path, low) && s.Bytes > 4<<10 {
			after++
		}
	}
	if after == 0 {
		t.Errorf("no 64k audio segment was served after the switch: %v", served(link)[switched:])
	}
}
