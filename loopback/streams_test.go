package loopback

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"clusterplay/assets"
)

// TestMakeStreams: every URL in the manifests is absolute under the
// origin and names a file that was written; each kind of reference the
// relay must rewrite is there.
func TestMakeStreams(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), assets.ClipName)
	os.WriteFile(src, assets.Clip, 0o644)
	const origin = "http://127.0.0.1:1/video"
	err := MakeStreams(dir, src, origin)
	MissingTool(t, err)
	if err != nil {
		t.Fatal(err)
	}
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	all := read(HLSMaster) + read("hls/v0/index.m3u8") + read("hls/v1/index.m3u8") + read(DASHTwo)
	for _, want := range []string{
		"\n" + origin + "/hls/v0/index.m3u8\n", "\n" + origin + "/hls/v1/index.m3u8\n",
		`#EXT-X-KEY:METHOD=AES-128,URI="` + origin + `/hls/v0/key.bin"`, "\n" + origin + "/hls/v0/seg0.ts\n",
		`#EXT-X-MAP:URI="` + origin + `/hls/v1/init.mp4"`, "\n" + origin + "/hls/v1/seg0.m4s\n",
		"<BaseURL>" + origin + "/dash/</BaseURL>", `initialization="init-stream$RepresentationID$.m4s"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the manifests lack %q:\n%s", want, all)
		}
	}
	for _, u := range regexp.MustCompile(`http://127\.0\.0\.1:1/video/[^"\s<]+`).FindAllString(all, -1) {
		p := strings.TrimPrefix(u, origin+"/")
		if st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err != nil || (st.IsDir() != strings.HasSuffix(p, "/")) {
			t.Errorf("%s names no file written: %v", u, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "dash", "init-stream0.m4s")); err != nil {
		t.Error(err)
	}
}

// TestWriteDASHBaseURLs: the multi-CDN MPD names one absolute BaseURL per
// location, with its DVB attributes, and the steering server.
func TestWriteDASHBaseURLs(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), assets.ClipName)
	os.WriteFile(src, assets.Clip, 0o644)
	err := MakeStreams(dir, src, "http://127.0.0.1:1/a")
	MissingTool(t, err)
	if err != nil {
		t.Fatal(err)
	}
	err = WriteDASHBaseURLs(dir, []ServiceLocation{{Name: "cdn-a", Origin: "http://127.0.0.1:1/a", Priority: 1, Weight: 3},
		{Name: "cdn-b", Origin: "http://127.0.0.1:2/b/", Priority: 2}}, DASHOptions{Steering: "http://127.0.0.1:3/s.json"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(DASHBaseURLs)))
	for _, want := range []string{
		`xmlns:dvb="urn:dvb:dash-extensions:2014-1"`,
		`<BaseURL serviceLocation="cdn-a" dvb:priority="1" dvb:weight="3">http://127.0.0.1:1/a/dash/</BaseURL>`,
		`<BaseURL serviceLocation="cdn-b" dvb:priority="2">http://127.0.0.1:2/b/dash/</BaseURL>`,
		`<ContentSteering defaultServiceLocation="cdn-a" queryBeforeStart="true">http://127.0.0.1:3/s.json</ContentSteering>`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the MPD lacks %q:\n%s", want, b)
		}
	}
}
