package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"clusterplay/loopback"
)

// unlimited is a link's rate that loopback does not reach: no limit.
const unlimited = 1 << 32

// ladderHost serves a three-rung ladder (400k/1200k/3000k; TS, fMP4 and
// DASH, made with ffmpeg now) of seconds over one link of rate bytes/s
// that all its responses share, whose manifests name the host by
// absolute URLs.
func ladderHost(t *testing.T, seconds int, rate int64) (*loopback.Host, *loopback.Link) {
	t.Helper()
	return linkedLadder(t, seconds, rate, loopback.MakeLadder)
}

// linkedLadder serves what makeLadder writes (into the host's directory,
// its URLs under the host's) over one link of rate bytes/s.
func linkedLadder(t *testing.T, seconds int, rate int64, makeLadder func(dir, origin string, seconds int) error) (*loopback.Host, *loopback.Link) {
	t.Helper()
	needTool(t, "ffmpeg")
	dir := t.TempDir()
	link, err := loopback.NewLink(rate)
	if err != nil {
		t.Fatal(err)
	}
	h, err := loopback.LinkedDir(dir, link)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	if err := makeLadder(dir, h.URL, seconds); err != nil {
		t.Fatal(err)
	}
	return h, link
}

// served are the paths a link carried, in the order the responses ended.
func served(link *loopback.Link) []string {
	var out []string
	for _, s := range link.Served() {
		out = append(out, s.Path)
	}
	return out
}

// segmentRequests are the segment and init requests among a host's
// paths: .ts and .m4s files.
func segmentRequests(paths []string) []string {
	var out []string
	for _, p := range paths {
		if strings.HasSuffix(p, ".ts") || strings.HasSuffix(p, ".m4s") || strings.HasSuffix(p, ".mp4") {
			out = append(out, p)
		}
	}
	return out
}

// TestQualityList: --quality list prints a line per variant (name, WxH,
// bitrate, codecs), lowest first, exits 0, and the host is asked for the
// manifest alone: no media playlist, no segment.
func TestQualityList(t *testing.T) {
	h, link := ladderHost(t, 4, unlimited)
	for clip, want := range map[string][]string{
		loopback.LadderTS: {
			"240p       426x240    400k    avc1.42c01f,mp4a.40.2",
			"480p       854x480    1200k   avc1.42c01f,mp4a.40.2",
			"720p       1280x720   3000k   avc1.42c01f,mp4a.40.2"},
		loopback.LadderDASH: {`^240p +426x240 +\d+k +avc1\.\w+$`, `^480p +854x480 +\d+k +avc1\.\w+$`, `^720p +1280x720 +\d+k +avc1\.\w+$`},
	} {
		before := len(served(link))
		r := clusterplay(t, nil, "--quality", "list", "--host", h.URL, clip)
		if r.code != 0 {
			t.Fatalf("%s: exit %d, stderr:\n%s", clip, r.code, r.stderr)
		}
		got := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
		if len(got) != len(want) {
			t.Fatalf("%s: stdout\n%s\nwant %d lines", clip, r.stdout, len(want))
		}
		for i := range want {
			if got[i] != want[i] && !regexp.MustCompile(want[i]).MatchString(got[i]) {
				t.Errorf("%s: line %d %q, want %q", clip, i, got[i], want[i])
			}
		}
		for _, p := range served(link)[before:] {
			if !strings.HasSuffix(p, "/"+clip) {
				t.Errorf("%s: --quality list asked the host for %s: only the manifest may be read", clip, p)
			}
		}
	}
}

// TestQualityNoMatch: a quality that is no name, or that names no
// variant of the clip with no fallback, is one line on stderr and the
// usage exit code 2, before anything plays.
func TestQualityNoMatch(t *testing.T) {
	h, link := ladderHost(t, 4, unlimited)
	for _, q := range []string{"bogus", "1080p", "1080p,100k"} {
		r := clusterplay(t, nil, "--no-video", "--json", "--quality", q, "--host", h.URL, loopback.LadderTS)
		if r.code != 2 {
			t.Errorf("--quality %s: exit %d, want 2; stderr:\n%s", q, r.code, r.stderr)
		}
		if lines := strings.Split(strings.TrimSpace(r.stderr), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "quality") {
			t.Errorf("--quality %s: stderr is not one line that names the quality:\n%s", q, r.stderr)
		}
	}
	if segs := segmentRequests(served(link)); len(segs) > 0 {
		t.Errorf("segments were fetched: %v", segs)
	}
}

