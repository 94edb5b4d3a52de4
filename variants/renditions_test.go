package variants

import (
	"reflect"
	"testing"
)

const audioMaster = `#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac-64k",NAME="English",LANGUAGE="en",CHANNELS="2",DEFAULT=YES,URI="http://edge/a64/en.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac-64k",NAME="Deutsch",LANGUAGE="de",CHANNELS="2",URI="http://edge/a64/de.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac-192k",NAME="English (high)",LANGUAGE="en",CHANNELS="2",DEFAULT=YES,URI="http://edge/a192/en.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac-192k",NAME="Deutsch",LANGUAGE="de",CHANNELS="6",URI="http://edge/a192/de.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="ac3",NAME="English",LANGUAGE="en",CHANNELS="2",URI="http://edge/ac3/en.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="muxed",NAME="English",LANGUAGE="en",CHANNELS="2"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",URI="http://edge/subs/en.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=464000,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="aac-64k"
http://edge/v0/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1392000,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="aac-192k"
http://edge/v1/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1392000,CODECS="avc1.42c01f,ac-3",AUDIO="ac3"
http://edge/v1/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1392000,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="muxed"
http://edge/v1muxed/index.m3u8
`

func TestAudioRenditions(t *testing.T) {
	rs := AudioRenditions([]byte(audioMaster))
	if len(rs) != 6 {
		t.Fatalf("%d audio renditions, want 6 (no subtitles): %+v", len(rs), rs)
	}
	want := Rendition{Group: "aac-192k", Name: "Deutsch", Language: "de", Channels: "6",
		URI: "http://edge/a192/de.m3u8", Codecs: "mp4a.40.2", Position: 1}
	if rs[3] != want {
		t.Errorf("rendition 3 = %+v, want %+v", rs[3], want)
	}
	if rs[4].Codecs != "ac-3" {
		t.Errorf("the ac3 group's codecs = %q, want the audio part of its variant's CODECS", rs[4].Codecs)
	}
}

func TestAudioKinds(t *testing.T) {
	uris := func(k AudioKind) []string {
		var out []string
		for _, r := range k.Renditions {
			out = append(out, r.URI)
		}
		return out
	}
	for _, tc := range []struct {
		name, start string
		want        map[string][]string // kind key -> its renditions' URIs
	}{
		// English: the 192k group's is named otherwise but sits at the same
		// position; ac-3 is another codec; the muxed one has no playlist.
		// Deutsch: the 192k group's has six channels.
		{"from 64k", "aac-64k", map[string][]string{
			"en/English": {"http://edge/a64/en.m3u8", "http://edge/a192/en.m3u8"}}},
		{"from 192k", "aac-192k", map[string][]string{
			"en/English (high)": {"http://edge/a64/en.m3u8", "http://edge/a192/en.m3u8"}}},
		{"from ac3: no other ac-3 group", "ac3", map[string][]string{}},
		{"from muxed: no playlist to switch", "muxed", map[string][]string{}},
		{"no such group", "none", map[string][]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string][]string{}
			for _, k := range AudioKinds([]byte(audioMaster), tc.start) {
				if k.Start.Group != tc.start {
					t.Errorf("kind %s starts in %s, want %s", k.Key, k.Start.Group, tc.start)
				}
				got[k.Key] = uris(k)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("kinds = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestAudioKindsUnnamedGroup: a group no variant names (every variant
// names the 192k one) has no codecs to compare: its rendition is the
// same kind.
func TestAudioKindsUnnamedGroup(t *testing.T) {
	body := `#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac-64k",NAME="English",LANGUAGE="en",URI="a64.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac-192k",NAME="English",LANGUAGE="en",URI="a192.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=600000,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="aac-192k"
v0.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1400000,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="aac-192k"
v1.m3u8
`
	if kinds := AudioKinds([]byte(body), "aac-192k"); len(kinds) != 1 || len(kinds[0].Renditions) != 2 {
		t.Errorf("kinds = %+v, want English in both groups", kinds)
	}
}

func TestAudioKindsByName(t *testing.T) {
	// Two English renditions in each group, in another order: matched by
	// NAME before position.
	body := `#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="lo",NAME="Main",LANGUAGE="en",URI="lo/main.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="lo",NAME="Commentary",LANGUAGE="en",URI="lo/comm.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="hi",NAME="Commentary",LANGUAGE="en",URI="hi/comm.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="hi",NAME="Main",LANGUAGE="en",URI="hi/main.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=500000,AUDIO="lo"
v0.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=900000,AUDIO="hi"
v1.m3u8
`
	kinds := AudioKinds([]byte(body), "lo")
	if len(kinds) != 2 || kinds[0].Renditions[1].URI != "hi/main.m3u8" || kinds[1].Renditions[1].URI != "hi/comm.m3u8" {
		t.Errorf("kinds = %+v, want Main with hi/main and Commentary with hi/comm", kinds)
	}
}
