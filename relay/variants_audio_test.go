package relay

import (
	"net/http/httptest"
	"strings"
	"testing"

	"clusterplay/variants"
)

const audioBase = "http://relay.test/"

// audioTestMaster is a CDN's master as the relay rewrote it: video-only
// variants, two groups of one English rendition each, and a German one
// in the low group alone.
const audioTestMaster = `#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac-64k",NAME="English",LANGUAGE="en",CHANNELS="2",DEFAULT=YES,AUTOSELECT=YES,URI="` + audioBase + `h/a64/index.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac-64k",NAME="Deutsch",LANGUAGE="de",CHANNELS="2",URI="` + audioBase + `h/a64/de.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac-192k",NAME="English",LANGUAGE="en",CHANNELS="2",DEFAULT=YES,AUTOSELECT=YES,URI="` + audioBase + `h/a192/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=464000,RESOLUTION=426x240,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="aac-64k"
` + audioBase + `h/v0/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1392000,RESOLUTION=854x480,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="aac-192k"
` + audioBase + `h/v1/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=3192000,RESOLUTION=1280x720,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="aac-192k"
` + audioBase + `h/v2/index.m3u8
`

// autoMaster is the master auto shows the player of body, and the relay
// that registered its ladders.
func autoMaster(t *testing.T, body string) (string, *Relay) {
	t.Helper()
	r := &Relay{}
	req := httptest.NewRequest("GET", audioBase+"h/master.m3u8", nil)
	vs := variants.Parse([]byte(body))
	chosen, auto, err := variants.Choose(variants.Auto, vs)
	if err != nil || !auto {
		t.Fatalf("choose auto: %v", err)
	}
	out, ok := r.ladderMaster(req, "h/master.m3u8", []byte(body), vs, chosen)
	if !ok {
		t.Fatal("no ladder")
	}
	return string(out), r
}

// TestAudioMasterRewrite: under auto the player is shown one audio group,
// the starting variant's, whose switchable rendition names the relay's
// virtual playlist (its own ladder, rungs in both groups); a rendition of
// that group with nothing to switch to keeps its URI; the quality key's
// ladder stays the video's.
func TestAudioMasterRewrite(t *testing.T) {
	out, r := autoMaster(t, audioTestMaster)
	audio := ladderID("h/master.m3u8\x00audio\x00en/English")
	for _, want := range []string{
		`GROUP-ID="aac-192k",NAME="English",LANGUAGE="en",CHANNELS="2",DEFAULT=YES,AUTOSELECT=YES,URI="` + audioBase + ladderPrefix + audio + `/index.m3u8"`,
		`AUDIO="aac-192k"`, audioBase + ladderPrefix + ladderID("h/master.m3u8") + "/index.m3u8",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the master lacks %q:\n%s", want, out)
		}
	}
	for _, gone := range []string{"a64/", "a192/", `GROUP-ID="aac-64k"`, "v0/", "v2/"} {
		if strings.Contains(out, gone) {
			t.Errorf("the master still names %q:\n%s", gone, out)
		}
	}
	if n := strings.Count(out, "TYPE=AUDIO"); n != 1 {
		t.Errorf("%d audio renditions, want 1:\n%s", n, out)
	}
	l := r.ladders.get(audio)
	if l == nil || len(l.rungs) != 2 || l.rungs[l.start].Audio != "aac-192k" || l.track != audioTrack || l.video == nil {
		t.Fatalf("audio ladder = %+v", l)
	}
	if l.paths[0] != "h/a64/index.m3u8" || l.paths[1] != "h/a192/index.m3u8" {
		t.Errorf("audio rungs' paths = %v", l.paths)
	}
	if latest := r.ladders.latest(); latest == nil || latest.track != "" {
		t.Errorf("the latest ladder is %+v, want the video's", latest)
	}
}

// TestAudioMasterNothingToSwitch: a master whose audio is in one group
// (or whose variants name none) is shown as before.
func TestAudioMasterNothingToSwitch(t *testing.T) {
	one := strings.ReplaceAll(audioTestMaster, `"aac-192k"`, `"aac-64k"`)
	out, _ := autoMaster(t, one)
	if !strings.Contains(out, `URI="`+audioBase+`h/a64/index.m3u8"`) || strings.Count(out, ladderPrefix) != 1 {
		t.Errorf("one group: the renditions keep their URIs, the video alone is virtual:\n%s", out)
	}
}

func rangedList(segBytes int64, n int) *mediaList {
	m := &mediaList{}
	for i := range n {
		m.segs = append(m.segs, mediaSeg{dur: 2, hasRange: true, clip: "a/all.ts",
			rng: byteRange{asked: true, start: int64(i) * segBytes, end: int64(i+1)*segBytes - 1}})
	}
	return m
}

