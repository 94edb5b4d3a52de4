package steerserver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"clusterplay/clock"
	"clusterplay/events"
)

// The server answers from the step in force, on the fake clock, and says
// each request with the pathway and throughput the player sent.
func TestServerFollowsSchedule(t *testing.T) {
	s, err := Parse([]byte(`
ttl: 4
schedule:
  - priority: [a, b]
  - at: 10s
    priority: [b, a]
  - at: 20s
    status: 429
    retry-after: 2.5
  - at: 30s
    status: 410
`))
	if err != nil {
		t.Fatal(err)
	}
	fake := clock.NewFake(time.Unix(1e9, 0))
	bus := events.NewBus()
	evs := bus.Subscribe()
	srv := New(s, fake, bus)
	get := func(target string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
		return w
	}
	w := get("/steer.json?session=7&_HLS_pathway=a")
	var m map[string]any
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &m) != nil {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	want := map[string]any{"VERSION": 1.0, "TTL": 4.0, "RELOAD-URI": "/steer.json?session=7",
		"PATHWAY-PRIORITY": []any{"a", "b"}}
	if !reflect.DeepEqual(m, want) {
		t.Fatalf("manifest %v, want %v", m, want)
	}
	if ev := <-evs; ev.Kind != events.SteerRequest || ev.Pathway != "a" || ev.Bitrate != 0 || ev.Status != 200 ||
		ev.TTL != 4*time.Second || !reflect.DeepEqual(ev.Priority, []string{"a", "b"}) || ev.Path != "/steer.json" {
		t.Fatalf("event %+v", ev)
	}
	fake.Advance(10 * time.Second)
	w = get(`/steer.json?_DASH_pathway=%22b,a%22&_DASH_throughput=2500000`)
	if json.Unmarshal(w.Body.Bytes(), &m) != nil || m["PATHWAY-PRIORITY"].([]any)[0] != "b" {
		t.Fatalf("at 10s: %s", w.Body)
	}
	if ev := <-evs; ev.Pathway != `"b,a"` || ev.Bitrate != 2500000 {
		t.Fatalf("event %+v", ev)
	}
	fake.Advance(10 * time.Second)
	if w = get("/steer.json"); w.Code != 429 || w.Header().Get("Retry-After") != "3" {
		t.Fatalf("at 20s: %d Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	if ev := <-evs; ev.Status != 429 {
		t.Fatalf("event %+v", ev)
	}
	fake.Advance(10 * time.Second)
	if w = get("/steer.json"); w.Code != 410 {
		t.Fatalf("at 30s: %d", w.Code)
	}
	w = httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/steer.json", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", w.Code)
	}
}

func TestServerReloadURIAndClones(t *testing.T) {
	s, err := Parse([]byte(`
reload-uri: https://steer.example/next?x=1
pathway-clones:
  - {BASE-ID: a, ID: c, URI-REPLACEMENT: {HOST: c.example}}
schedule:
  - priority: [c, a]
`))
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	New(s, clock.NewFake(time.Unix(0, 0)), nil).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/s", nil))
	var m struct {
		Reload string           `json:"RELOAD-URI"`
		Clones []map[string]any `json:"PATHWAY-CLONES"`
	}
	if json.Unmarshal(w.Body.Bytes(), &m) != nil || m.Reload != "https://steer.example/next?x=1" ||
		len(m.Clones) != 1 || m.Clones[0]["ID"] != "c" {
		t.Fatalf("%s", w.Body)
	}
}
