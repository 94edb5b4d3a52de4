package loopback

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"clusterplay/variants"
)

// TestMakeLadder: three variants in each form, aligned, at the rungs'
// bandwidths, every HLS URI absolute under the origin.
func TestMakeLadder(t *testing.T) {
	EndToEnd(t, "ffmpeg")
	dir := t.TempDir()
	origin := "http://127.0.0.1:1/video/"
	err := MakeLadder(dir, origin, 8)
	MissingTool(t, err)
	if err != nil {
		t.Fatal(err)
	}
	for _, clip := range []string{LadderTS, LadderFMP4, LadderDASH} {
		body, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(clip)))
		if err != nil {
			t.Fatal(err)
		}
		vs := variants.Parse(body)
		if len(vs) != 3 || vs[1].Height != 480 || vs[2].Height != 720 {
			t.Fatalf("%s: variants %+v\n%s", clip, vs, body)
		}
	}
	for i := range Ladder {
		for _, kind := range []string{"ts", "fmp4"} {
			body, err := os.ReadFile(filepath.Join(dir, "ladder", kind, "v"+string(rune('0'+i)), "index.m3u8"))
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(string(body), "#EXTINF:2.0"); n != 4 {
				t.Errorf("%s v%d: %d segments of 2 s, want 4:\n%s", kind, i, n, body)
			}
			if !strings.Contains(string(body), origin+"ladder/"+kind) {
				t.Errorf("%s v%d: URIs not absolute:\n%s", kind, i, body)
			}
		}
	}
}
