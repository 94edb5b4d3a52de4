package relay

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/clock"
	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestDASHMPDShowsOneBaseURL: an MPD (type="dynamic", reloaded) naming
// two hosts by BaseURL, one ftp: BaseURL and one at the relay itself: the
// player is shown one BaseURL, at the relay, the dvb: attributes and the
// rest as sent, the same on every reload; the two BaseURLs it cannot use
// are said once as steering events; a segment below the shown BaseURL
// comes from the first service location by DVB priority.
func TestDASHMPDShowsOneBaseURL(t *testing.T) {
	seg := map[string][]byte{"live/seg-1.m4s": []byte("segment one")}
	a := hosttest.Keep(t)(loopback.Good(seg))
	b := hosttest.Keep(t)(loopback.Good(seg))
	var mu sync.Mutex
	self := "http://127.0.0.1:1/"
	mpd := func() string {
		mu.Lock()
		defer mu.Unlock()
		return `<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:dvb="urn:dvb:dash-extensions:2014-1" type="dynamic">
  <BaseURL serviceLocation="cdn-b" dvb:priority="2">` + b.URL + `/live/</BaseURL>
  <BaseURL serviceLocation="cdn-a" dvb:priority="1">` + a.URL + `/live/</BaseURL>
  <BaseURL serviceLocation="ftp">ftp://files.example/live/</BaseURL>
  <BaseURL serviceLocation="loop" dvb:priority="3">` + self + `live/</BaseURL>
  <Period id="1"><AdaptationSet><Representation id="v" bandwidth="1"><SegmentTemplate media="seg-$Number$.m4s"/></Representation></AdaptationSet></Period>
</MPD>
`
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/video/m/live.mpd", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/dash+xml")
		w.Write([]byte(mpd()))
	})
	origin := hosttest.Keep(t)(loopback.NewHTTP(mux))
	h := startRelay(t, "tk", origin.URL+"/m")
	mu.Lock()
	self = h.relay.URL("")
	mu.Unlock()
	_, first, err := get(t, h.relay.URL("live.mpd"), nil)
	if err != nil {
		t.Fatal(err)
	}
	shown := h.relay.URL("~pw/0/")
	if n := strings.Count(string(first), "<BaseURL"); n != 1 || !strings.Contains(string(first), `<BaseURL serviceLocation="cdn-b" dvb:priority="2">`+shown+`</BaseURL>`) {
		t.Fatalf("the player is shown %d BaseURLs, want one at %s:\n%s", n, shown, first)
	}
	if !strings.Contains(string(first), `<SegmentTemplate media="seg-$Number$.m4s"/>`) || !strings.Contains(string(first), `type="dynamic"`) {
		t.Errorf("the rest of the MPD changed:\n%s", first)
	}
	for range 2 {
		if _, again, _ := get(t, h.relay.URL("live.mpd"), nil); string(again) != string(first) {
			t.Fatalf("a reload is rewritten otherwise:\n%s\nthen:\n%s", first, again)
		}
	}
	resp, body, err := get(t, shown+"seg-1.m4s", nil)
	if err != nil || resp.StatusCode != 200 || string(body) != "segment one" {
		t.Fatalf("segment: %v %d %q", err, resp.StatusCode, body)
	}
	// The relay says a fetch once its answer is sent: the player may have
	// the bytes first. Three manifests, then the segment.
	h.waitFor(t, events.Fetch, 4)
	evs := h.events()
	var fromA bool
	for _, f := range of(evs, events.Fetch) {
		fromA = fromA || (f.Pathway == "cdn-a" && strings.HasPrefix(f.Host, a.URL))
	}
	if !fromA {
		t.Errorf("the segment did not come from cdn-a (priority 1): %v", of(evs, events.Fetch))
	}
	var skipped []string
	for _, e := range of(evs, events.Steering) {
		skipped = append(skipped, e.Err)
	}
	if len(skipped) != 2 || !strings.Contains(skipped[0]+skipped[1], `scheme "ftp"`) ||
		!strings.Contains(skipped[0]+skipped[1], "points at the relay itself") {
		t.Errorf("skipped BaseURLs said as %q, want the ftp one and the relay's own, once each", skipped)
	}
}

