package e2e

import (
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"clusterplay/loopback"
)

// audioLadderHost serves loopback's ladder with separate audio renditions
// (seconds long) through a link of rate bytes/s.
func audioLadderHost(t *testing.T, seconds int, rate int64) (*loopback.Host, *loopback.Link) {
	t.Helper()
	return linkedLadder(t, seconds, rate, loopback.MakeAudioLadder)
}

// audioSegments counts, by group directory (a64, a192), the audio
// segments a link sent bodies of since from; heads counts every request
// of theirs, HEADs among them.
func audioSegments(link *loopback.Link, from int) (bodies, heads map[string]int) {
	bodies, heads = map[string]int{}, map[string]int{}
	for _, s := range link.Served()[from:] {
		for _, g := range loopback.AudioLadderGroups {
			if strings.Contains(s.Path, "/ladder/audio/"+g.Dir+"/seg") {
				heads[g.Dir]++
				if s.Bytes > 0 {
					bodies[g.Dir]++
				}
			}
		}
	}
	return bodies, heads
}

// TestQualityAutoAudioRenditions: an HLS master whose video variants carry
// no audio and whose audio is in two groups (64k and 192k AAC, one English
// rendition each). Under auto, on a link of 1.5x the middle variant, the
// audio starts with the middle variant's 192k group; the link then drops
// so that the top audio cannot be carried beside the lowest video (the
// link the video leaves is under 192k): the audio steps down by itself,
// a quality event with track "audio" from aac-192k to aac-64k, both
// groups' segments are served and playback never rebuffers. Under
// --quality 480p, no request of the 64k group's segments reaches the host.
func TestQualityAutoAudioRenditions(t *testing.T) {
	middle := loopback.AudioLadderVideo[1].Bandwidth + loopback.AudioLadderGroups[1].Bitrate
	h, link := audioLadderHost(t, 60, middle*3/2/8)
	t.Run("auto", func(t *testing.T) { audioStepsDown(t, h, link) })
	t.Run("fixed", func(t *testing.T) {
		link.SetRate(unlimited)
		from := len(link.Served())
		code, evs := playJSON(t, func(ev map[string]any, p *os.Process) {
			if bodies, _ := audioSegments(link, from); bodies["a192"] >= 5 {
				p.Signal(syscall.SIGTERM)
			}
		}, "--quality", "480p", "--host", h.URL, loopback.LadderAudio)
		if code != 0 && code != 130 {
			t.Fatalf("exit %d\n%s", code, lines(evs))
		}
		bodies, heads := audioSegments(link, from)
		if bodies["a192"] == 0 || heads["a64"] > 0 {
			t.Errorf("--quality 480p: %v segment requests of the 64k group (want none), %d bodies of the 192k group's",
				heads["a64"], bodies["a192"])
		}
		for _, q := range quality(evs) {
			t.Errorf("a fixed quality switched: %v", q)
		}
	})
}

// audioStepsDown is the auto half of TestQualityAutoAudioRenditions.
func audioStepsDown(t *testing.T, h *loopback.Host, link *loopback.Link) {
	// Under the 192k audio beside the lowest video (264k BANDWIDTH with
	// its 64k group): the lowest video and the 64k audio still fit.
	low := int64(350_000) / 8
	var (
		mu            sync.Mutex
		dropped, down time.Time
	)
	code, evs := playJSON(t, func(ev map[string]any, p *os.Process) {
		mu.Lock()
		defer mu.Unlock()
		segs := 0
		for _, s := range served(link) {
			if strings.Contains(s, "/ladder/audio/v") && strings.Contains(s, "/seg") {
				segs++
			}
		}
		if dropped.IsZero() && segs >= 12 { // the buffer full, as a viewer's is when a link drops
			dropped = time.Now()
			link.SetRate(low)
		}
		if ev["event"] == "quality" && ev["track"] == "audio" && down.IsZero() {
			down = time.Now()
			time.AfterFunc(10*time.Second, func() { p.Signal(syscall.SIGTERM) }) // and the estimate follows the link
		}
	}, "--quality", "auto", "--host", h.URL, loopback.LadderAudio)
	if code != 0 && code != 130 {
		t.Fatalf("exit %d\n%s", code, lines(evs))
	}
	mu.Lock()
	defer mu.Unlock()
	t.Logf("quality events: %v; the link dropped at %v, the audio stepped down %v later", quality(evs), dropped, down.Sub(dropped))
	if dropped.IsZero() {
		t.Fatalf("the link never dropped: fewer than 12 video segments\n%s", lines(evs))
	}
	var audio []map[string]any
	for _, q := range quality(evs) {
		if q["track"] == "audio" {
			audio = append(audio, q)
		}
	}
	if len(audio) == 0 || audio[0]["from"] != "aac-192k" || audio[0]["to"] != "aac-64k" {
		t.Errorf("no quality event with track audio from aac-192k to aac-64k: %v", quality(evs))
	} else if b, _ := audio[0]["bitrate"].(float64); b <= 0 || b >= 192_000 {
		t.Errorf("the audio switch's bitrate %v: want the 64k rendition's, measured", audio[0]["bitrate"])
	}
	bodies, _ := audioSegments(link, 0)
	if bodies["a192"] == 0 || bodies["a64"] == 0 {
		t.Errorf("segments served by audio group: %v, want both", bodies)
	}
	if s := stalls(evs); len(s) > 0 {
		t.Errorf("rebuffered %v", s)
	}
}
