package e2e

import (
	"strings"
	"testing"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestOneURLPlaysLikeMpv: a clip URL with no host is a cluster of its
// directory; --mirror adds another host; several CLIPs play in turn.
func TestOneURLPlaysLikeMpv(t *testing.T) {
	two := map[string][]byte{"a.mp4": assets.Clip, "b.mp4": assets.Clip}
	dead := hosttest.Refused(t)
	good := hosttest.Keep(t)(loopback.Good(two))
	code, evs := playJSON(t, nil, dead+"/a.mp4", "b.mp4", "--mirror", good.URL+"/a.mp4")
	if code != 0 {
		t.Fatalf("exit %d: %v", code, evs)
	}
	var clips []string
	for _, st := range named(evs, "state") {
		if st["state"] == "connecting" {
			clips = append(clips, st["clip"].(string))
			if st["items"] != 2.0 {
				t.Errorf("state without its place in the list: %v", st)
			}
		}
	}
	if strings.Join(clips, " ") != "a.mp4 b.mp4" {
		t.Errorf("clips played %v, want a.mp4 then b.mp4", clips)
	}
	ends := named(evs, "end")
	if len(ends) != 2 || ends[0]["reason"] != "eof" || ends[1]["reason"] != "eof" || ends[1]["url"] != good.URL+"/b.mp4" {
		t.Errorf("ends %v", ends)
	}
	if f := named(evs, "connect_failed"); len(f) == 0 || f[0]["host"] != dead+"/" {
		t.Errorf("the clip URL's own directory was not tried first: %v", f)
	}
}

// TestPrintURLForSeveralClips: one URL a line, in order.
func TestPrintURLForSeveralClips(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	r := clusterplay(t, nil, "--print-url", "--host", good.URL, "clip.mp4", "dir/clip.mp4")
	want := good.URL + "/clip.mp4\n" + good.URL + "/dir/clip.mp4\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("exit %d, stdout %q, want %q", r.code, r.stdout, want)
	}
}
