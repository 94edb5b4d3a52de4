package e2e

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// cdnPair is two real nginx hosts serving one directory of HLS and DASH
// made with ffmpeg, whose manifests name every file by an absolute URL on
// the first host, as CDN manifests name their origin: the second host
// serves the very same manifests. The first host sends each response at
// the clip's rate (mpv fetches two at a time), so that it has segments
// left to serve once playback has begun.
func cdnPair(t *testing.T) (first, second *loopback.NginxHTTPHost) {
	t.Helper()
	needTool(t, "ffmpeg")
	dir := t.TempDir()
	rate := int64(float64(len(assets.Clip)) / assets.ClipDuration.Seconds())
	first = hosttest.NginxHTTP(t, dir, loopback.NginxHTTPOptions{LimitRate: rate})
	second = hosttest.NginxHTTP(t, dir, loopback.NginxHTTPOptions{})
	src := filepath.Join(t.TempDir(), assets.ClipName)
	if err := os.WriteFile(src, assets.Clip, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := loopback.MakeStreams(dir, src, first.URL); err != nil {
		t.Fatal(err)
	}
	return first, second
}

// requestsOfMPV fails the test for every request in a host's access log
// that mpv made itself (its User-Agent libmpv, or ffmpeg's Icy-MetaData),
// and returns the paths the host served.
func requestsOfMPV(t *testing.T, name string, h *loopback.NginxHTTPHost) []string {
	t.Helper()
	log, err := h.Accesses()
	if err != nil {
		t.Fatalf("%s's access log: %v", name, err)
	}
	var paths []string
	for _, e := range log {
		if strings.Contains(e.UserAgent, "libmpv") || e.IcyMetaData != "" {
			t.Errorf("%s was asked by mpv itself, not through the relay: %+v", name, e)
		}
		paths = append(paths, e.Path)
	}
	return paths
}

// TestRelayedCDNStreamsFailOver: HLS (a master of two variants: MPEG-TS
// with an AES-128 key, fMP4 with an init segment) and DASH, all at
// absolute URLs on host 1, played on hosts [1, 2] through the relay;
// host 1 is killed once playback has begun and a segment more came from
// it (the whole clip takes it about 3 s). The playback goes on from host
// 2 to the clip's end, exit 0, and neither host ever saw a request of
// mpv's own: every manifest, key and segment went through the relay.
func TestRelayedCDNStreamsFailOver(t *testing.T) {
	for _, clip := range []string{loopback.HLSMaster, loopback.DASHTwo} {
		t.Run(filepath.Dir(clip), func(t *testing.T) {
			first, second := cdnPair(t)
			started, killed := false, false
			code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
				started = started || ev["event"] == "start"
				path, _ := ev["path"].(string)
				if started && !killed && ev["event"] == "fetch" && (strings.HasSuffix(path, ".ts") || strings.HasSuffix(path, ".m4s")) {
					killed = true
					first.Kill()
				}
			}, "--host", first.URL, "--host", second.URL, clip)
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, lines(evs))
			}
			endsAtClipEnd(t, evs)
			moved := false
			for _, f := range named(evs, "failover") {
				moved = moved || (f["host"] == first.URL && f["to_host"] == second.URL)
			}
			if !moved {
				t.Errorf("no failover from host 1 to host 2:\n%s", lines(evs))
			}
			fetches := named(evs, "fetch")
			if len(fetches) == 0 || fetches[len(fetches)-1]["host"] != second.URL {
				t.Errorf("the last fetches did not come from host 2: %v", fetches)
			}
			requestsOfMPV(t, "host 1", first)
			served := strings.Join(requestsOfMPV(t, "host 2", second), " ")
			if !strings.Contains(served, ".ts") && !strings.Contains(served, ".m4s") {
				t.Errorf("host 2 served no segment: %s", served)
			}
		})
	}
}

// TestRelayModeRewritesManifestsOfNginx: `curl -H 'Range: bytes=0-'
// RELAY/dash/two.mpd` through `clusterplay relay`, against nginx, which
// answers that range with 206: the rewritten manifest, in which no URL
// names a host any more.
func TestRelayModeRewritesManifestsOfNginx(t *testing.T) {
	first, second := cdnPair(t)
	_, url, _ := startRelayMode(t, "--host", first.URL, "--host", second.URL)
	for _, clip := range []string{loopback.DASHTwo, loopback.HLSMaster, "hls/v0/index.m3u8", "hls/v1/index.m3u8"} {
		req, _ := http.NewRequest(http.MethodGet, url+clip, nil)
		req.Header.Set("Range", "bytes=0-")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		text := string(body)
		if resp.StatusCode != http.StatusPartialContent || strings.Contains(text, "127.0.0.1:"+port(first.URL)) ||
			!strings.Contains(text, url) {
			t.Errorf("%s: %d %q\n%s", clip, resp.StatusCode, resp.Header.Get("Content-Range"), text)
		}
	}
}

// port is the port of an http://127.0.0.1:PORT/... URL.
func port(u string) string {
	rest := strings.TrimPrefix(u, "http://127.0.0.1:")
	p, _, _ := strings.Cut(rest, "/")
	return p
}
