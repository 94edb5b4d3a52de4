package hlsredundant

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

const master = "#EXTM3U\n" +
	"#EXT-X-VERSION:7\n" +
	"#EXT-X-STREAM-INF:BANDWIDTH=500000,RESOLUTION=320x180,CODECS=\"avc1.64000d,mp4a.40.2\"\n" +
	"http://a.example/hls/v0/index.m3u8\n" +
	"#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,CODECS=\"avc1.64001e,mp4a.40.2\"\n" +
	"v1/index.m3u8\r\n" +
	"#EXT-X-STREAM-INF:CODECS=\"avc1.64000d,mp4a.40.2\",RESOLUTION=320x180,BANDWIDTH=500000\n" +
	"http://b.example/backup/v0/index.m3u8\n" +
	"#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,CODECS=\"avc1.64001e,mp4a.40.2\"\n" +
	"\n" +
	"http://b.example/backup/v1/index.m3u8\r\n" +
	"#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,CODECS=\"avc1.64001e,mp4a.40.2\",FRAME-RATE=50\n" +
	"http://b.example/backup/v1-50/index.m3u8\n" +
	"#EXT-X-STREAM-INF:BANDWIDTH=500000,RESOLUTION=320x180,CODECS=\"avc1.64000d,mp4a.40.2\"\n" +
	"http://c.example/v0/index.m3u8"

func urls(g Group) []string {
	var out []string
	for _, v := range g.Variants {
		out = append(out, v.URL.String())
	}
	return out
}

func TestFindRedundantVariants(t *testing.T) {
	at, _ := url.Parse("http://origin.example/show/master.m3u8")
	groups := Find([]byte(master), at)
	if len(groups) != 2 {
		t.Fatalf("%d groups, want 2: %v", len(groups), groups)
	}
	if got, want := urls(groups[0]), []string{"http://a.example/hls/v0/index.m3u8", "http://b.example/backup/v0/index.m3u8", "http://c.example/v0/index.m3u8"}; !reflect.DeepEqual(got, want) {
		t.Errorf("first group %v, want %v (attribute order does not matter; playlist order kept)", got, want)
	}
	if got, want := urls(groups[1]), []string{"http://origin.example/show/v1/index.m3u8", "http://b.example/backup/v1/index.m3u8"}; !reflect.DeepEqual(got, want) {
		t.Errorf("second group %v, want %v (FRAME-RATE=50 is another variant)", got, want)
	}
}

func TestFindLeavesOthersAlone(t *testing.T) {
	at, _ := url.Parse("http://o/m.m3u8")
	for _, body := range []string{
		"#EXTM3U\n#EXTINF:4,\nseg1.ts\n#EXTINF:4,\nseg1.ts\n", // a media playlist
		"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,PATHWAY-ID=\"a\"\nhttp://a/v.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=1,PATHWAY-ID=\"b\"\nhttp://b/v.m3u8\n",
		"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nhttp://a/v.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2\nhttp://b/v.m3u8\n",
	} {
		if g := Find([]byte(body), at); len(g) != 0 {
			t.Errorf("%q: groups %v", body, g)
		}
	}
}

// The player sees one variant of each group: the first, its URI pointed
// where the caller says; the others removed, tag and URI; every other
// byte, line breaks included, as sent.
func TestReduceShowsOneVariant(t *testing.T) {
	at, _ := url.Parse("http://origin.example/show/master.m3u8")
	groups := Find([]byte(master), at)
	out := string(Reduce([]byte(master), groups, func(g Group) string { return "/relay/_alt/" + g.ID() + "/index.m3u8" }))
	want := "#EXTM3U\n" +
		"#EXT-X-VERSION:7\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=500000,RESOLUTION=320x180,CODECS=\"avc1.64000d,mp4a.40.2\"\n" +
		"/relay/_alt/" + groups[0].ID() + "/index.m3u8\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,CODECS=\"avc1.64001e,mp4a.40.2\"\n" +
		"/relay/_alt/" + groups[1].ID() + "/index.m3u8\r\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,CODECS=\"avc1.64001e,mp4a.40.2\",FRAME-RATE=50\n" +
		"http://b.example/backup/v1-50/index.m3u8\n"
	if out != want {
		t.Errorf("reduced:\n%q\nwant:\n%q", out, want)
	}
	if strings.Contains(out, "c.example") {
		t.Error("a redundant variant is still shown")
	}
}
