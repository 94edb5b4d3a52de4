package relay

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// steeredSetup is a steered stream over real loopback hosts: pathway
// hosts A and B (and C, which only a clone names), each serving one
// variant's playlist and segments, and a typed host serving the master
// that names them and a steering server answering body.
type steeredSetup struct {
	h       *harness
	a, b, c *loopback.Host
	mu      sync.Mutex
	body    string
	asked   []string // the steering requests' queries
}

var segment = payload[:200<<10]

func pathwayFiles(missing ...string) map[string][]byte {
	files := map[string][]byte{
		"hls/v0/index.m3u8": []byte("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nseg0.ts\n#EXTINF:1,\nseg1.ts\n#EXT-X-ENDLIST\n"),
		"hls/v0/seg0.ts":    segment, "hls/v0/seg1.ts": segment,
	}
	for _, m := range missing {
		delete(files, m)
	}
	return files
}

func newSteered(t *testing.T, body string, set func(*Options), missingOnA ...string) *steeredSetup {
	t.Helper()
	s := &steeredSetup{body: body}
	s.a = hosttest.Keep(t)(loopback.Good(pathwayFiles(missingOnA...)))
	s.b = hosttest.Keep(t)(loopback.Good(pathwayFiles()))
	s.c = hosttest.Keep(t)(loopback.Good(pathwayFiles()))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.asked = append(s.asked, r.URL.Path+"?"+r.URL.RawQuery+" token="+r.Header.Get("X-Token"))
		b := s.body
		s.mu.Unlock()
		fmt.Fprint(w, strings.ReplaceAll(b, "HOST_C", strings.TrimPrefix(strings.TrimSuffix(s.c.URL, "/video"), "http://")))
	}))
	t.Cleanup(srv.Close)
	master := "#EXTM3U\n#EXT-X-CONTENT-STEERING:SERVER-URI=\"" + srv.URL + "/steer.json\",PATHWAY-ID=\"A\"\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=500000,PATHWAY-ID=\"A\"\n" + s.a.URL + "/hls/v0/index.m3u8\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=500000,PATHWAY-ID=\"B\"\n" + s.b.URL + "/hls/v0/index.m3u8\n"
	typed := hosttest.Keep(t)(loopback.Good(map[string][]byte{"master.m3u8": []byte(master)}))
	s.h = startRelayOpts(t, func(o *Options) {
		o.Token = "tok"
		if set != nil {
			set(o)
		}
	}, typed.URL)
	return s
}

// play asks for the master, the variant's playlist and seg0, as a player
// does, and returns the master as the player saw it.
func (s *steeredSetup) play(t *testing.T, segs ...string) string {
	t.Helper()
	resp, master, err := get(t, s.h.relay.URL("master.m3u8"), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("master: %v %v", resp.Status, err)
	}
	for _, p := range append([]string{"~pw/0/index.m3u8"}, segs...) {
		resp, body, err := get(t, s.h.relay.URL(p), nil)
		if err != nil || resp.StatusCode != 200 || (strings.HasSuffix(p, ".ts") && len(body) != len(segment)) {
			t.Fatalf("%s: %v, %d bytes, %v", p, resp.Status, len(body), err)
		}
	}
	return string(master)
}

// settled waits until the relay has said a fetch for every segment asked
// (the player has the bytes a moment before the event is published).
func (s *steeredSetup) settled(t *testing.T, segments int) []events.Event {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		s.h.mu.Lock()
		n := 0
		for _, e := range s.h.evs {
			if e.Kind == events.Fetch && strings.HasSuffix(e.Path, ".ts") {
				n++
			}
		}
		s.h.mu.Unlock()
		if n >= segments {
			break
		}
	}
	return s.h.events()
}

func fetchedFrom(evs []events.Event, path string) []string {
	var out []string
	for _, f := range of(evs, events.Fetch) {
		if f.Path == path {
			out = append(out, f.Pathway)
		}
	}
	return out
}

