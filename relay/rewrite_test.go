package relay

import (
	"testing"

	"clusterplay/cluster"
)

// TestRewrite: every absolute URL into one of the cluster's HTTP hosts,
// wherever a manifest writes it, points at the relay; nothing else moves.
func TestRewrite(t *testing.T) {
	hosts, err := cluster.NewHosts([]cluster.HostSpec{
		{URL: "http://127.0.0.1:18081/video"},
		{URL: "http://127.0.0.1:18082/video/"},
		{URL: "https://CDN.example.com/media?token=s3cret"},
		{URL: "https://cdn.example.com/media/deep"},
		{URL: "http://plain.example.com"},
		{URL: "rtmp://127.0.0.1:18083/vod"},
	})
	if err != nil {
		t.Fatal(err)
	}
	const relay = "http://127.0.0.1:9999/tok/"
	rw := newRewriter(hosts, relay)
	tests := []struct{ name, in, want string }{
		{"HLS master variant URIs",
			"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=500000\nhttp://127.0.0.1:18081/video/hls/v0/index.m3u8\n" +
				"#EXT-X-STREAM-INF:BANDWIDTH=400000\r\nhttp://127.0.0.1:18082/video/hls/v1/index.m3u8\r\n",
			"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=500000\n" + relay + "hls/v0/index.m3u8\n" +
				"#EXT-X-STREAM-INF:BANDWIDTH=400000\r\n" + relay + "hls/v1/index.m3u8\r\n"},
		{"EXT-X-MEDIA URI=",
			`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="http://127.0.0.1:18081/video/hls/audio.m3u8"`,
			`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="` + relay + `hls/audio.m3u8"`},
		{"EXT-X-I-FRAME-STREAM-INF URI=",
			`#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=9,URI="http://127.0.0.1:18081/video/i.m3u8"`,
			`#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=9,URI="` + relay + `i.m3u8"`},
		{"media playlist segment lines",
			"#EXTINF:1.0,\nhttp://127.0.0.1:18081/video/hls/v0/seg0.ts\n#EXTINF:1.0,\nseg1.ts\n#EXTINF:1.0,\nhttp://127.0.0.1:18082/video/hls/v0/seg2.ts\n#EXT-X-ENDLIST\n",
			"#EXTINF:1.0,\n" + relay + "hls/v0/seg0.ts\n#EXTINF:1.0,\nseg1.ts\n#EXTINF:1.0,\n" + relay + "hls/v0/seg2.ts\n#EXT-X-ENDLIST\n"},
		{"EXT-X-MAP URI=",
			`#EXT-X-MAP:URI="http://127.0.0.1:18082/video/hls/v1/init.mp4",BYTERANGE="1370@0"`,
			`#EXT-X-MAP:URI="` + relay + `hls/v1/init.mp4",BYTERANGE="1370@0"`},
		{"EXT-X-KEY URI=",
			`#EXT-X-KEY:METHOD=AES-128,URI="http://127.0.0.1:18081/video/hls/v0/key.bin",IV=0x0`,
			`#EXT-X-KEY:METHOD=AES-128,URI="` + relay + `hls/v0/key.bin",IV=0x0`},
		{"DASH BaseURL on two hosts",
			"<MPD>\n\t<BaseURL>http://127.0.0.1:18081/video/dash/</BaseURL>\n\t<BaseURL serviceLocation=\"b\">http://127.0.0.1:18082/video/dash/</BaseURL>",
			"<MPD>\n\t<BaseURL>" + relay + "dash/</BaseURL>\n\t<BaseURL serviceLocation=\"b\">" + relay + "dash/</BaseURL>"},
		{"DASH SegmentTemplate media and initialization",
			`<SegmentTemplate timescale="1" initialization="http://127.0.0.1:18081/video/dash/init-$RepresentationID$.m4s" media='http://127.0.0.1:18081/video/dash/c-$Number%05d$.m4s'/>`,
			`<SegmentTemplate timescale="1" initialization="` + relay + `dash/init-$RepresentationID$.m4s" media='` + relay + `dash/c-$Number%05d$.m4s'/>`},
		{"DASH Location",
			"<Location>http://127.0.0.1:18082/video/dash/two.mpd?v=1&amp;w=2</Location>",
			"<Location>" + relay + "dash/two.mpd?v=1&amp;w=2</Location>"},
		{"letter case and default port of the host",
			"HTTPS://cdn.EXAMPLE.com:443/media/a.ts HTTP://plain.example.com:80/b.ts",
			relay + "a.ts " + relay + "b.ts"},
		{"the longest base path wins",
			"https://cdn.example.com/media/deep/x.ts https://cdn.example.com/media/deeper/y.ts",
			relay + "x.ts " + relay + "deeper/y.ts"},
		{"a query is kept as written",
			"http://127.0.0.1:18081/video/seg.ts?token=a%20b&sig=1\n",
			relay + "seg.ts?token=a%20b&sig=1\n"},
		{"outside the cluster: other host, other port, other path, other scheme, RTMP, relative",
			"http://elsewhere.example/video/a.ts\nhttp://127.0.0.1:18089/video/a.ts\nhttp://127.0.0.1:18081/other/a.ts\n" +
				"https://127.0.0.1:18081/video/a.ts\nhttp://127.0.0.1:18081/videos/a.ts\nrtmp://127.0.0.1:18083/vod/a.mp4\n../video/a.ts\nhttp://127.0.0.1:18081/video\n",
			"http://elsewhere.example/video/a.ts\nhttp://127.0.0.1:18089/video/a.ts\nhttp://127.0.0.1:18081/other/a.ts\n" +
				"https://127.0.0.1:18081/video/a.ts\nhttp://127.0.0.1:18081/videos/a.ts\nrtmp://127.0.0.1:18083/vod/a.mp4\n../video/a.ts\nhttp://127.0.0.1:18081/video\n"},
		{"no URL at all", "#EXTM3U\nhhhh http:/ https:\n", "#EXTM3U\nhhhh http:/ https:\n"},
		{"URL at the very end", "http://127.0.0.1:18081/video/x", relay + "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(rw.rewrite([]byte(tt.in))); got != tt.want {
				t.Errorf("rewrite:\n%s\ngot:\n%s\nwant:\n%s", tt.in, got, tt.want)
			}
		})
	}
}
