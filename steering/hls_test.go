package steering

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const steeredMaster = `#EXTM3U
#EXT-X-CONTENT-STEERING:SERVER-URI="/steer.json",PATHWAY-ID="CDN-A"
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2",PATHWAY-ID="CDN-A"
http://a.example/v0/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1600000,RESOLUTION=1280x720,CODECS="avc1.4d401f,mp4a.40.2",PATHWAY-ID="CDN-A"
http://a.example/v1/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1600000,RESOLUTION=1280x720,CODECS="avc1.4d401f,mp4a.40.2",PATHWAY-ID="CDN-B"
http://b.example/v1/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2",PATHWAY-ID="CDN-B"
http://b.example/v0/index.m3u8
`

func TestParseHLS(t *testing.T) {
	m := ParseHLS([]byte(steeredMaster))
	if m == nil {
		t.Fatal("not seen as steered")
	}
	if m.ServerURI != "/steer.json" || m.DefaultPathway != "CDN-A" || !slices.Equal(m.Pathways(), []string{"CDN-A", "CDN-B"}) {
		t.Fatalf("got %+v", m)
	}
	a, b := m.On("CDN-A"), m.On("CDN-B")
	for k, v := range a {
		o, ok := Match(v, k, b)
		want := strings.Replace(v.URI, "a.example", "b.example", 1)
		if !ok || o.URI != want {
			t.Fatalf("variant %d matched %s, want %s", k, o.URI, want)
		}
	}
	shown := string(m.Show("CDN-A", func(k int) string { return fmt.Sprintf("relay/v%d/index.m3u8", k) }, nil))
	for _, gone := range []string{"CONTENT-STEERING", "b.example", "a.example"} {
		if strings.Contains(shown, gone) {
			t.Fatalf("%s still shown:\n%s", gone, shown)
		}
	}
	if strings.Count(shown, "EXT-X-STREAM-INF") != 2 || !strings.Contains(shown, "relay/v1/index.m3u8") {
		t.Fatalf("shown:\n%s", shown)
	}
	for _, plain := range []string{"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n", "#EXTINF:4,\nseg.ts\n", "<MPD/>"} {
		if ParseHLS([]byte(plain)) != nil {
			t.Fatalf("steered: %q", plain)
		}
	}
}

const renditionMaster = `#EXTM3U
#EXT-X-CONTENT-STEERING:SERVER-URI="/steer.json"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud-A",NAME="English",LANGUAGE="en",URI="http://a.example/audio/en.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud-A",NAME="French",LANGUAGE="fr",URI="http://a.example/audio/fr.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud-B",NAME="French",LANGUAGE="fr",URI="http://b.example/audio/fr.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud-B",NAME="English",LANGUAGE="en",URI="http://b.example/audio/en.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=800000,AUDIO="aud-A",PATHWAY-ID="A"
http://a.example/v0/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=800000,AUDIO="aud-B",PATHWAY-ID="B"
http://b.example/v0/index.m3u8
`

func TestRenditions(t *testing.T) {
	m := ParseHLS([]byte(renditionMaster))
	a, b := m.RenditionsOf("A"), m.RenditionsOf("B")
	if len(a) != 2 || len(b) != 2 {
		t.Fatalf("renditions A %+v B %+v", a, b)
	}
	for j, r := range a {
		o, ok := MatchRendition(r, j, b)
		if want := strings.Replace(r.URI, "a.example", "b.example", 1); !ok || o.URI != want {
			t.Errorf("rendition %d matched %s, want %s", j, o.URI, want)
		}
	}
	shown := string(m.Show("A", func(k int) string { return fmt.Sprintf("relay/v%d.m3u8", k) },
		func(j int) string { return fmt.Sprintf("relay/r%d.m3u8", j) }))
	if strings.Contains(shown, "example") || strings.Contains(shown, "aud-B") ||
		!strings.Contains(shown, `NAME="French",LANGUAGE="fr",URI="relay/r1.m3u8"`) {
		t.Errorf("shown:\n%s", shown)
	}
	if got := replaceAttr(`#EXT-X-MEDIA:STABLE-URI="x",URI="old"`, "URI", "new"); got != `#EXT-X-MEDIA:STABLE-URI="x",URI="new"` {
		t.Errorf("replaceAttr: %s", got)
	}
}
