package relay

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestRedirectIntoTheRelay: a host that redirects to the relay itself
// once nested about 3,800 requests in 10 s. Whether the engine's probe
// follows it (a first request) or the relay's own client (the host that
// served last), it ends at once, and the host is asked a handful of
// times.
func TestRedirectIntoTheRelay(t *testing.T) {
	for _, current := range []bool{false, true} {
		var target atomic.Value
		target.Store("")
		loop := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.Load().(string), http.StatusFound)
		})))
		h := startRelay(t, "", loop.URL)
		target.Store(h.relay.URL("clip.mp4"))
		if current {
			h.relay.SetCurrent(h.relay.opts.Engine.Hosts()[0])
		}
		began := time.Now()
		resp, _, _ := get(t, h.relay.URL("clip.mp4"), nil)
		if resp.StatusCode == http.StatusOK || time.Since(began) > 5*time.Second || loop.Requests() > 20 {
			t.Errorf("current=%v: %d after %v and %d requests to the host", current, resp.StatusCode, time.Since(began), loop.Requests())
		}
	}
}

// TestRedirectThroughASecondRelay: two relays whose hosts redirect each
// into the other: the relayed request bears Via, and the second relay
// refuses it.
func TestRedirectThroughASecondRelay(t *testing.T) {
	var toA, toB atomic.Value
	hostA := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, toB.Load().(string), http.StatusFound)
	})))
	hostB := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, toA.Load().(string), http.StatusFound)
	})))
	a := startRelay(t, "", hostA.URL)
	b := startRelay(t, "", hostB.URL)
	toA.Store(a.relay.URL("clip.mp4"))
	toB.Store(b.relay.URL("clip.mp4"))
	a.relay.SetCurrent(a.relay.opts.Engine.Hosts()[0])
	b.relay.SetCurrent(b.relay.opts.Engine.Hosts()[0])
	began := time.Now()
	resp, _, _ := get(t, a.relay.URL("clip.mp4"), nil)
	if resp.StatusCode == http.StatusOK || time.Since(began) > 5*time.Second || hostA.Requests()+hostB.Requests() > 20 {
		t.Errorf("%d after %v, %d+%d requests to the hosts", resp.StatusCode, time.Since(began), hostA.Requests(), hostB.Requests())
	}
}

// TestRedirectLimit: the relay follows cluster.MaxRedirects (5) redirects
// and no more.
func TestRedirectLimit(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	for hops, want := range map[int]int{4: http.StatusOK, 5: http.StatusBadGateway} {
		chain := hosttest.Keep(t)(loopback.Redirect(hops, good.URL+"/v"))
		h := startRelay(t, "", chain.URL)
		h.relay.SetCurrent(h.relay.opts.Engine.Hosts()[0])
		if resp, _, _ := get(t, h.relay.URL("clip.mp4"), nil); resp.StatusCode != want {
			t.Errorf("%d redirects: %d, want %d", hops+1, resp.StatusCode, want)
		}
	}
}

// TestRedirectKeepsTheUserHeadersAtHome: the user's headers (an
// --http-header token, Authorization, Cookie) go to a redirect's target
// on the same origin, and not to another host or another port of the same
// host, neither from the relay nor from the probe; User-Agent and Via go
// everywhere.
func TestRedirectKeepsTheUserHeadersAtHome(t *testing.T) {
	var mu sync.Mutex
	seen := map[string][]http.Header{}
	record := func(name string, w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[name] = append(seen[name], r.Header.Clone())
		mu.Unlock()
		http.ServeContent(w, r, "clip.mp4", time.Time{}, strings.NewReader(string(payload[:1000])))
	}
	other := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record("other", w, r)
	})))
	home := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.Contains(r.URL.Path, "/cross/"):
			http.Redirect(w, r, other.URL+"/clip.mp4", http.StatusFound)
		case strings.Contains(r.URL.Path, "/same/"):
			http.Redirect(w, r, "/final/clip.mp4", http.StatusFound)
		default:
			record("home", w, r)
		}
	})))
	user := http.Header{"X-Token": {"s3cret"}, "Authorization": {"Bearer s3cret"}, "Cookie": {"c=s3cret"}, "User-Agent": {"ua/1"}}
	h := startRelayOpts(t, func(o *Options) { o.Header = user }, home.URL)
	for _, clip := range []string{"cross/clip.mp4", "same/clip.mp4"} {
		if resp, _, err := get(t, h.relay.URL(clip), nil); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", clip, resp.StatusCode, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen["other"]) == 0 || len(seen["home"]) == 0 {
		t.Fatalf("requests seen: %v", seen)
	}
	for _, hd := range seen["other"] {
		for _, k := range []string{"X-Token", "Authorization", "Cookie"} {
			if hd.Get(k) != "" {
				t.Errorf("another origin got %s: %q", k, hd.Get(k))
			}
		}
		if hd.Get("Via") == "" {
			t.Errorf("another origin: no Via in %v", hd)
		}
	}
	if last := seen["other"][len(seen["other"])-1]; last.Get("User-Agent") != "ua/1" {
		t.Errorf("the relay's request to another origin: User-Agent %q", last.Get("User-Agent"))
	}
	for _, hd := range seen["home"] {
		if hd.Get("X-Token") != "s3cret" || hd.Get("Authorization") != "Bearer s3cret" || hd.Get("Cookie") != "c=s3cret" {
			t.Errorf("the same origin lost the user's headers: %v", hd)
		}
	}
}

// TestRedirectPolicy: the relay's rules for a redirect, request by
// request: its own address and, from a host elsewhere, this machine are
// refused; the sixth redirect is one too many.
func TestRedirectPolicy(t *testing.T) {
	self := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
	policy := redirectPolicy(self, http.Header{"X-Token": {"s"}})
	tests := []struct {
		from, to string
		hops     int
		ok       bool
	}{
		{"http://127.0.0.1:9000/v/a.mp4", "http://127.0.0.1:9001/v/a.mp4", 1, true},
		{"http://127.0.0.1:9000/v/a.mp4", "http://127.0.0.1:8080/a.mp4", 1, false},
		{"http://127.0.0.1:9000/v/a.mp4", "http://localhost:8080/a.mp4", 1, false},
		{"http://127.0.0.1:9000/v/a.mp4", "http://[::1]:8080/a.mp4", 1, false},
		{"http://127.0.0.1:9000/v/a.mp4", "http://0.0.0.0:8080/a.mp4", 1, false},
		{"http://cdn.example/v/a.mp4", "http://127.0.0.1:6379/", 1, false},
		{"http://cdn.example/v/a.mp4", "http://localhost/", 1, false},
		{"http://cdn.example/v/a.mp4", "http://edge.example/v/a.mp4", 1, true},
		{"http://cdn.example/v/a.mp4", "http://edge.example/v/a.mp4", 5, true},
		{"http://cdn.example/v/a.mp4", "http://edge.example/v/a.mp4", 6, false},
	}
	for _, tt := range tests {
		first, _ := http.NewRequest(http.MethodGet, tt.from, nil)
		via := make([]*http.Request, tt.hops)
		for i := range via {
			via[i] = first
		}
		next, _ := http.NewRequest(http.MethodGet, tt.to, nil)
		if err := policy(next, via); (err == nil) != tt.ok {
			t.Errorf("%s -> %s after %d: %v", tt.from, tt.to, tt.hops, err)
		}
	}
}
