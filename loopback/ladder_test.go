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
	for _, clip := range []string{LadderTS, LadderFMP4, LadderDASH, LadderDASHList, LadderDASHReps, LadderDASHBase} {
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
	for _, clip := range []string{LadderDASHList, LadderDASHReps, LadderDASHBase} {
		dashAddressing(t, dir, clip)
	}
}

// dashAddressing: the MPD's two audio representations, and each
// representation's segments as the manifest addresses them: four of 2 s
// (a SegmentBase's from its file's sidx at its indexRange).
func dashAddressing(t *testing.T, dir, clip string) {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(clip)))
	if err != nil {
		t.Fatal(err)
	}
	audio := variants.Audio(body)
	if len(audio) != 2 || audio[0].Name != "64k" || audio[1].Name != "128k" {
		t.Errorf("%s: audio %+v, want 64k and 128k", clip, audio)
	}
	for _, v := range append(variants.Parse(body), audio...) {
		segs, err := variants.RepresentationSegments(body, v.ID)
		if err != nil {
			t.Fatalf("%s %s: %v", clip, v.ID, err)
		}
		if segs.Index != nil {
			file, err := os.ReadFile(filepath.Join(dir, filepath.Dir(filepath.FromSlash(clip)), segs.Index.URL))
			if err != nil {
				t.Fatal(err)
			}
			if segs.Media, err = variants.ParseSidx(file[segs.Index.Start:segs.Index.End+1], segs.Index.End, segs.Index.URL); err != nil {
				t.Fatalf("%s %s: %v", clip, v.ID, err)
			}
			if last := segs.Media[len(segs.Media)-1]; last.End != int64(len(file))-1 && !strings.Contains(string(file[last.End+1:]), "mfra") {
				t.Errorf("%s %s: the last segment ends at %d of %d bytes", clip, v.ID, last.End, len(file))
			}
		}
		total := 0.0
		for _, s := range segs.Media {
			total += s.Seconds
		}
		if len(segs.Media) != 4 || total < 7.9 || total > 8.2 || segs.Init.URL == "" {
			t.Errorf("%s %s: %d segments, %.2f s, init %q; want 4 of 2 s and an initialization", clip, v.ID, len(segs.Media), total, segs.Init.URL)
		}
	}
}
