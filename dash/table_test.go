package dash

import (
	"reflect"
	"testing"
)

func TestTableRoutes(t *testing.T) {
	m, err := Parse([]byte(sampleMPD), mustURL(t, "http://origin.example/show/main/manifest.mpd"))
	if err != nil {
		t.Fatal(err)
	}
	tb := NewTable(m)
	// Group 0 is the Representation's pair (closed first), group 1 the MPD's.
	if got, want := tb.Pathways(), []string{"cdn-a", "cdn-b", "cdn-c", "http://r1.example/v0/", "http://r2.example/v0/"}; !reflect.DeepEqual(got, want) {
		t.Errorf("pathways %v, want %v", got, want)
	}
	for _, c := range []struct {
		p    string
		k    int
		rest string
		want string
	}{
		{"cdn-a", 1, "p1/v1/seg-1.m4s", "http://a.example/live/p1/v1/seg-1.m4s"},
		{"cdn-b", 1, "p1/v1/seg-1.m4s?x=1", "https://b.example/x/live/p1/v1/seg-1.m4s?x=1"},
		{"cdn-c", 1, "p1/init.mp4", "http://origin.example/show/backup/p1/init.mp4"},
		{"http://r2.example/v0/", 0, "seg-3.m4s", "http://r2.example/v0/seg-3.m4s"},
		{"cdn-a", 0, "seg-3.m4s", ""},             // cdn-a offers nothing in the Representation
		{"cdn-a", 1, "http://evil.example/x", ""}, // only paths below the BaseURL
		{"cdn-a", 1, "/etc/passwd", ""},           // nor the host's root
		{"cdn-a", 7, "x", ""},                     // no such place
	} {
		got, ok := tb.Target(c.p, c.k, c.rest)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Target(%s, %d, %s) = %q %v, want %q", c.p, c.k, c.rest, got, ok, c.want)
		}
	}
	if d, ok := tb.Dir("cdn-b"); !ok || d.String() != "https://b.example/x/live/" {
		t.Errorf("Dir(cdn-b) = %v", d)
	}
	if got := PathwayParam([]string{"cdn-b", "cdn-a"}); got != `"cdn-b,cdn-a"` {
		t.Errorf("PathwayParam %s", got)
	}
}

// A BaseURL that names the file itself (the on-demand profile): the
// player's request for that name goes to each pathway's own file.
func TestTableFileBaseURL(t *testing.T) {
	body := `<MPD><BaseURL serviceLocation="a">http://a/v/clip.mp4</BaseURL><BaseURL serviceLocation="b">http://b/w/other.mp4?t=1</BaseURL></MPD>`
	m, err := Parse([]byte(body), mustURL(t, "http://o/m.mpd"))
	if err != nil {
		t.Fatal(err)
	}
	tb := NewTable(m)
	if tb.Shown(0) != "clip.mp4" {
		t.Fatalf("shown %q", tb.Shown(0))
	}
	if got, _ := tb.Target("b", 0, "clip.mp4"); got != "http://b/w/other.mp4?t=1" {
		t.Errorf("b's file: %s", got)
	}
	if got, _ := tb.Target("a", 0, "clip.mp4"); got != "http://a/v/clip.mp4" {
		t.Errorf("a's file: %s", got)
	}
}
