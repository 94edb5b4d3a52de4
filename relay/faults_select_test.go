package relay

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/faults"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// hlsFiles is a media playlist of ten segments from media sequence 100,
// named relatively, and its segments.
func hlsFiles() map[string][]byte {
	var pl strings.Builder
	pl.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:100\n")
	files := map[string][]byte{}
	for i := range 10 {
		fmt.Fprintf(&pl, "#EXTINF:1.0,\nseg%d.ts\n", i)
		files[fmt.Sprintf("v/hls/seg%d.ts", i)] = []byte(strings.Repeat(fmt.Sprint(i), 5000))
	}
	pl.WriteString("#EXT-X-ENDLIST\n")
	files["v/hls/index.m3u8"] = []byte(pl.String())
	return files
}

// TestSelectorsAgainstRealHosts: each selector of a rule, a 503 on the
// requests it selects, against two real loopback hosts serving an HLS
// playlist through the relay: the playlist first (the relay learns each
// segment's place from it), then its ten segments in order. What the rule
// selected is what host 1 served.
func TestSelectorsAgainstRealHosts(t *testing.T) {
	files := hlsFiles()
	h0 := hosttest.Keep(t)(loopback.Good(files))
	h1 := hosttest.Keep(t)(loopback.Good(files))
	for _, tc := range []struct {
		rule string
		want string // what host 1 served: m the playlist, digits the segments
	}{
		{"{host: 0, kind: manifest}", "m"},
		{"{host: 0, kind: segment}", "0123456789"},
		{"{host: 0, kind: range}", ""},
		{"{host: 0, kind: probe}", ""},
		{"{host: 0, kind: any}", "m0123456789"},
		{"{host: 1}", ""},
		{"{host: '" + h0.URL + "'}", "m0123456789"},
		{"{host: 'http://127.0.0.2:1/'}", ""},
		{"{segments: 5-8}", "5678"},
		{"{segments: 3}", "3"},
		{"{segments: every 4}", "37"},
		{"{sequence: 102-103}", "23"},
		{"{sequence: every 5}", "49"},
		{"{from: 0s}", "m0123456789"},
		{"{from: 1h}", ""},
		{"{until: 1h}", "m0123456789"},
		{"{cycle: up 1h down 1s}", ""},
		{"{cycle: up 0s down 1h}", "m0123456789"},
		{"{probability: 0}", ""},
		{"{probability: 1}", "m0123456789"},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			rule := strings.TrimSuffix(tc.rule, "}") + ", action: status 503}"
			if !strings.Contains(tc.rule, "host:") {
				rule = "{host: 0, " + strings.TrimPrefix(rule, "{")
			}
			plan, err := faults.Parse("plan.yaml", []byte("rules:\n  - "+rule+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			inj := faults.NewInjector(plan, nil)
			inj.FirstFrame(time.Now())
			h := startRelayWith(t, "", inj, h0.URL+"/v", h1.URL+"/v")
			clips := []string{"hls/index.m3u8"}
			for i := range 10 {
				clips = append(clips, fmt.Sprintf("hls/seg%d.ts", i))
			}
			got := ""
			for i, clip := range clips {
				resp, body, err := get(t, h.relay.URL(clip), nil)
				if err != nil || resp.StatusCode != 200 || (i > 0 && string(body) != string(files["v/"+clip])) {
					t.Fatalf("%s: %d, %v", clip, resp.StatusCode, err)
				}
				if h.waitFor(t, events.Fetch, i+1).Index == 1 {
					if i == 0 {
						got += "m"
					} else {
						got += fmt.Sprint(i - 1)
					}
				}
			}
			evs := h.events()
			if got != tc.want {
				t.Errorf("host 1 served %q, want %q", got, tc.want)
			}
			if n := len(of(evs, events.Fault)); n != len(tc.want) {
				t.Errorf("%d fault events for %d faults", n, len(tc.want))
			}
		})
	}
}
