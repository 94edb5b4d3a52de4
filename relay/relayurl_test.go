package relay

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestRelayURLEscapesLikeTheProbe: the player's URL for a clip is escaped
// as the host's is, so that a '#', a space or a '?' in a name reaches the
// host as the probe asked for it: x#clip.mp4 played through the relay as
// "x" and failed.
func TestRelayURLEscapesLikeTheProbe(t *testing.T) {
	names := map[string][]byte{"v/x#clip.mp4": payload[:1000], "v/a b.mp4": payload[1000:2000], "v/100%.mp4": payload[2000:3000]}
	good := hosttest.Keep(t)(loopback.Good(names))
	h := startRelay(t, "tok", good.URL+"/v")
	for clip, want := range map[string][]byte{"x#clip.mp4": names["v/x#clip.mp4"], "a b.mp4": names["v/a b.mp4"], "100%25.mp4": names["v/100%.mp4"]} {
		u := h.relay.URL(clip)
		probe, _ := h.relay.opts.Engine.Hosts()[0].ClipURL(clip)
		if !strings.HasSuffix(u, probe[strings.LastIndex(probe, "/"):]) {
			t.Errorf("%s: the relay's URL %s, the probe's %s", clip, u, probe)
		}
		resp, body, err := get(t, u, nil)
		if err != nil || resp.StatusCode != http.StatusOK || !bytes.Equal(body, want) {
			t.Errorf("%s via %s: %d, %d bytes, %v", clip, u, resp.StatusCode, len(body), err)
		}
	}
	if got := h.relay.URL(""); !strings.HasSuffix(got, "/tok/") {
		t.Errorf("the base: %s", got)
	}
	if got := h.relay.URL("a.mp4?t=1#2"); !strings.HasSuffix(got, "/tok/a.mp4?t=1%232") {
		t.Errorf("a '#' in the query: %s", got)
	}
}