// TestRankRenditions: the rungs are measured by their byte ranges and
// ordered lowest first, the starting rung followed; the link the video
// leaves is the host's estimate less the video's share of its variant's
// BANDWIDTH (its own group's audio given back), at least 1 bit/s.
func TestRankRenditions(t *testing.T) {
	r := &Relay{}
	video := &ladder{cur: -1, start: 1, rungs: []variants.Variant{
		{Name: "240p", Bandwidth: 464_000, Audio: "aac-64k"}, {Name: "480p", Bandwidth: 1_392_000, Audio: "aac-192k"}}}
	l := &ladder{track: audioTrack, video: video, start: 0, rungs: []variants.Variant{
		{Name: "aac-192k", Audio: "aac-192k"}, {Name: "aac-64k", Audio: "aac-64k"}}, paths: []string{"hi", "lo"}}
	lists := []*mediaList{rangedList(48_000, 3), rangedList(16_000, 3)}
	hi := lists[0]
	r.rankRenditions(httptest.NewRequest("GET", audioBase, nil), l, lists)
	if l.rungs[0].Name != "aac-64k" || l.rungs[0].Bandwidth != 64_000 || l.rungs[1].Bandwidth != 192_000 ||
		l.paths[1] != "hi" || lists[1] != hi || l.start != 1 {
		t.Fatalf("ranked %+v %v start %d", l.rungs, l.paths, l.start)
	}
	for _, tc := range []struct {
		videoCur        int
		estimate, wantE float64
	}{
		{-1, 2_000_000, 2_000_000 - (1_392_000 - 192_000)}, // the starting 480p: its own 192k given back
		{0, 600_000, 600_000 - (464_000 - 64_000)},         // 240p names the 64k group
		{1, 1_000_000, 1}, // the video takes it all
		{1, 0, 0},         // no estimate yet
	} {
		video.cur = tc.videoCur
		if got := r.linkLeft(l, tc.estimate); got != tc.wantE {
			t.Errorf("video at %d, estimate %.0f: left %.0f, want %.0f", tc.videoCur, tc.estimate, got, tc.wantE)
		}
	}
	if got := r.linkLeft(video, 5e6); got != 5e6 {
		t.Errorf("the video ladder's estimate is the host's, got %.0f", got)
	}
}

// perGroupMaster lists each video playlist once per audio group, as
// some packagers write it.
const perGroupMaster = `#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac-64k",NAME="English",LANGUAGE="en",URI="` + audioBase + `h/a64/index.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac-192k",NAME="English",LANGUAGE="en",URI="` + audioBase + `h/a192/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=264000,RESOLUTION=426x240,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="aac-64k"
` + audioBase + `h/v0/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=392000,RESOLUTION=426x240,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="aac-192k"
` + audioBase + `h/v0/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=764000,RESOLUTION=854x480,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="aac-64k"
` + audioBase + `h/v1/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=892000,RESOLUTION=854x480,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="aac-192k"
` + audioBase + `h/v1/index.m3u8
`

// TestAudioMasterPlaylistPerGroup: a video playlist listed once per audio
// group is one video rung, the entry of the group shown; the master
// shown names it once, with that group. A fixed quality keeps its own
// entry alone, so no other group is named.
func TestAudioMasterPlaylistPerGroup(t *testing.T) {
	out, r := autoMaster(t, perGroupMaster)
	// auto starts at the middle of four entries: 480p's with the 64k group.
	if n := strings.Count(out, "#EXT-X-STREAM-INF"); n != 1 || !strings.Contains(out, `BANDWIDTH=764000`) || strings.Contains(out, `"aac-192k"`) {
		t.Errorf("%d variants shown, want the starting 480p with its 64k group once:\n%s", n, out)
	}
	video := r.ladders.latest()
	if video == nil || len(video.rungs) != 2 || video.rungs[0].Audio != "aac-64k" || video.rungs[1].Bandwidth != 764_000 {
		t.Errorf("video rungs %+v, want one per playlist naming the 64k group", video.rungs)
	}
	if !strings.Contains(out, ladderPrefix+ladderID("h/master.m3u8\x00audio\x00en/English")) {
		t.Errorf("the audio is not virtual:\n%s", out)
	}
	fixed := variants.Parse([]byte(perGroupMaster))[0] // 240p_alt, the 64k group's entry
	kept := string(keepHLSVariant([]byte(perGroupMaster), fixed))
	if strings.Count(kept, "#EXT-X-STREAM-INF") != 1 || strings.Contains(kept, "a192/") || !strings.Contains(kept, "BANDWIDTH=264000") {
		t.Errorf("240p_alt (the 64k group's entry) kept:\n%s", kept)
	}
}
