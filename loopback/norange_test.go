package loopback

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestNoRange: whatever Range asks, the whole file with 200, its length,
// and no Accept-Ranges, as `python3 -m http.server` answers; a file written
// into NoRangeDir's directory after it started is served too.
func TestNoRange(t *testing.T) {
	clip := randomBytes(50_000)
	dir := t.TempDir()
	hosts := map[string]func() (*Host, error){
		"NoRange":    func() (*Host, error) { return NoRange(map[string][]byte{"a/clip.mp4": clip}) },
		"NoRangeDir": func() (*Host, error) { return NoRangeDir(dir) },
	}
	for name, mk := range hosts {
		t.Run(name, func(t *testing.T) {
			h := start(t)(mk())
			os.MkdirAll(filepath.Join(dir, "a"), 0o755)
			if err := os.WriteFile(filepath.Join(dir, "a", "clip.mp4"), clip, 0o644); err != nil {
				t.Fatal(err)
			}
			c := client(t, nil)
			for _, rng := range []string{"", "bytes=0-", "bytes=100-", "bytes=100-199", "bytes=60000-"} {
				resp, body, err := get(c, h.URL+"/a/clip.mp4", "Range", rng)
				if err != nil || resp.StatusCode != 200 || !bytes.Equal(body, clip) ||
					resp.Header.Get("Content-Length") != strconv.Itoa(len(clip)) || resp.Header.Get("Accept-Ranges") != "" ||
					resp.Header.Get("Content-Type") != "video/mp4" {
					t.Errorf("Range %q: %v %v, %d bytes", rng, resp, err, len(body))
				}
			}
			if resp, _, _ := get(c, h.URL+"/a/none.mp4"); resp == nil || resp.StatusCode != 404 {
				t.Errorf("missing file: %v", resp)
			}
		})
	}
	if _, err := NoRangeDir(filepath.Join(dir, "a", "clip.mp4")); err == nil {
		t.Error("NoRangeDir of a file: no error")
	}
}
