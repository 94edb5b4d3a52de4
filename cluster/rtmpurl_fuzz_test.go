package cluster

import (
	"net"
	"net/url"
	"path"
	"strings"
	"testing"

	"clusterplay/cluster/rtmp"
)

// FuzzRTMPURLs checks the RTMP URL helpers on any host URL, clip and
// redirect: they never panic, and whatever they accept survives the trip
// between the path form (what hosts, players and events show) and the
// fragment form (what the probe sends): the application and the stream
// rebuild the clip URL, and the player is told exactly what the probe
// asked for.
//
// go test runs the seeds; to search further, one target at a time:
//
//	go test -run '^$' -fuzz '^FuzzRTMPURLs$' -fuzztime 60s ./cluster
func FuzzRTMPURLs(f *testing.F) {
	for _, s := range [][3]string{
		{"rtmp://h/vod", "clip.mp4", "rtmp://edge/vod"},
		{"rtmp://h:1936/vod/", "/dir//sub///clip.mp4", "/vod2"},
		{"rtmps://h/app/instance", "dir/clip.flv", "rtmps://edge2/app/instance/"},
		{"rtmp://h/vod?token=x", "clip.mp4?start=3", "rtmp://edge3/vod?token=y"},
		{"rtmp://user:pw@h/live", "mp4:feed", "rtmp:///vod"},
		{"rtmp://h/vod", "http://origin.example/media/clip.mp4", "http://edge/vod"},
		{"rtmp://h/vod", "live stream", "../other"},
		{"rtmp://h/vod", "Show:S01E02.mp4", "rtmp://[::1]:1935/vod"},
		{"rtmp://h/a%2Fb", "c%2Fd.mp4", "rtmp://e/%zz"},
		{"rtmp://[::1]/vod", "a%3Fb.mp4", "rtmp://e/x#y"},
		{"rtmp://h/vod", "a#b.mp4", " rtmp://e/x "},
		{"rtmp://h/vod", "%2F", ""},
		{"rtmp://h", "clip.mp4", "rtmp://e"},
		{"rtmp://h/vod/.", "./clip.mp4", "rtmp://e/./x/../y"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, rawBase, clip, redirect string) {
		base, err := ParseHostURL(rawBase)
		if err != nil || !rtmp.IsServer(base) {
			// ParseHostURL lets "rtmp://]" through; rtmp.LibURL refuses
			// to dial it (rtmp.TestRTMPLibURL).
			return
		}
		clipURL, err := rtmpClipURL(base, clip)
		if err != nil {
			return
		}
		u, err := url.Parse(clipURL)
		if err != nil {
			t.Fatalf("rtmpClipURL(%q, %q) = %q, which does not parse: %v", rawBase, clip, clipURL, err)
		}
		if u.Scheme != base.Scheme || u.Host != base.Host || strings.Contains(u.EscapedPath(), "//") {
			t.Fatalf("rtmpClipURL(%q, %q) = %q: want the host's scheme and address, and no runs of slashes", rawBase, clip, clipURL)
		}
		lib, err := rtmp.LibURL(base, clipURL)
		if err != nil {
			if strings.Contains(err.Error(), "names no stream") || strings.Contains(err.Error(), "'?'") {
				return // the clip was all slashes, or held a '?', once unescaped
			}
			t.Fatalf("rtmp.LibURL(%q, %q), a clip URL built on that host: %v", rawBase, clipURL, err)
		}
		app := strings.Trim(rtmp.CollapseSlashes(base.Path), "/")
		if lib.Path != "/"+app || lib.Scheme != base.Scheme || lib.Host != base.Host || lib.User != nil {
			t.Fatalf("rtmp.LibURL(%q, %q) = %v: want the application %q on the host, and no user info", rawBase, clipURL, lib, app)
		}
		checkLibURL(t, lib, u)

		// Without the host's base, the application is all but the last
		// segment; the split differs, the whole does not.
		if guessed, err := rtmp.LibURL(nil, clipURL); err == nil {
			checkLibURL(t, guessed, u)
		}

		// A redirect to the host's own application changes nothing; any
		// other keeps the stream and lands on an RTMP server. A redirect is
		// resolved as RFC 3986 says, without "." and ".." segments, where
		// the host's own URL is taken as written.
		self, err := rtmp.Redirected(lib, rtmp.SplitLibURL(lib).TCURL)
		if err != nil || (self.String() != lib.String() && path.Clean(lib.Path) == lib.Path) {
			t.Fatalf("redirecting %v to its own tcUrl gave %v, %v", lib, self, err)
		}
		if to, err := rtmp.Redirected(lib, redirect); err == nil {
			if !rtmp.IsScheme(to.Scheme) || to.Hostname() == "" || to.Fragment != lib.Fragment ||
				!strings.HasPrefix(to.Path, "/") || strings.Contains(to.Path, "//") {
				t.Fatalf("redirect of %v to %q gave %v", lib, redirect, to)
			}
			checkLibURL(t, to, nil)
		}
	})
}

