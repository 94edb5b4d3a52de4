package relay

import (
	"encoding/binary"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// segmentBaseFile is one representation's file as SegmentBase addresses
// it: an initialization, a sidx of two 2 s segments, the segments; and
// the SegmentBase element that names it.
func segmentBaseFile(name string) ([]byte, string) {
	init := []byte("init-" + name + "-moov")
	segs := [][]byte{[]byte(name + "-seg-0000"), []byte(name + "-seg-0001")}
	sidx := make([]byte, 32+12*len(segs))
	binary.BigEndian.PutUint32(sidx, uint32(len(sidx)))
	copy(sidx[4:], "sidx")
	binary.BigEndian.PutUint32(sidx[16:], 1000)
	binary.BigEndian.PutUint16(sidx[30:], uint16(len(segs)))
	for i, s := range segs {
		binary.BigEndian.PutUint32(sidx[32+12*i:], uint32(len(s)))
		binary.BigEndian.PutUint32(sidx[36+12*i:], 2000)
	}
	file := append(append([]byte{}, init...), sidx...)
	for _, s := range segs {
		file = append(file, s...)
	}
	el := fmt.Sprintf(`<BaseURL>%s.mp4</BaseURL><SegmentBase indexRange="%d-%d"><Initialization range="0-%d"/></SegmentBase>`,
		name, len(init), len(init)+len(sidx)-1, len(init)-1)
	return file, el
}

// TestDASHListLadderServes: a SegmentBase video ladder and a SegmentList
// audio set, through a relay with --quality auto. The player is shown one
// virtual representation of each at the relay's paths; segments come
// from the starting representations; after the quality key moves video
// to the lowest, its next segment comes from there, preceded in the same
// response by that representation's initialization, and the switch is a
// quality event of video (no track).
func TestDASHListLadderServes(t *testing.T) {
	files := map[string][]byte{}
	var reps []string
	for i, name := range []string{"lo", "hi"} {
		b, el := segmentBaseFile(name)
		files["d/"+name+".mp4"] = b
		reps = append(reps, fmt.Sprintf(`<Representation id="%s" bandwidth="%d" height="%d" codecs="avc1.42c01f">%s</Representation>`,
			name, 400_000*(i+1), 240*(i+1), el))
	}
	for _, a := range []string{"a64", "a128"} {
		files["d/"+a+"-1.m4s"], files["d/"+a+"-2.m4s"], files["d/"+a+"-init.mp4"] = []byte(a+"-seg-1"), []byte(a+"-seg-2"), []byte(a+"-init")
	}
	files["d/ladder.mpd"] = []byte(`<MPD type="static" mediaPresentationDuration="PT4S"><Period>
<AdaptationSet contentType="video">` + strings.Join(reps, "\n") + `</AdaptationSet>
<AdaptationSet contentType="audio" codecs="mp4a.40.2"><SegmentList timescale="1" duration="2"/>
<Representation id="a64" bandwidth="64000"><SegmentList><Initialization sourceURL="a64-init.mp4"/><SegmentURL media="a64-1.m4s"/><SegmentURL media="a64-2.m4s"/></SegmentList></Representation>
<Representation id="a128" bandwidth="128000"><SegmentList><Initialization sourceURL="a128-init.mp4"/><SegmentURL media="a128-1.m4s"/><SegmentURL media="a128-2.m4s"/></SegmentList></Representation>
</AdaptationSet></Period></MPD>`)
	host := hosttest.Keep(t)(loopback.Good(files))
	h := startRelayOpts(t, func(o *Options) { o.Quality = "auto" }, host.URL)
	_, mpd, err := get(t, h.relay.URL("d/ladder.mpd"), nil)
	if err != nil {
		t.Fatal(err)
	}
	lists := regexp.MustCompile(`sourceURL="([^"]*)init\.mp4"`).FindAllStringSubmatch(string(mpd), -1)
	if len(lists) != 2 || strings.Contains(string(mpd), "SegmentBase") || strings.Count(string(mpd), "<Representation") != 2 {
		t.Fatalf("not one virtual representation of each set:\n%s", mpd)
	}
	video, audio := lists[0][1], lists[1][1]
	body := func(url string) string {
		t.Helper()
		resp, b, err := get(t, url, nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v %v", url, resp, err)
		}
		return string(b)
	}
	for url, want := range map[string]string{video + "init.mp4": "init-hi-moov", video + "seg-0.m4s": "hi-seg-0000",
		audio + "init.mp4": "a128-init", audio + "seg-0.m4s": "a128-seg-1"} {
		if got := body(url); got != want {
			t.Errorf("%s: %q, want %q", url, got, want)
		}
	}
	if q, err := h.relay.CycleQuality(); err != nil || q != "240p" {
		t.Fatalf("the quality key: %q %v, want the video's 240p", q, err)
	}
	if got := body(video + "seg-1.m4s"); got != "init-lo-moov"+"lo-seg-0001" {
		t.Errorf("the switched segment: %q, want lo's initialization, then its segment", got)
	}
	var qs []events.Event
	for _, e := range h.events() {
		if e.Kind == events.Quality {
			qs = append(qs, e)
		}
	}
	if len(qs) != 1 || qs[0].FromVariant != "480p" || qs[0].ToVariant != "240p" || qs[0].Reason != events.QualityUser || qs[0].Track != "" {
		t.Errorf("quality events %+v, want one of video from 480p to 240p, reason user", qs)
	}
}

// TestDASHAudioBesideOneVideo: a manifest of one video representation
// and two audio ones: with auto, the audio is still switched on its own
// (a virtual representation at the relay's paths), the video shown as
// the host wrote it.
func TestDASHAudioBesideOneVideo(t *testing.T) {
	files := map[string][]byte{"d/a1.m4s": []byte("a1"), "d/b1.m4s": []byte("b1"), "d/ladder.mpd": []byte(`<MPD type="static"><Period>
<AdaptationSet contentType="video"><Representation id="v" bandwidth="400000" height="240"><SegmentList duration="2"><SegmentURL media="v1.m4s"/></SegmentList></Representation></AdaptationSet>
<AdaptationSet contentType="audio"><Representation id="a" bandwidth="64000"><SegmentList duration="2"><SegmentURL media="a1.m4s"/></SegmentList></Representation>
<Representation id="b" bandwidth="128000"><SegmentList duration="2"><SegmentURL media="b1.m4s"/></SegmentList></Representation></AdaptationSet></Period></MPD>`)}
	host := hosttest.Keep(t)(loopback.Good(files))
	h := startRelayOpts(t, func(o *Options) { o.Quality = "auto" }, host.URL)
	_, mpd, err := get(t, h.relay.URL("d/ladder.mpd"), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := string(mpd)
	if !strings.Contains(s, `<SegmentURL media="v1.m4s"/>`) || strings.Contains(s, "b1.m4s") || strings.Contains(s, `id="a"`) ||
		!regexp.MustCompile(`media="http://[^"]*/_quality/[0-9a-f]+/seg-0\.m4s"`).MatchString(s) {
		t.Errorf("want the video as written and one virtual audio representation:\n%s", s)
	}
}
