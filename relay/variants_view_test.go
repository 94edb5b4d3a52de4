package relay

import (
	"strings"
	"testing"

	"clusterplay/variants"
)

const testMaster = `#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="lo",NAME="en",URI="a/lo.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="hi",NAME="en",URI="a/hi.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=426x240,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="lo"
v0/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1280x720,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="hi"
v2/index.m3u8
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI="v2/iframes.m3u8"
`

const testMPD = `<MPD><Period id="0">
<AdaptationSet id="0" contentType="video"><SegmentTemplate media="c-$RepresentationID$-$Number$.m4s" initialization="i-$RepresentationID$.m4s" duration="2000" timescale="1000"/>
<Representation id="0" bandwidth="400000" width="426" height="240" codecs="avc1.42c01f"/>
<Representation id="1" bandwidth="1200000" width="854" height="480" codecs="avc1.42c01f"><BaseURL dvb:priority="1">x/</BaseURL></Representation>
<Representation id="2" bandwidth="3000000" width="1280" height="720" codecs="avc1.42c01f"/>
</AdaptationSet>
<AdaptationSet id="1" contentType="audio"><Representation id="3" bandwidth="64000"/></AdaptationSet>
</Period></MPD>`

// TestFixedViews: a fixed quality's manifest names the chosen variant
// alone (and its audio group), never another's playlist, segment or
// initialization; the rest of the text stays as the host wrote it.
func TestFixedViews(t *testing.T) {
	for _, tc := range []struct {
		name, body, quality string
		keep                func([]byte, variants.Variant) []byte
		want, gone          []string
	}{
		{"hls 720p", testMaster, "720p", keepHLSVariant,
			[]string{"v2/index.m3u8", `GROUP-ID="hi"`, "#EXTM3U"}, []string{"v0/", `GROUP-ID="lo"`, "iframes"}},
		{"hls worst", testMaster, "worst", keepHLSVariant,
			[]string{"v0/index.m3u8", `GROUP-ID="lo"`}, []string{"v2/", `GROUP-ID="hi"`}},
		{"dash 480p", testMPD, "480p", keepRepresentation,
			[]string{`id="1"`, `dvb:priority="1"`, `id="3"`, "</AdaptationSet>", "</MPD>"}, []string{`id="0" bandwidth`, `id="2"`}},
	} {
		vs := variants.Parse([]byte(tc.body))
		v, _, err := variants.Choose(tc.quality, vs)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		out := string(tc.keep([]byte(tc.body), v))
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: lacks %q:\n%s", tc.name, w, out)
			}
		}
		for _, g := range tc.gone {
			if strings.Contains(out, g) {
				t.Errorf("%s: still names %q:\n%s", tc.name, g, out)
			}
		}
	}
}

// TestMediaPlaylistAndVirtual: a variant's playlist is read into clip
// paths (absolute at the relay, path-absolute under the token, relative
// to the playlist), alignment compares sequence and durations, and the
// virtual playlist puts an EXT-X-MAP before each fMP4 segment.
func TestMediaPlaylistAndVirtual(t *testing.T) {
	const base = "http://127.0.0.1:1/tok/"
	body := "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:5\n#EXT-X-PLAYLIST-TYPE:VOD\n" +
		`#EXT-X-MAP:URI="init.mp4"` + "\n#EXTINF:2.000,\n" + base + "h/v1/s5.m4s\n#EXTINF:2.000,\n/tok/h/v1/s6.m4s\n#EXTINF:1.500,\ns7.m4s\n#EXT-X-ENDLIST\n"
	m, err := parseMedia([]byte(body), "h/v1/index.m3u8", base, "tok")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.segs) != 3 || m.segs[0].clip != "h/v1/s5.m4s" || m.segs[1].clip != "h/v1/s6.m4s" || m.segs[2].clip != "h/v1/s7.m4s" ||
		m.segs[0].init != "h/v1/init.mp4" || m.sequence != 5 || !m.ended {
		t.Fatalf("parsed %+v", m)
	}
	other, _ := parseMedia([]byte(strings.ReplaceAll(body, "1.500", "1.600")), "h/v0/index.m3u8", base, "tok")
	if !aligned(m, m) || aligned(m, other) {
		t.Error("alignment: the same playlist aligns, another duration does not")
	}
	v := string(virtualPlaylist(m, base+"_quality/x/"))
	for _, want := range []string{"#EXT-X-MEDIA-SEQUENCE:5", `#EXT-X-MAP:URI="` + base + `_quality/x/init-7.mp4"`,
		base + "_quality/x/seg-7.m4s", "#EXTINF:1.500,", "#EXT-X-ENDLIST"} {
		if !strings.Contains(v, want) {
			t.Errorf("virtual playlist lacks %q:\n%s", want, v)
		}
	}
	if n := strings.Count(v, "#EXT-X-MAP"); n != 3 {
		t.Errorf("%d EXT-X-MAP, want one per segment:\n%s", n, v)
	}
	if templateSeconds(`<SegmentTemplate duration="2000" timescale="1000">`) != 2 {
		t.Error("a template's segment duration")
	}
}

// TestAbsolutize: a playlist served at another path keeps its URIs
// meaning: relative ones become the relay's absolute URLs.
func TestAbsolutize(t *testing.T) {
	const base = "http://127.0.0.1:1/tok/"
	in := "#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"key.bin\"\n#EXTINF:2,\nseg0.ts\n#EXTINF:2,\n" + base + "h/v0/seg1.ts\n"
	out := string(absolutize([]byte(in), "h/v0/index.m3u8", base, "tok"))
	for _, want := range []string{`URI="` + base + `h/v0/key.bin"`, "\n" + base + "h/v0/seg0.ts\n", "\n" + base + "h/v0/seg1.ts\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q:\n%s", want, out)
		}
	}
}