// checkLibURL checks a fragment-form URL against what it was made from,
// the path-form clip URL (nil when it came from a redirect).
func checkLibURL(t *testing.T, lib, clip *url.URL) {
	t.Helper()
	req := rtmp.SplitLibURL(lib)
	app := strings.TrimPrefix(lib.Path, "/")
	if lib.RawQuery != "" {
		app += "?" + lib.RawQuery
	}
	if req.App != app || req.Stream != rtmp.PlayPath(lib.Fragment) {
		t.Fatalf("rtmp.SplitLibURL(%v) = %+v: want app %q and stream %q", lib, req, app, rtmp.PlayPath(lib.Fragment))
	}
	host, port, err := net.SplitHostPort(req.Addr)
	if err != nil || host != lib.Hostname() || port == "" {
		t.Fatalf("rtmp.SplitLibURL(%v) dials %q, want %s with a port", lib, req.Addr, lib.Hostname())
	}
	tc, err := url.Parse(req.TCURL)
	if err != nil || tc.Scheme != lib.Scheme || tc.Host != lib.Host || tc.Path != lib.Path || tc.RawQuery != lib.RawQuery || tc.Fragment != "" {
		t.Fatalf("rtmp.SplitLibURL(%v) has tcUrl %q (%v), want the URL without the stream", lib, req.TCURL, err)
	}

	play := rtmp.PlayFor(lib)
	if play.URL != rtmp.PathForm(lib) || play.App != req.App || play.TCURL != req.TCURL || play.PlayPath != req.Stream {
		t.Fatalf("rtmp.PlayFor(%v) = %+v, want what the probe sends, %+v", lib, play, req)
	}
	back, err := url.Parse(play.URL)
	if err != nil {
		t.Fatalf("path form %q of %v does not parse: %v", play.URL, lib, err)
	}
	stream, query, _ := strings.Cut(lib.Fragment, "?")
	if want := strings.TrimSuffix(lib.Path, "/") + "/" + stream; back.Path != want {
		t.Fatalf("path form %q of %v has path %q, want the application and the stream, %q", play.URL, lib, back.Path, want)
	}
	if clip == nil {
		return
	}
	// The application and the stream rebuild the clip URL's path and
	// query, and the path form is the clip URL without user info.
	if back.Path != rtmp.CollapseSlashes(clip.Path) || query != clip.RawQuery || back.RawQuery != clip.RawQuery {
		t.Fatalf("%v rebuilds %q (path %q, query %q), want %q", lib, play.URL, back.Path, back.RawQuery, clip.Redacted())
	}
	if strings.HasSuffix(back.Path, "/") {
		return // without a base, the last segment is the stream: none here
	}
	again, err := rtmp.LibURL(nil, play.URL)
	if err != nil || rtmp.PathForm(again) != play.URL {
		t.Fatalf("the path form %q does not split and rebuild to itself: %v, %v", play.URL, again, err)
	}
}