// TestDVBWeightsAcrossSessions: over many sessions (a relay each, seeded
// afresh), the first segment of an MPD whose two BaseURLs of priority 1
// weigh 3 and 1 comes from each as often as its weight says: chi-squared
// (1 degree of freedom) under 10.83, p = 0.001.
func TestDVBWeightsAcrossSessions(t *testing.T) {
	seg := map[string][]byte{"live/seg-1.m4s": []byte("segment one")}
	a := hosttest.Keep(t)(loopback.Good(seg))
	b := hosttest.Keep(t)(loopback.Good(seg))
	mpd := `<MPD xmlns:dvb="urn:dvb:dash-extensions:2014-1">
<BaseURL serviceLocation="heavy" dvb:weight="3">` + a.URL + `/live/</BaseURL>
<BaseURL serviceLocation="light" dvb:weight="1">` + b.URL + `/live/</BaseURL>
<Period><AdaptationSet><Representation id="v" bandwidth="1"><SegmentTemplate media="seg-$Number$.m4s"/></Representation></AdaptationSet></Period></MPD>`
	origin := hosttest.Keep(t)(loopback.Good(map[string][]byte{"m/v.mpd": []byte(mpd)}))
	const sessions = 400
	counts := map[string]int{}
	for seed := range uint64(sessions) {
		h := startRelayOpts(t, func(o *Options) { o.Token, o.Rand = "tk", clock.NewRand(seed) }, origin.URL+"/m")
		if _, _, err := get(t, h.relay.URL("v.mpd"), nil); err != nil {
			t.Fatal(err)
		}
		if resp, _, err := get(t, h.relay.URL("~pw/0/seg-1.m4s"), nil); err != nil || resp.StatusCode != 200 {
			t.Fatalf("segment: %v", err)
		}
		counts[segmentFetchedFrom(t, h)]++
	}
	chi2 := 0.0
	for loc, share := range map[string]float64{"heavy": 0.75, "light": 0.25} {
		want := sessions * share
		d := float64(counts[loc]) - want
		chi2 += d * d / want
	}
	if counts["heavy"]+counts["light"] != sessions || chi2 > 10.83 {
		t.Errorf("first segments by location %v over %d sessions: chi-squared %.2f, want under 10.83 for 3:1", counts, sessions, chi2)
	}
}

// segmentFetchedFrom waits for the fetch event of seg-1.m4s (said once the
// response is done, which may be just after the client has it) and
// returns its pathway.
func segmentFetchedFrom(t *testing.T, h *harness) string {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		h.mu.Lock()
		evs := append([]events.Event(nil), h.evs...)
		h.mu.Unlock()
		for _, f := range of(evs, events.Fetch) {
			if strings.HasSuffix(f.Path, "seg-1.m4s") {
				h.events()
				return f.Pathway
			}
		}
	}
	t.Fatal("no fetch event for the segment")
	return ""
}

// TestDASHSteeringClones: a steering answer's PATHWAY-CLONES make a
// service location the MPD did not name (cdn-a's BaseURL with another
// host), which the priority puts first: the segment comes from it. A
// clone of an unknown location is refused aloud.
func TestDASHSteeringClones(t *testing.T) {
	seg := map[string][]byte{"live/seg-1.m4s": []byte("segment one")}
	a := hosttest.Keep(t)(loopback.Good(seg))
	b := hosttest.Keep(t)(loopback.Good(seg))
	c := hosttest.Keep(t)(loopback.Good(seg))
	cHost := strings.TrimPrefix(strings.TrimSuffix(c.URL, "/video"), "http://")
	steer := http.NewServeMux()
	steer.HandleFunc("/steer.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"VERSION":1,"TTL":300,"PATHWAY-PRIORITY":["cdn-c","cdn-a","cdn-b"],
"PATHWAY-CLONES":[{"BASE-ID":"cdn-a","ID":"cdn-c","URI-REPLACEMENT":{"HOST":"` + cHost + `"}},
{"BASE-ID":"nowhere","ID":"cdn-d","URI-REPLACEMENT":{"HOST":"d.example"}}]}`))
	})
	steerHost := hosttest.Keep(t)(loopback.NewHTTP(steer))
	steerURL := strings.TrimSuffix(steerHost.URL, "/video") + "/steer.json"
	mpd := `<MPD><ContentSteering queryBeforeStart="true">` + steerURL + `</ContentSteering>
<BaseURL serviceLocation="cdn-a">` + a.URL + `/live/</BaseURL>
<BaseURL serviceLocation="cdn-b">` + b.URL + `/live/</BaseURL>
<Period><AdaptationSet><Representation id="v" bandwidth="1"><SegmentTemplate media="seg-$Number$.m4s"/></Representation></AdaptationSet></Period></MPD>`
	origin := hosttest.Keep(t)(loopback.Good(map[string][]byte{"m/v.mpd": []byte(mpd)}))
	h := startRelay(t, "tk", origin.URL+"/m")
	if _, _, err := get(t, h.relay.URL("v.mpd"), nil); err != nil {
		t.Fatal(err)
	}
	if resp, body, err := get(t, h.relay.URL("~pw/0/seg-1.m4s"), nil); err != nil || resp.StatusCode != 200 || string(body) != "segment one" {
		t.Fatalf("segment: %v", err)
	}
	if from := segmentFetchedFrom(t, h); from != "cdn-c" {
		t.Errorf("the segment came from %q, want the clone cdn-c", from)
	}
	var said []string
	for _, e := range of(h.evs, events.Steering) {
		said = append(said, e.Err)
	}
	if !strings.Contains(strings.Join(said, ";"), "clone cdn-d: unknown BASE-ID nowhere") {
		t.Errorf("steering events %q lack the refused clone", said)
	}
}
