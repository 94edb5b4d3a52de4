package cluster

import (
	"context"
	"net/http"
	"testing"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

func TestDropOnCrossOrigin(t *testing.T) {
	user := http.Header{"X-Token": {"s"}, "User-Agent": {"ua"}, "Referer": {"r"}}
	tests := []struct {
		from, to string
		kept     bool
	}{
		{"http://h/v/a.mp4", "http://h/w/b.mp4", true},
		{"http://h/v/a.mp4", "http://H:80/w/b.mp4", true},
		{"https://h/a", "https://h:443/b", true},
		{"http://h/a", "http://h:8080/a", false},
		{"http://h/a", "https://h/a", false},
		{"http://h/a", "http://other/a", false},
		{"http://h/a", "http://sub.h/a", false},
	}
	for _, tt := range tests {
		first, _ := http.NewRequest(http.MethodGet, tt.from, nil)
		next, _ := http.NewRequest(http.MethodGet, tt.to, nil)
		next.Header = http.Header{"X-Token": {"s"}, "User-Agent": {"ua"}, "Referer": {"r"},
			"Authorization": {"Basic x"}, "Cookie": {"c=1"}, "Range": {"bytes=0-"}}
		DropOnCrossOrigin(next, []*http.Request{first}, user)
		kept := next.Header.Get("X-Token") != "" && next.Header.Get("Authorization") != "" && next.Header.Get("Cookie") != ""
		gone := next.Header.Get("X-Token") == "" && next.Header.Get("Authorization") == "" && next.Header.Get("Cookie") == ""
		if (tt.kept && !kept) || (!tt.kept && !gone) {
			t.Errorf("%s -> %s: headers %v", tt.from, tt.to, next.Header)
		}
		if next.Header.Get("User-Agent") != "ua" || next.Header.Get("Referer") != "r" || next.Header.Get("Range") == "" {
			t.Errorf("%s -> %s: lost what is not a credential: %v", tt.from, tt.to, next.Header)
		}
	}
}

func TestHasVia(t *testing.T) {
	for v, want := range map[string]bool{
		Via: true, "1.0 squid, 1.1 clusterplay": true, "HTTP/1.1 ClusterPlay (x)": true,
		"1.1 squid": false, "": false, "clusterplay": false, "1.1 clusterplayer": false,
	} {
		h := http.Header{}
		if v != "" {
			h.Set("Via", v)
		}
		if got := HasVia(h); got != want {
			t.Errorf("Via %q: %v", v, got)
		}
	}
}

// TestProbeKeepsTheUserHeadersAtHome: a probe redirected to another port
// of the same host sends neither the user's header nor Authorization
// there, and marks the redirected request with Via, which a clusterplay
// relay refuses.
func TestProbeKeepsTheUserHeadersAtHome(t *testing.T) {
	seen := make(chan http.Header, 1)
	other := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Header.Clone()
		w.WriteHeader(http.StatusOK)
	})))
	home := hosttest.Keep(t)(loopback.Redirect(0, other.URL))
	user := http.Header{"X-Edge-Token": {"s3cret"}, "Authorization": {"Bearer s3cret"}, "User-Agent": {"ua/1"}}
	a := &Attempt{URL: home.URL + "/clip.mp4"}
	if err := NewHTTPProber(false, user).Probe(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	got := <-seen
	if got.Get("X-Edge-Token") != "" || got.Get("Authorization") != "" || got.Get("User-Agent") != "ua/1" || !HasVia(got) {
		t.Errorf("the redirect's target saw %v", got)
	}
}
