package rtmp

import (
	"net/url"
	"strings"
	"testing"
)

func TestRTMPLibURL(t *testing.T) {
	tests := []struct {
		base, clipURL string
		want          string // gortmplib form, or "error: ..." substring
		addr, app     string
		tcURL, stream string
	}{
		{"rtmp://h/vod", "rtmp://h/vod/clip.mp4", "rtmp://h/vod#clip.mp4",
			"h:1935", "vod", "rtmp://h/vod", "mp4:clip.mp4"},
		{"rtmps://h:8443/vod", "rtmps://h:8443/vod/a/b.flv", "rtmps://h:8443/vod#a/b.flv",
			"h:8443", "vod", "rtmps://h:8443/vod", "a/b"},
		{"rtmps://h/app/instance/", "rtmps://h/app/instance/dir/clip.mp4", "rtmps://h/app/instance#dir/clip.mp4",
			"h:443", "app/instance", "rtmps://h/app/instance", "mp4:dir/clip.mp4"},
		{"rtmp://h/vod?token=x", "rtmp://h/vod/clip.mp4?token=x", "rtmp://h/vod#clip.mp4?token=x",
			"h:1935", "vod", "rtmp://h/vod", "clip.mp4?token=x"},
		{"rtmp://h/live", "rtmp://user:pw@h/live/mp4:feed", "rtmp://h/live#mp4:feed",
			"h:1935", "live", "rtmp://h/live", "mp4:feed"},
		{"", "rtmp://h/app/instance/stream", "rtmp://h/app/instance#stream",
			"h:1935", "app/instance", "rtmp://h/app/instance", "stream"},
		{"rtmp://h/vod", "rtmp://h/other/clip.mp4", "error: not under the application", "", "", "", ""},
		{"rtmp://h/vod", "rtmp://h/vod/", "error: names no stream", "", "", "", ""},
		{"rtmp://h/vod", "rtmp://h/vod/a%3Fb.mp4?t=1", "error: a stream with a '?'", "", "", "", ""},
		{"rtmp://h/vod", "http://h/vod/clip.mp4", "error: not an rtmp", "", "", "", ""},
		{"", "rtmp://]/clip.mp4", "error: not an rtmp", "", "", "", ""},
	}
	for _, tt := range tests {
		var base *url.URL
		if tt.base != "" {
			var err error
			if base, err = url.Parse(tt.base); err != nil {
				t.Fatal(err)
			}
		}
		u, err := LibURL(base, tt.clipURL)
		if want, ok := strings.CutPrefix(tt.want, "error: "); ok {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("LibURL(%q, %q) = %v, %v; want an error with %q", tt.base, tt.clipURL, u, err, want)
			}
			continue
		}
		if err != nil || u.String() != tt.want {
			t.Errorf("LibURL(%q, %q) = %v, %v; want %q", tt.base, tt.clipURL, u, err, tt.want)
			continue
		}
		r := SplitLibURL(u)
		if r.Addr != tt.addr || r.App != tt.app || r.TCURL != tt.tcURL || r.Stream != tt.stream {
			t.Errorf("SplitLibURL(%v) = %+v; want addr %q app %q tcUrl %q stream %q", u, r, tt.addr, tt.app, tt.tcURL, tt.stream)
		}
		if back := PathForm(u); tt.base != "" && back != strings.Replace(tt.clipURL, "user:pw@", "", 1) {
			t.Errorf("PathForm(%v) = %q, want %q", u, back, tt.clipURL)
		}
	}
}

