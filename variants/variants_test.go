package variants

import (
	"errors"
	"testing"
)

const master = `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-STREAM-INF:BANDWIDTH=3406000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"
v2/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=545000,RESOLUTION=426x240,CODECS="avc1.42c015,mp4a.40.2"
v0/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1426000,RESOLUTION=854x480,CODECS="avc1.4d401e,mp4a.40.2"
http://edge/hls/v1/index.m3u8
`

const manifest = `<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static">
 <Period id="0">
  <AdaptationSet id="0" contentType="video" codecs="avc1.64001f">
   <Representation id="0" bandwidth="400000" width="426" height="240"/>
   <Representation id="1" bandwidth="1200000" width="854" height="480"/>
   <Representation id="2" bandwidth="3000000" width="1280" height="720"><SegmentBase/></Representation>
  </AdaptationSet>
  <AdaptationSet id="1" contentType="audio"><Representation id="3" bandwidth="64000" codecs="mp4a.40.2"/></AdaptationSet>
 </Period>
</MPD>`

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name  string
		body  string
		lines []string
	}{
		{"hls master", master, []string{
			"240p       426x240    545k    avc1.42c015,mp4a.40.2",
			"480p       854x480    1426k   avc1.4d401e,mp4a.40.2",
			"720p       1280x720   3406k   avc1.64001f,mp4a.40.2"}},
		{"dash", manifest, []string{
			"240p       426x240    400k    avc1.64001f",
			"480p       854x480    1200k   avc1.64001f",
			"720p       1280x720   3000k   avc1.64001f"}},
		{"media playlist", "#EXTM3U\n#EXTINF:2,\na.ts\n", nil},
		{"garbage", "<MPD", nil},
	} {
		vs := Parse([]byte(tc.body))
		if len(vs) != len(tc.lines) {
			t.Fatalf("%s: %d variants, want %d: %+v", tc.name, len(vs), len(tc.lines), vs)
		}
		for i, v := range vs {
			if v.Line() != tc.lines[i] {
				t.Errorf("%s: line %d = %q, want %q", tc.name, i, v.Line(), tc.lines[i])
			}
		}
	}
}

func TestChoose(t *testing.T) {
	vs := Parse([]byte(master))
	for _, tc := range []struct {
		spec, want string
		auto       bool
		err        bool
	}{
		{"best", "720p", false, false},
		{"worst", "240p", false, false},
		{"auto", "480p", true, false},
		{"480p", "480p", false, false},
		{"1500k", "480p", false, false},
		{"1426k", "480p", false, false},
		{"100k", "", false, true},
		{"1080p,720p,best", "720p", false, false},
		{"1080p,best", "720p", false, false},
		{"1080p", "", false, true},
		{"bogus", "", false, true},
	} {
		v, auto, err := Choose(tc.spec, vs)
		if (err != nil) != tc.err || v.Name != tc.want || auto != tc.auto {
			t.Errorf("Choose(%q) = %q, %v, %v; want %q, %v, error %v", tc.spec, v.Name, auto, err, tc.want, tc.auto, tc.err)
		}
	}
	if _, _, err := Choose("1080p", vs); !errors.Is(err, ErrNoMatch) {
		t.Errorf("a name that matches nothing: %v, want ErrNoMatch", err)
	}
}

func TestCheckAndBounds(t *testing.T) {
	for spec, ok := range map[string]bool{"auto": true, "list": true, "720p,480p,best": true, "1500k": true,
		"bogus": false, "720p,nope": false, "": false, "0p": false} {
		if err := Check(spec); (err == nil) != ok {
			t.Errorf("Check(%q) = %v", spec, err)
		}
	}
	vs := Parse([]byte(master))
	got := Bounds{Min: "480p", Max: "2000k"}.Allowed(vs)
	if len(got) != 1 || got[0].Name != "480p" {
		t.Errorf("bounded: %+v", got)
	}
	if err := CheckBound("best"); err == nil {
		t.Error("best is no bound")
	}
}
