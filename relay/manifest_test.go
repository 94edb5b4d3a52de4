package relay

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// writeManifests writes an HLS playlist and a DASH manifest into dir whose
// URLs are absolute on origin, as a CDN's are.
func writeManifests(t *testing.T, dir, origin string) {
	t.Helper()
	os.MkdirAll(filepath.Join(dir, "dash"), 0o755)
	hls := "#EXTM3U\n#EXT-X-MAP:URI=\"" + origin + "/init.mp4\"\n#EXT-X-KEY:METHOD=AES-128,URI=\"" + origin + "/key.bin\"\n" +
		"#EXTINF:2,\n" + origin + "/seg0.m4s\n#EXTINF:2,\nseg1.m4s\n#EXT-X-ENDLIST\n"
	mpd := "<MPD><BaseURL>" + origin + "/dash/</BaseURL><Location>" + origin + "/dash/two.mpd</Location>" +
		"<Period><SegmentTemplate initialization=\"" + origin + "/dash/init.m4s\" media=\"c-$Number$.m4s\"/></Period></MPD>\n"
	for name, text := range map[string]string{"index.m3u8": hls, "dash/two.mpd": mpd} {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestManifestAnyRange: a host that answers the player's Range with 206,
// as every CDN does, still has its manifests rewritten, and the player's
// range is cut from the rewritten body: bytes=0- (what mpv sends), a
// middle, a suffix past the end (416), HEAD, and no Range at all.
func TestManifestAnyRange(t *testing.T) {
	dir := t.TempDir()
	host := hosttest.Keep(t)(loopback.GoodDir(dir))
	writeManifests(t, dir, host.URL)
	h := startRelay(t, "tk", host.URL)
	for _, clip := range []string{"index.m3u8", "dash/two.mpd"} {
		orig, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(clip)))
		whole := strings.ReplaceAll(string(orig), host.URL+"/", h.relay.URL(""))
		if strings.Contains(whole, host.URL) || whole == string(orig) {
			t.Fatalf("the expected rewrite of %s still names the host:\n%s", clip, whole)
		}
		n := len(whole)
		tests := []struct {
			rng, method  string
			status       int
			body, crange string
		}{
			{"", "GET", 200, whole, ""},
			{"bytes=0-", "GET", 206, whole, fmt.Sprintf("bytes 0-%d/%d", n-1, n)},
			{"bytes=10-19", "GET", 206, whole[10:20], fmt.Sprintf("bytes 10-19/%d", n)},
			{"bytes=20-", "GET", 206, whole[20:], fmt.Sprintf("bytes 20-%d/%d", n-1, n)},
			{fmt.Sprintf("bytes=%d-", n), "GET", 416, "", fmt.Sprintf("bytes */%d", n)},
			{"bytes=0-", "HEAD", 206, "", fmt.Sprintf("bytes 0-%d/%d", n-1, n)},
		}
		for _, tt := range tests {
			req, _ := http.NewRequest(tt.method, h.relay.URL(clip), nil)
			if tt.rng != "" {
				req.Header.Set("Range", tt.rng)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := bodyText(resp)
			if tt.status == 416 {
				body = tt.body // the error text is the server's own
			}
			if resp.StatusCode != tt.status || body != tt.body || resp.Header.Get("Content-Range") != tt.crange {
				t.Errorf("%s %s Range %q: %d %q\n%s\nwant %d %q\n%s", tt.method, clip, tt.rng, resp.StatusCode,
					resp.Header.Get("Content-Range"), body, tt.status, tt.crange, tt.body)
			}
			if tt.status == 206 && resp.Header.Get("Content-Length") != strconv.Itoa(len(tt.body)) && tt.method == "GET" {
				t.Errorf("%s Range %q: Content-Length %q", clip, tt.rng, resp.Header.Get("Content-Length"))
			}
		}
	}
}

// TestManifestNamesTheRelayAsReached: the rewritten URLs name the relay
// by the address the player used, so that a relay listening on every
// address (--listen-public) is not named 0.0.0.0. (A name other than
// localhost is refused on loopback: hostcheck_test.go.)
func TestManifestNamesTheRelayAsReached(t *testing.T) {
	dir := t.TempDir()
	host := hosttest.Keep(t)(loopback.GoodDir(dir))
	writeManifests(t, dir, host.URL)
	h := startRelay(t, "tk", host.URL)
	req, _ := http.NewRequest(http.MethodGet, h.relay.URL("index.m3u8"), nil)
	req.Host = "localhost:8080"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if body := bodyText(resp); !strings.Contains(body, "\nhttp://localhost:8080/tk/seg0.m4s\n") {
		t.Errorf("rewritten for Host localhost:8080:\n%s", body)
	}
}

// TestManifestFromNginx: the same against a real nginx, whose answer to
// Range: bytes=0- is a 206, with the DASH manifest ffmpeg writes, with an
// absolute BaseURL on the host (the relay's equivalent of curl -H 'Range:
// bytes=0-' RELAY/dash/two.mpd).
func TestManifestFromNginx(t *testing.T) {
	dir := t.TempDir()
	n := hosttest.NginxHTTP(t, dir, loopback.NginxHTTPOptions{})
	src := filepath.Join(t.TempDir(), assets.ClipName)
	os.WriteFile(src, assets.Clip, 0o644)
	err := loopback.MakeStreams(dir, src, n.URL)
	hosttest.Missing(t, err)
	if err != nil {
		t.Fatal(err)
	}
	h := startRelay(t, "tk", n.URL)
	for _, clip := range []string{loopback.DASHTwo, loopback.HLSMaster, "hls/v0/index.m3u8", "hls/v1/index.m3u8"} {
		_, body, err := get(t, h.relay.URL(clip), map[string]string{"Range": "bytes=0-"})
		if err != nil || strings.Contains(string(body), n.URL) || !strings.Contains(string(body), h.relay.URL("")) {
			t.Errorf("%s through the relay, %v:\n%s", clip, err, body)
		}
	}
	log, _ := n.Accesses()
	for _, e := range log {
		if e.Range != "" && e.Range != "bytes=0-0" { // the engine's probe asks for one byte
			t.Errorf("nginx was asked %+v: a manifest is fetched whole", e)
		}
	}
}

func bodyText(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