func TestSteeredMasterShowsOnePathway(t *testing.T) {
	s := newSteered(t, `{"VERSION":1,"TTL":300,"PATHWAY-PRIORITY":["B","A"]}`,
		func(o *Options) { o.Header = http.Header{"X-Token": {"t1"}} })
	master := s.play(t, "~pw/0/seg0.ts")
	evs := s.settled(t, 1)
	if strings.Contains(master, "CONTENT-STEERING") || strings.Count(master, "EXT-X-STREAM-INF") != 1 ||
		!strings.Contains(master, s.h.relay.URL("~pw/0/index.m3u8")) || strings.Contains(master, s.a.URL) {
		t.Errorf("the player saw:\n%s", master)
	}
	if got := fetchedFrom(evs, "~pw/0/seg0.ts"); len(got) != 1 || got[0] != "B" {
		t.Errorf("seg0 came from %q, want B", got)
	}
	if len(s.asked) != 1 || !strings.Contains(s.asked[0], "_HLS_pathway=A") || strings.Contains(s.asked[0], "_HLS_throughput") ||
		!strings.HasSuffix(s.asked[0], "token=t1") {
		t.Errorf("steering asked %q, want _HLS_pathway=A, no throughput yet, and the cluster's header", s.asked)
	}
	st := of(evs, events.Steering)
	if len(st) != 1 || st[0].Status != 200 || st[0].Pathway != "B" || st[0].TTL != 300*time.Second || strings.Join(st[0].Priority, ",") != "B,A" {
		t.Errorf("steering events %+v", st)
	}
}

// TestPathwayPenaltyThenFailBack: seg1 is missing on A: A is penalised
// (reason failure) and B serves it; once the penalty is over, A, which
// steering still ranks first, serves again (reason penalty_over).
func TestPathwayPenaltyThenFailBack(t *testing.T) {
	s := newSteered(t, `{"VERSION":1,"PATHWAY-PRIORITY":["A","B"]}`, func(o *Options) { o.PathwayPenalty = 400 * time.Millisecond },
		"hls/v0/seg1.ts")
	s.play(t, "~pw/0/seg0.ts", "~pw/0/seg1.ts")
	time.Sleep(500 * time.Millisecond)
	s.play(t, "~pw/0/seg0.ts")
	evs := s.settled(t, 3)
	if got := strings.Join(fetchedFrom(evs, "~pw/0/seg1.ts"), ","); got != "B" {
		t.Errorf("seg1 came from %q, want B", got)
	}
	if got := strings.Join(fetchedFrom(evs, "~pw/0/seg0.ts"), ","); got != "A,A" {
		t.Errorf("seg0 came from %q, want A then A again", got)
	}
	var reasons []string
	for _, p := range of(evs, events.Pathway) {
		reasons = append(reasons, fmt.Sprintf("%s>%s:%s", p.PathwayFrom, p.Pathway, p.Reason))
	}
	if strings.Join(reasons, " ") != "A>B:failure B>A:penalty_over" {
		t.Errorf("pathway events %q", reasons)
	}
	for _, f := range of(evs, events.ConnectFailed) {
		if f.Pathway != "A" || f.ExpiresAt.IsZero() || f.Index != 1 {
			t.Errorf("connect_failed %+v", f)
		}
	}
}

// TestSteeringBadInput: what a steering server may send wrongly is a
// steering event with the reason, and the clip plays on what works.
func TestSteeringBadInput(t *testing.T) {
	for _, tc := range []struct{ name, body, want, from string }{
		{"malformed", `{"VERSION":1,`, "not a steering manifest", "A"},
		{"huge", `{"VERSION":1,"PATHWAY-PRIORITY":["B"],"X":"` + strings.Repeat("x", 70<<10) + `"}`, "larger than 64 KiB", "A"},
		{"clone loop", `{"VERSION":1,"PATHWAY-PRIORITY":["B"],"PATHWAY-CLONES":[{"BASE-ID":"Y","ID":"X"},{"BASE-ID":"X","ID":"Y"}]}`, "loop", "B"},
		{"unknown base", `{"VERSION":1,"PATHWAY-PRIORITY":["B"],"PATHWAY-CLONES":[{"BASE-ID":"Z","ID":"X"}]}`, "unknown BASE-ID Z", "B"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSteered(t, tc.body, nil)
			s.play(t, "~pw/0/seg0.ts")
			evs := s.settled(t, 1)
			st := of(evs, events.Steering)
			if len(st) != 1 || !strings.Contains(st[0].Err, tc.want) {
				t.Errorf("steering events %+v, want an error with %q", st, tc.want)
			}
			if got := fetchedFrom(evs, "~pw/0/seg0.ts"); len(got) != 1 || got[0] != tc.from {
				t.Errorf("seg0 came from %q, want %s", got, tc.from)
			}
		})
	}
}

// TestSteeringClones: a clone of A on host C, ranked first, serves; a
// clone pointing at the relay itself is refused and the next serves.
func TestSteeringClones(t *testing.T) {
	s := newSteered(t, `{"VERSION":1,"PATHWAY-PRIORITY":["C","A"],"PATHWAY-CLONES":[{"BASE-ID":"A","ID":"C","URI-REPLACEMENT":{"HOST":"HOST_C","PARAMS":{"cdn":"c"}}}]}`, nil)
	s.play(t, "~pw/0/seg0.ts")
	evs := s.settled(t, 1)
	var from []string
	for _, f := range of(evs, events.Fetch) {
		if f.Path == "~pw/0/seg0.ts" {
			from = append(from, f.Pathway+" "+f.Host)
		}
	}
	if len(from) != 1 || !strings.HasPrefix(from[0], "C "+s.c.URL) {
		t.Errorf("seg0 came from %q, want clone C on %s", from, s.c.URL)
	}
}