// TestQualityFixedFetchesOneVariant: --quality 720p plays to the end and
// the host's request log holds nothing of the other variants: no media
// playlist, segment or init segment (HLS over TS and fMP4, DASH); a
// fallback list takes the first name that matches.
func TestQualityFixedFetchesOneVariant(t *testing.T) {
	h, link := ladderHost(t, 6, unlimited)
	for _, tc := range []struct{ clip, quality, want, other string }{
		{loopback.LadderTS, "720p", "/ladder/ts/v2/", `/ladder/ts/v[01]/`},
		{loopback.LadderFMP4, "1080p,720p,best", "/ladder/fmp4/v2/", `/ladder/fmp4/v[01]/`},
		{loopback.LadderDASH, "720p", "stream2", `stream[01][-.]`},
		{loopback.LadderTS, "1500k", "/ladder/ts/v1/", `/ladder/ts/v[02]/`},
	} {
		before := len(served(link))
		code, evs := playJSON(t, nil, "--quality", tc.quality, "--host", h.URL, tc.clip)
		if code != 0 {
			t.Fatalf("%s --quality %s: exit %d\n%s", tc.clip, tc.quality, code, lines(evs))
		}
		paths := served(link)[before:]
		served := 0
		for _, p := range paths {
			if regexp.MustCompile(tc.other).MatchString(p) {
				t.Errorf("%s --quality %s fetched %s, of another variant", tc.clip, tc.quality, p)
			}
			if strings.Contains(p, tc.want) {
				served++
			}
		}
		if served < 3 {
			t.Errorf("%s --quality %s: %d requests of the variant, want its segments: %v", tc.clip, tc.quality, served, paths)
		}
	}
}

// TestQualityCycleFromTheSocket: cycle_quality (the TUI's b key) walks
// the variants, lowest first, then auto; the relay serves the next
// segment from the variant chosen, a quality event with reason user.
func TestQualityCycleFromTheSocket(t *testing.T) {
	h, link := ladderHost(t, 30, loopback.Ladder[2].Bandwidth*2/8)
	sock := filepath.Join(t.TempDir(), "ctl.sock")
	_, lines, _ := startJSON(t, "--control-socket", sock, "--quality", "auto", "--host", h.URL, loopback.LadderTS)
	waitEvent := followEvents(t, lines)
	waitEvent("start", is("start"))
	for _, want := range []string{"240p", "480p", "720p", "auto"} {
		code, out, errOut := ctlRun(t, sock, "cycle_quality")
		var got map[string]any
		if code != 0 || json.Unmarshal([]byte(out), &got) != nil || got["quality"] != want {
			t.Fatalf("cycle_quality: exit %d %q %s, want quality %s", code, out, errOut, want)
		}
		if want == "240p" {
			ev := waitEvent("a quality event to 240p", func(ev map[string]any) bool { return ev["event"] == "quality" && ev["to"] == "240p" })
			if ev["reason"] != "user" || ev["from"] != "480p" {
				t.Errorf("the switch the user asked for: %v", ev)
			}
			// From the switch on, the segments are the lowest variant's.
			before := len(served(link))
			waitEvent("a later segment", func(ev map[string]any) bool {
				p, _ := ev["path"].(string)
				return ev["event"] == "fetch" && strings.HasSuffix(p, ".ts") && len(served(link)) > before+1
			})
			for _, p := range served(link)[before:] {
				if r := rungOf(p); r > 0 {
					t.Errorf("%s served after the user chose 240p", p)
				}
			}
		}
	}
}

// TestQualityInRelayMode: clusterplay relay shows its players every
// variant by default (auto: they adapt on their own), and the one variant
// a fixed --quality names.
func TestQualityInRelayMode(t *testing.T) {
	h, _ := ladderHost(t, 6, unlimited)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"v0/index.m3u8", "v1/index.m3u8", "v2/index.m3u8"}},
		{[]string{"--quality", "240p"}, []string{"v0/index.m3u8"}},
		{[]string{"--quality", "1080p,best"}, []string{"v2/index.m3u8"}},
	} {
		_, url, _ := startRelayMode(t, append(tc.args, "--host", h.URL)...)
		resp, err := http.Get(strings.TrimSuffix(url, "/") + "/" + loopback.LadderTS)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var got []string
		for _, line := range strings.Split(string(body), "\n") {
			if i := strings.Index(line, "/ladder/ts/"); i >= 0 && !strings.HasPrefix(line, "#") {
				got = append(got, line[i+len("/ladder/ts/"):])
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("clusterplay relay %v: the master names %v, want %v\n%s", tc.args, got, tc.want, body)
		}
	}
}
