package e2e

import (
	"bytes"
	"net/http"
	"sync"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// agentHost serves the clip and notes the User-Agent of every request.
func agentHost(t *testing.T) (*loopback.Host, func() []string) {
	var mu sync.Mutex
	var agents []string
	h := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents = append(agents, r.UserAgent())
		mu.Unlock()
		http.ServeContent(w, r, assets.ClipName, time.Time{}, bytes.NewReader(assets.Clip))
	})))
	return h, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), agents...)
	}
}

// TestDefaultUserAgentOnEveryRequest: with no --user-agent, every request
// to the host says clusterplay, the player's own included (with
// --relay=off mpv asks the host itself, and said libmpv).
func TestDefaultUserAgentOnEveryRequest(t *testing.T) {
	for _, relay := range []string{"off", "on"} {
		t.Run("relay "+relay, func(t *testing.T) {
			h, seen := agentHost(t)
			code, evs := playJSON(t, nil, "--relay="+relay, "--host", h.URL, assets.ClipName)
			if code != 0 {
				t.Fatalf("exit %d: %v", code, evs)
			}
			agents := seen()
			if len(agents) < 2 {
				t.Fatalf("the host saw %d requests, want the probe's and the player's", len(agents))
			}
			for i, a := range agents {
				if a != "clusterplay" {
					t.Errorf("request %d of %d came with User-Agent %q, want clusterplay", i+1, len(agents), a)
				}
			}
		})
	}
}