func TestSteeringCloneOfTheRelayIsRefused(t *testing.T) {
	s := newSteered(t, "", nil)
	s.body = `{"VERSION":1,"PATHWAY-PRIORITY":["R","B"],"PATHWAY-CLONES":[{"BASE-ID":"A","ID":"R","URI-REPLACEMENT":{"HOST":"` +
		s.h.relay.Addr().String() + `"}}]}`
	s.play(t, "~pw/0/seg0.ts")
	evs := s.settled(t, 1)
	if got := fetchedFrom(evs, "~pw/0/seg0.ts"); len(got) != 1 || got[0] != "B" {
		t.Errorf("seg0 came from %q, want B", got)
	}
	refused := false
	for _, e := range append(of(evs, events.Steering), of(evs, events.ConnectFailed)...) {
		refused = refused || strings.Contains(e.Err, "relay itself")
	}
	if !refused {
		t.Errorf("no event refused the relay itself: %+v", evs)
	}
}

// TestSetPathwayByTheUser: set_pathway moves the next request (reason
// user); an unknown name is an error; x penalises the pathway in use.
func TestSetPathwayByTheUser(t *testing.T) {
	s := newSteered(t, `{"VERSION":1,"PATHWAY-PRIORITY":["A","B"]}`, nil)
	s.play(t)
	if err := s.h.relay.SetPathway("nope"); err == nil {
		t.Error("an unknown pathway was taken")
	}
	if err := s.h.relay.SetPathway("B"); err != nil {
		t.Fatal(err)
	}
	s.play(t, "~pw/0/seg0.ts")
	if p := s.h.relay.PenalisePathway(); p != "B" {
		t.Errorf("penalised %q", p)
	}
	rows, next := s.h.relay.Pathways()
	if len(rows) != 2 || !rows[0].InUse || rows[1].PenaltyUntil.IsZero() || next.IsZero() {
		t.Errorf("rows %+v, next %v", rows, next)
	}
	s.play(t, "~pw/0/seg1.ts")
	evs := s.settled(t, 2)
	if got := strings.Join(append(fetchedFrom(evs, "~pw/0/seg0.ts"), fetchedFrom(evs, "~pw/0/seg1.ts")...), ","); got != "B,A" {
		t.Errorf("segments from %q, want B then A", got)
	}
	var reasons []string
	for _, p := range of(evs, events.Pathway) {
		reasons = append(reasons, string(p.Reason))
	}
	if strings.Join(reasons, ",") != "user,user" {
		t.Errorf("reasons %q", reasons)
	}
}

// TestSteeringRefusesOtherSchemes: a steering server or a pathway named
// by a URL that is not http(s) is never fetched: each is said as a
// steering event, and the clip plays from the pathway that is http.
func TestSteeringRefusesOtherSchemes(t *testing.T) {
	a := hosttest.Keep(t)(loopback.Good(pathwayFiles()))
	master := "#EXTM3U\n#EXT-X-CONTENT-STEERING:SERVER-URI=\"file:///etc/passwd\",PATHWAY-ID=\"F\"\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=500000,PATHWAY-ID=\"F\"\nftp://127.0.0.1/hls/v0/index.m3u8\n" +
		"#EXT-X-STREAM-INF:BANDWIDTH=500000,PATHWAY-ID=\"A\"\n" + a.URL + "/hls/v0/index.m3u8\n"
	typed := hosttest.Keep(t)(loopback.Good(map[string][]byte{"master.m3u8": []byte(master)}))
	s := &steeredSetup{a: a}
	s.h = startRelayOpts(t, func(o *Options) { o.Token = "tok" }, typed.URL)
	s.play(t, "~pw/0/seg0.ts")
	evs := s.settled(t, 1)
	var said []string
	for _, e := range of(evs, events.Steering) {
		said = append(said, e.Err)
	}
	joined := strings.Join(said, " | ")
	if !strings.Contains(joined, `scheme "file"`) || !strings.Contains(joined, `pathway F refused: scheme "ftp"`) {
		t.Errorf("steering events said %q", said)
	}
	if got := fetchedFrom(evs, "~pw/0/seg0.ts"); len(got) != 1 || got[0] != "A" {
		t.Errorf("seg0 came from %q, want A", got)
	}
}

