package ui

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// A host URL cut to its column keeps what tells hosts apart: the host,
// its port, and the end of the path.
func TestShortURLKeepsHostPortAndTheEnd(t *testing.T) {
	for _, c := range []struct {
		in   string
		w    int
		want string
	}{
		{"http://127.0.0.1:45417/", 30, "http://127.0.0.1:45417/"},
		{"http://127.0.0.1:45417/media/vod/clip.mp4", 34, "http://127.0.0.1:45417/…/clip.mp4"},
		{"http://127.0.0.1:45417/media/vod/clip.mp4", 38, "http://127.0.0.1:45417/…/vod/clip.mp4"},
		// The side layout's HOST column: the scheme goes before the port.
		{"http://127.0.0.1:45417/", 21, "127.0.0.1:45417/"},
		{"http://127.0.0.1:45417/media/vod/clip.mp4", 27, "127.0.0.1:45417/…/clip.mp4"},
		{"http://127.0.0.1:45417/media/vod/clip.mp4", 20, "127.0.0.1:45417/…"},
		{"https://edge-01.cdn.example.com:8443/base/", 40, "edge-01.cdn.example.com:8443/base/"},
		{"https://edge-01.cdn.example.com:8443/really/long/base/", 45, "https://edge-01.cdn.example.com:8443/…/base/"},
		{"rtmp://127.0.0.1:1935/vod", 20, "127.0.0.1:1935/vod"},
		// Only a host and port wider than the column are cut, in the middle.
		{"http://edge-01.cdn.example.com:8443/", 15, "edge-01…om:8443"},
		{"vod/a/very/long/clip/name.mp4", 15, "vod/a/v…ame.mp4"},
		{"http://h/", 1, "h"},
		{"http://127.0.0.1:45417", 10, "127.0…5417"},
	} {
		got := shortURL(c.in, c.w)
		if got != c.want {
			t.Errorf("shortURL(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
		if ansi.StringWidth(got) > c.w {
			t.Errorf("shortURL(%q, %d) = %q: wider than %d", c.in, c.w, got, c.w)
		}
	}
}

// In the side layout the HOST column is 21 cells: the port stays.
func TestSideLayoutShowsThePort(t *testing.T) {
	opts := testOptions()
	opts.Hosts = []string{"http://127.0.0.1:45417/", "http://127.0.0.1:45418/"}
	m, _ := newTestModel(opts, 80, 24)
	if got := m.hosts.view(m.styles, m.now, minSideCol, 4); !hasLine(ansi.Strip(got), "127.0.0.1:45418/") {
		t.Errorf("a host's port is cut off at %d cells:\n%s", minSideCol, got)
	}
}
