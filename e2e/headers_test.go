package e2e

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// tokenHost serves the clip only to requests that carry the token header,
// as a CDN edge does, and notes the User-Agent and Referer of each.
func tokenHost(t *testing.T) (*loopback.Host, func() (agents, referers []string)) {
	var mu sync.Mutex
	var agents, referers []string
	good := hosttest.Keep(t)(loopback.Good(media))
	h := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents, referers = append(agents, r.UserAgent()), append(referers, r.Referer())
		mu.Unlock()
		if r.Header.Get("X-Edge-Token") != "s3cret" {
			http.Error(w, "token needed", http.StatusForbidden)
			return
		}
		// The clip itself, from a plain host behind this one.
		req, _ := http.NewRequest(r.Method, good.URL+strings.TrimPrefix(r.URL.Path, "/video"), nil)
		req.Header.Set("Range", r.Header.Get("Range"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			w.Write(buf[:n])
			if err != nil {
				return
			}
		}
	})))
	return h, func() ([]string, []string) {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), agents...), append([]string(nil), referers...)
	}
}

// TestHeadersReachEveryRequest: a CDN that wants a token header gets it
// from the probe, from mpv and from the relay, with the User-Agent and
// Referer asked for; the token never shows in the events.
func TestHeadersReachEveryRequest(t *testing.T) {
	for _, relay := range []string{"on", "off"} {
		t.Run("relay "+relay, func(t *testing.T) {
			h, seen := tokenHost(t)
			code, evs := playJSON(t, nil, "--relay="+relay, "--http-header", "X-Edge-Token: s3cret",
				"--user-agent", "TestAgent/1", "--referer", "https://player.example/", "--host", h.URL, assets.ClipName)
			if code != 0 {
				t.Fatalf("exit %d: %v", code, evs)
			}
			agents, referers := seen()
			if len(agents) < 2 {
				t.Fatalf("the host saw %d requests, want the probe's and the player's", len(agents))
			}
			for i := range agents {
				if agents[i] != "TestAgent/1" || referers[i] != "https://player.example/" {
					t.Errorf("request %d came with User-Agent %q, Referer %q", i, agents[i], referers[i])
				}
			}
			for _, ev := range evs {
				for _, v := range ev {
					if s, ok := v.(string); ok && strings.Contains(s, "s3cret") {
						t.Errorf("an event shows the token: %v", ev)
					}
				}
			}
		})
	}
	r := clusterplay(t, nil, "--print-url", "--http-header", "X-Broken", "--host", "http://h/v", "clip.mp4")
	if r.code != 2 || !strings.Contains(r.stderr, `want "Name: value"`) {
		t.Errorf("a header without a colon: exit %d, %q", r.code, r.stderr)
	}
}