// TestSteeredRenditions: an audio rendition of each pathway's own group
// is shown once, pointing at the relay, and its playlist and segments
// come from the pathway in use.
func TestSteeredRenditions(t *testing.T) {
	files := pathwayFiles()
	files["hls/audio/en.m3u8"] = []byte("#EXTM3U\n#EXTINF:1,\naud0.ts\n#EXT-X-ENDLIST\n")
	files["hls/audio/aud0.ts"] = segment
	a := hosttest.Keep(t)(loopback.Good(files))
	b := hosttest.Keep(t)(loopback.Good(files))
	media := func(h *loopback.Host, id string) string {
		return "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud-" + id + "\",NAME=\"English\",LANGUAGE=\"en\",URI=\"" + h.URL + "/hls/audio/en.m3u8\"\n" +
			"#EXT-X-STREAM-INF:BANDWIDTH=500000,AUDIO=\"aud-" + id + "\",PATHWAY-ID=\"" + id + "\"\n" + h.URL + "/hls/v0/index.m3u8\n"
	}
	master := "#EXTM3U\n" + media(a, "A") + media(b, "B")
	typed := hosttest.Keep(t)(loopback.Good(map[string][]byte{"master.m3u8": []byte(master)}))
	s := &steeredSetup{a: a, b: b}
	s.h = startRelayOpts(t, func(o *Options) { o.Token = "tok" }, typed.URL)
	shown := s.play(t, "~pw/10000/en.m3u8", "~pw/10000/aud0.ts")
	if strings.Count(shown, "EXT-X-MEDIA") != 1 || !strings.Contains(shown, s.h.relay.URL("~pw/10000/en.m3u8")) || strings.Contains(shown, "aud-B") {
		t.Errorf("the player saw:\n%s", shown)
	}
	if err := s.h.relay.SetPathway("B"); err != nil {
		t.Fatal(err)
	}
	s.play(t, "~pw/10000/aud0.ts")
	evs := s.settled(t, 2)
	if got := strings.Join(fetchedFrom(evs, "~pw/10000/aud0.ts"), ","); got != "A,B" {
		t.Errorf("the audio segment came from %q, want A then B", got)
	}
}

// TestSteeringReloadsFromReloadURI: after TTL the steering server is
// asked again at RELOAD-URI, resolved against the last steering URL, with
// the pathway in use and the throughput measured since.
func TestSteeringReloadsFromReloadURI(t *testing.T) {
	s := newSteered(t, `{"VERSION":1,"TTL":0.3,"RELOAD-URI":"next/steer.json?session=7&token=s3cret","PATHWAY-PRIORITY":["B","A"]}`, nil)
	s.play(t, "~pw/0/seg0.ts")
	time.Sleep(900 * time.Millisecond)
	for _, e := range of(s.settled(t, 1), events.Steering) {
		if strings.Contains(e.URL, "s3cret") {
			t.Errorf("a steering event shows the token: %s", e.URL)
		}
	}
	s.mu.Lock()
	asked := append([]string(nil), s.asked...)
	s.mu.Unlock()
	if len(asked) < 3 || !strings.HasPrefix(asked[0], "/steer.json?") || !strings.HasPrefix(asked[1], "/next/steer.json?") ||
		!strings.HasPrefix(asked[2], "/next/next/steer.json?") || !strings.Contains(asked[1], "session=7") ||
		!strings.Contains(asked[1], "_HLS_pathway=B") || !strings.Contains(asked[1], "_HLS_throughput=") {
		t.Errorf("steering asked %q", asked)
	}
}

// TestNextPathway: n moves the requests to the next pathway without
// penalising the one in use.
func TestNextPathway(t *testing.T) {
	s := newSteered(t, `{"VERSION":1,"PATHWAY-PRIORITY":["A","B"]}`, nil)
	s.play(t)
	if next := s.h.relay.NextPathway(); next != "B" {
		t.Fatalf("next %q, want B", next)
	}
	s.play(t, "~pw/0/seg0.ts")
	rows, _ := s.h.relay.Pathways()
	for _, r := range rows {
		if !r.PenaltyUntil.IsZero() {
			t.Errorf("n penalised %s", r.Pathway)
		}
	}
	evs := s.settled(t, 1)
	if got := fetchedFrom(evs, "~pw/0/seg0.ts"); len(got) != 1 || got[0] != "B" {
		t.Errorf("seg0 came from %q, want B", got)
	}
	if p := of(evs, events.Pathway); len(p) != 1 || p[0].Reason != events.ReasonUser || !p[0].ExpiresAt.IsZero() {
		t.Errorf("pathway events %+v", p)
	}
}
