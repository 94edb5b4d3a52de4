package relay

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// audioLadderFiles is a master of three video-only variants and two
// audio groups whose segments weigh 16 000 and 48 000 bytes for 2 s: 64k
// and 192k. The bytes are no media; the relay does not decode them.
func audioLadderFiles() map[string][]byte {
	files := map[string][]byte{"master.m3u8": []byte(`#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="lo",NAME="English",LANGUAGE="en",URI="a64/index.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="hi",NAME="English",LANGUAGE="en",URI="a192/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=264000,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="lo"
v0/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=892000,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="hi"
v1/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=1792000,CODECS="avc1.42c01f,mp4a.40.2",AUDIO="hi"
v2/index.m3u8
`)}
	for dir, size := range map[string]int{"v0": 50_000, "v1": 175_000, "v2": 400_000, "a64": 16_000, "a192": 48_000} {
		list := "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n"
		for i := range 3 {
			list += fmt.Sprintf("#EXTINF:2.000,\nseg%d.ts\n", i)
			files[fmt.Sprintf("%s/seg%d.ts", dir, i)] = bytes.Repeat([]byte{byte(i + len(dir))}, size)
		}
		files[dir+"/index.m3u8"] = []byte(list + "#EXT-X-ENDLIST\n")
	}
	return files
}

// TestAudioLadderThroughTheRelay: under auto the relay's master names the
// audio rendition at a virtual playlist; reading it measures each group's
// rendition by a HEAD of its first segment (no segment body is fetched
// to measure), orders the rungs lowest first, and the first segment comes
// from the starting variant's group.
func TestAudioLadderThroughTheRelay(t *testing.T) {
	link, err := loopback.NewLink(1 << 30)
	if err != nil {
		t.Fatal(err)
	}
	host := hosttest.Keep(t)(loopback.Linked(audioLadderFiles(), link))
	h := startRelayOpts(t, func(o *Options) { o.Quality = "auto" }, host.URL)
	_, master, err := get(t, h.relay.URL("master.m3u8"), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`TYPE=AUDIO,GROUP-ID="hi".*URI="([^"]*_quality/[0-9a-f]+/index\.m3u8)"`).FindStringSubmatch(string(master))
	if m == nil || strings.Count(string(master), "TYPE=AUDIO") != 1 {
		t.Fatalf("the master names no one virtual audio rendition of the starting group:\n%s", master)
	}
	resp, list, err := get(t, m[1], nil)
	if err != nil || resp.StatusCode != 200 || !strings.Contains(string(list), "seg-0.ts") {
		t.Fatalf("the audio playlist: %v %v\n%s", resp.Status, err, list)
	}
	heads := map[string]int{}
	for _, s := range link.Served() {
		if strings.Contains(s.Path, "/a64/seg") || strings.Contains(s.Path, "/a192/seg") {
			if s.Bytes > 0 {
				t.Errorf("a segment body was fetched to measure a rendition: %+v", s)
			}
			heads[s.Path]++
		}
	}
	if len(heads) != 2 {
		t.Errorf("measured by %v, want one HEAD of each rendition's first segment", heads)
	}
	id := strings.TrimSuffix(m[1][strings.Index(m[1], ladderPrefix)+len(ladderPrefix):], "/index.m3u8")
	l := h.relay.ladders.get(id)
	if l == nil || len(l.rungs) != 2 || l.rungs[0].Bandwidth != 64_000 || l.rungs[1].Bandwidth != 192_000 || l.rungs[l.start].Audio != "hi" {
		t.Fatalf("the audio ladder: %+v", l)
	}
	_, seg, err := get(t, strings.Replace(m[1], "index.m3u8", "seg-0.ts", 1), nil)
	if err != nil || len(seg) != 48_000 {
		t.Errorf("the first audio segment: %d bytes (%v), want the 192k group's 48000", len(seg), err)
	}
}

// TestAudioLadderUnaligned: a group whose rendition's segments do not
// align with the starting group's (other durations) stays out of the
// ladder, and is not even measured.
func TestAudioLadderUnaligned(t *testing.T) {
	files := audioLadderFiles()
	files["a64/index.m3u8"] = bytes.ReplaceAll(files["a64/index.m3u8"], []byte("#EXTINF:2.000,"), []byte("#EXTINF:2.500,"))
	link, err := loopback.NewLink(1 << 30)
	if err != nil {
		t.Fatal(err)
	}
	host := hosttest.Keep(t)(loopback.Linked(files, link))
	h := startRelayOpts(t, func(o *Options) { o.Quality = "auto" }, host.URL)
	_, master, err := get(t, h.relay.URL("master.m3u8"), nil)
	if err != nil {
		t.Fatal(err)
	}
	id := ladderID("master.m3u8\x00audio\x00en/English")
	if !strings.Contains(string(master), ladderPrefix+id+"/index.m3u8") {
		t.Fatalf("no virtual audio playlist %s in:\n%s", id, master)
	}
	if resp, _, err := get(t, h.relay.URL(ladderPrefix+id+"/index.m3u8"), nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the audio playlist: %v", err)
	}
	l := h.relay.ladders.get(id)
	l.mu.Lock()
	usable := l.usable(len(l.rungs) - 1)
	start := l.start
	l.mu.Unlock()
	if len(usable) != 1 || usable[0] != start {
		t.Errorf("usable audio rungs %v, want the starting group's alone (%d)", usable, start)
	}
	for _, s := range link.Served() {
		if strings.Contains(s.Path, "/a64/seg") {
			t.Errorf("the unaligned rendition was asked for %s", s.Path)
		}
	}
}
