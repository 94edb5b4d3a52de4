package relay

import (
	"strings"
	"testing"

	"clusterplay/variants"
)

const listTestMPD = `<MPD type="static"><Period id="0">
<AdaptationSet id="0" contentType="video"><SegmentTemplate timescale="1000"/>
<Representation id="0" bandwidth="400000" height="240" codecs="avc1.42c01f"><BaseURL>v0/</BaseURL><SegmentList duration="2000"><Initialization sourceURL="i.mp4"/><SegmentURL media="1.m4s"/></SegmentList></Representation>
<Representation id="1" bandwidth="1200000" height="480" codecs="avc1.42c01f"><ContentProtection x="1"/><SegmentBase indexRange="9-10"/></Representation>
</AdaptationSet>
<AdaptationSet id="1" contentType="audio"><Representation id="a" bandwidth="64000"><SegmentList duration="2"><SegmentURL media="a1.m4s"/></SegmentList></Representation></AdaptationSet>
</Period></MPD>`

// TestVirtualRepresentation: the representation shown is the chosen one
// under the ladder's virtual id, its addressing and BaseURLs (and its
// set's) replaced by a SegmentList of the relay's paths, its other
// children kept; the other sets are as the host wrote them.
func TestVirtualRepresentation(t *testing.T) {
	chosen := variants.Variant{ID: "1", Set: 0}
	l := &ladder{id: "0123456789abcdef", segmentSeconds: 2, start: 0,
		lists: []*mediaList{{segs: []mediaSeg{{dur: 2}, {dur: 2}, {dur: 1.5}}}}}
	out := string(virtualRepresentation(keepRepresentation([]byte(listTestMPD), chosen), chosen, l, "http://relay/t/"))
	for _, want := range []string{`<Representation id="q01234567" bandwidth="1200000"`, `<ContentProtection x="1"/>`,
		`<SegmentList timescale="1000" duration="2000">`, `<Initialization sourceURL="http://relay/t/_quality/0123456789abcdef/init.mp4"/>`,
		`<SegmentURL media="http://relay/t/_quality/0123456789abcdef/seg-2.m4s"/>`, `<SegmentURL media="a1.m4s"/>`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s in\n%s", want, out)
		}
	}
	for _, gone := range []string{`indexRange`, `<SegmentTemplate`, `v0/`, `<Representation id="0"`, `seg-3`} {
		if strings.Contains(out, gone) {
			t.Errorf("%s left in\n%s", gone, out)
		}
	}
}

func TestTimesAlign(t *testing.T) {
	list := func(durs ...float64) *mediaList {
		m := &mediaList{}
		for _, d := range durs {
			m.segs = append(m.segs, mediaSeg{dur: d})
		}
		return m
	}
	for _, tc := range []struct {
		name string
		a, b *mediaList
		want bool
	}{
		{"the same", list(2, 2, 1), list(2, 2, 1), true},
		{"within 10 ms", list(2, 2, 1), list(2.004, 1.999, 1.003), true},
		{"a boundary 50 ms off", list(2, 2, 1), list(2.05, 1.95, 1), false},
		{"one segment more", list(2, 2), list(2, 2, 1), false},
		{"the last longer", list(2, 2, 1), list(2, 2, 1.5), false},
	} {
		if got := timesAlign(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestEstimateLeft: audio counts on what the video being served leaves
// of the estimate, at least 1 bit/s once there is an estimate; video on
// all of it.
func TestEstimateLeft(t *testing.T) {
	video := &ladder{cur: -1, start: 1, rungs: []variants.Variant{{Bandwidth: 400_000}, {Bandwidth: 1_200_000}}}
	audio := &ladder{track: audioTrack, video: video}
	fixed := &ladder{track: audioTrack, videoBandwidth: 300_000}
	for _, tc := range []struct {
		name     string
		l        *ladder
		cur      int
		est, got float64
	}{
		{"video: all of it", video, -1, 2e6, 2e6},
		{"audio before video served: the starting rung's left", audio, -1, 2e6, 800_000},
		{"audio: the current rung's left", audio, 0, 2e6, 1_600_000},
		{"audio: nothing left", audio, 1, 1e6, 1},
		{"audio: no estimate yet", audio, 1, 0, 0},
		{"audio beside a fixed video", fixed, -1, 1e6, 700_000},
	} {
		video.cur = tc.cur
		if got := (&Relay{}).linkLeft(tc.l, tc.est); got != tc.got {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.got)
		}
	}
}

// TestAdopt: a reloaded manifest's ladder keeps the rung that served
// and the initialization the player read, when its rungs are the same.
func TestAdopt(t *testing.T) {
	rungs := []variants.Variant{{ID: "0"}, {ID: "1"}}
	fresh := func(ids ...string) *ladder {
		l := &ladder{cur: -1, dash: dashState{mapped: -1}}
		for _, id := range ids {
			l.rungs, l.lists = append(l.rungs, variants.Variant{ID: id}), append(l.lists, &mediaList{})
		}
		return l
	}
	old := &ladder{rungs: rungs, cur: 1, lastHost: "h", dash: dashState{mapped: 1, initClip: "i-q1.mp4"}}
	l := fresh("0", "1")
	l.adopt(old)
	if l.cur != 1 || l.dash.mapped != 1 || l.dash.initClip != "i-q1.mp4" || l.lastHost != "h" {
		t.Errorf("same rungs: %+v", l)
	}
	for name, l := range map[string]*ladder{"other rungs": fresh("0", "2"), "fewer rungs": fresh("0")} {
		l.adopt(old)
		if l.cur != -1 || l.dash.mapped != -1 {
			t.Errorf("%s: adopted %+v", name, l)
		}
	}
	l = fresh("0", "1")
	l.lists[1] = nil // the rung that served no longer aligns
	l.adopt(old)
	if l.cur != -1 {
		t.Errorf("a rung that no longer aligns is current: %d", l.cur)
	}
	fresh("0").adopt(nil)
}

func TestPeriodAddressing(t *testing.T) {
	for mpd, want := range map[string]bool{
		listTestMPD: false,
		`<MPD><Period><SegmentTemplate media="$Number$.m4s"/><AdaptationSet><Representation id="a"/></AdaptationSet></Period></MPD>`: true,
		`<MPD><Period><AdaptationSet><SegmentBase indexRange="1-2"/></AdaptationSet></Period><Period><SegmentList/></Period></MPD>`:  false,
		`<MPD/>`: false,
	} {
		if got := periodAddressing([]byte(mpd)); got != want {
			t.Errorf("%s: %v, want %v", mpd, got, want)
		}
	}
}