func TestPlayPath(t *testing.T) {
	for name, want := range map[string]string{
		"clip.mp4": "mp4:clip.mp4", "a/clip.f4v": "mp4:a/clip.f4v", "clip.flv": "clip",
		"mp4:clip.mp4": "mp4:clip.mp4", "flv:clip.flv": "flv:clip.flv", "feed": "feed",
		"clip.mp4?token=x": "clip.mp4?token=x", // as ffmpeg: the query hides the extension
	} {
		if got := PlayPath(name); got != want {
			t.Errorf("PlayPath(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestRTMPRedirectedLibURL(t *testing.T) {
	from, _ := url.Parse("rtmp://lb/vod#dir/clip.mp4")
	tests := []struct{ redirect, want string }{
		{"rtmp://edge1:1936/vod", "rtmp://edge1:1936/vod#dir/clip.mp4"},
		{"rtmps://edge2/app/instance/", "rtmps://edge2/app/instance#dir/clip.mp4"},
		{"rtmp://edge3/vod?token=y", "rtmp://edge3/vod?token=y#dir/clip.mp4"},
		{"/vod2", "rtmp://lb/vod2#dir/clip.mp4"},
		{"http://edge/vod", ""},
		{"rtmp:///vod", ""},
		{"rtmp://::0/vod", ""}, // host ":", port 0 to url.Parse
		{"rtmp://]/vod", ""},
		{"rtmp://[::1]:1936/vod", "rtmp://[::1]:1936/vod#dir/clip.mp4"},
	}
	for _, tt := range tests {
		u, err := Redirected(from, tt.redirect)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("redirect %q gave %v, want an error", tt.redirect, u)
		case tt.want != "" && (err != nil || u.String() != tt.want):
			t.Errorf("redirect %q gave %v, %v; want %q", tt.redirect, u, err, tt.want)
		}
	}
}

// TestPlayFor: what the player is told is what the probe asked for,
// redirected or not: the application ends where the host's (or the
// redirect's) URL ends, whatever ffmpeg would guess from the path.
func TestPlayFor(t *testing.T) {
	tests := []struct {
		name, host, clipURL, redirect string
		want                          Play
	}{
		{name: "clip in a directory", host: "rtmp://s/vod", clipURL: "rtmp://s/vod/dir/clip.mp4",
			want: Play{URL: "rtmp://s/vod/dir/clip.mp4", App: "vod", PlayPath: "mp4:dir/clip.mp4", TCURL: "rtmp://s/vod"}},
		{name: "two-segment application", host: "rtmp://s:1936/app/inst", clipURL: "rtmp://s:1936/app/inst/a/b.flv",
			want: Play{URL: "rtmp://s:1936/app/inst/a/b.flv", App: "app/inst", PlayPath: "a/b", TCURL: "rtmp://s:1936/app/inst"}},
		{name: "query stays with the stream", host: "rtmp://s/vod", clipURL: "rtmp://s/vod/clip.mp4?t=1",
			want: Play{URL: "rtmp://s/vod/clip.mp4?t=1", App: "vod", PlayPath: "clip.mp4?t=1", TCURL: "rtmp://s/vod"}},
		{name: "redirected to a two-segment application", host: "rtmp://lb/vod", clipURL: "rtmp://lb/vod/dir/clip.mp4",
			redirect: "rtmp://edge:1937/vod/inst",
			want:     Play{URL: "rtmp://edge:1937/vod/inst/dir/clip.mp4", App: "vod/inst", PlayPath: "mp4:dir/clip.mp4", TCURL: "rtmp://edge:1937/vod/inst"}},
		{name: "redirected, the stream's query kept", host: "rtmp://lb/vod", clipURL: "rtmp://lb/vod/dir/clip.mp4?t=1",
			redirect: "rtmp://edge/live",
			want:     Play{URL: "rtmp://edge/live/dir/clip.mp4?t=1", App: "live", PlayPath: "dir/clip.mp4?t=1", TCURL: "rtmp://edge/live"}},
		{name: "redirect with its own query: the query stays with the application", host: "rtmp://lb/vod", clipURL: "rtmp://lb/vod/clip.mp4",
			redirect: "rtmp://edge/vod?edge=2",
			want:     Play{URL: "rtmp://edge/vod/clip.mp4?edge=2", App: "vod?edge=2", PlayPath: "mp4:clip.mp4", TCURL: "rtmp://edge/vod?edge=2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, err := url.Parse(tt.host)
			if err != nil {
				t.Fatal(err)
			}
			u, err := LibURL(base, tt.clipURL)
			if err != nil {
				t.Fatal(err)
			}
			if tt.redirect != "" {
				if u, err = Redirected(u, tt.redirect); err != nil {
					t.Fatal(err)
				}
			}
			if got := PlayFor(u); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestPlayableURL: the URL --print-url prints for RTMP is split by ffmpeg
// into the application and play path the probe used.
func TestPlayableURL(t *testing.T) {
	tests := []struct {
		base, clip, want string
	}{
		{"rtmp://h/vod", "clip.mp4", "rtmp://h/vod/clip.mp4"},
		{"rtmp://h/vod", "sub/clip.mp4", "rtmp://h/vod/mp4:sub/clip.mp4"},
		{"rtmp://h/vod", "sub/clip.flv", "rtmp://h/vod?slist=sub/clip"},
		{"rtmp://h/app/inst", "clip.mp4", "rtmp://h/app/inst/clip.mp4"},
		{"rtmp://h/app/inst", "sub/clip.mp4", "rtmp://h/app/inst/sub/clip.mp4"},
		{"rtmp://h:1936/live", "stream", "rtmp://h:1936/live/stream"},
	}
	for _, tt := range tests {
		base, err := url.Parse(tt.base)
		if err != nil {
			t.Fatal(err)
		}
		lib, err := LibURL(base, tt.base+"/"+tt.clip)
		if err != nil {
			t.Fatal(err)
		}
		play := PlayFor(lib)
		got := play.PlayableURL()
		if got != tt.want {
			t.Errorf("%s + %s: %q, want %q", tt.base, tt.clip, got, tt.want)
		}
		app, pp, ok := ffmpegSplit(got)
		if !ok || app != play.App || pp != play.PlayPath {
			t.Errorf("%q splits as %q %q, the probe asked %q %q", got, app, pp, play.App, play.PlayPath)
		}
	}
}
