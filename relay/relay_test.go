package relay

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/faults"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// payload is a file no two parts of which look alike, so that a splice at
// the wrong offset or onto another file cannot pass unnoticed.
var payload = func() []byte {
	b := make([]byte, 3<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}()

var files = map[string][]byte{"v/clip.mp4": payload}

// harness is a relay over real loopback hosts, with every event kept.
type harness struct {
	relay *Relay
	mu    sync.Mutex
	evs   []events.Event
	done  chan struct{}
	bus   *events.Bus
}

func startRelay(t testing.TB, token string, hosts ...string) *harness {
	t.Helper()
	return startRelayWith(t, token, nil, hosts...)
}

// startRelayWith starts a relay as startRelay does, with a fault plan's
// injector (nil: none).
func startRelayWith(t testing.TB, token string, inj *faults.Injector, hosts ...string) *harness {
	t.Helper()
	return startRelayOpts(t, func(o *Options) { o.Token, o.Faults = token, inj }, hosts...)
}

// startRelayOpts is startRelay with the options as set changes them.
func startRelayOpts(t testing.TB, set func(*Options), hosts ...string) *harness {
	t.Helper()
	specs := make([]cluster.HostSpec, len(hosts))
	for i, h := range hosts {
		specs[i] = cluster.HostSpec{URL: h}
	}
	opts := cluster.DefaultOptions()
	opts.ConnectTimeout = time.Second
	opts.FailureExpiry = time.Minute
	bus := events.NewBus()
	e, err := cluster.New(specs, opts, nil, bus)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{bus: bus, done: make(chan struct{})}
	ch := bus.Subscribe()
	go func() {
		defer close(h.done)
		for ev := range ch {
			h.mu.Lock()
			h.evs = append(h.evs, ev)
			h.mu.Unlock()
		}
	}()
	ro := Options{Engine: e, Bus: bus, ReadTimeout: 300 * time.Millisecond, ConnectTimeout: time.Second}
	set(&ro)
	h.relay, err = Start(ro)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.relay.Close() })
	return h
}

// events stops the stream and returns what it carried. The relay says a
// fetch once its answer is sent, so a client may hold the last bytes
// before the event is out: the relay is shut down, its handlers given 2 s
// to end, before the stream is.
func (h *harness) events() []events.Event {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = h.relay.Shutdown(ctx)
	h.bus.Close()
	<-h.done
	return h.evs
}

func of(evs []events.Event, k events.Kind) []events.Event {
	var out []events.Event
	for _, e := range evs {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

func get(t *testing.T, url string, header map[string]string) (*http.Response, []byte, error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestRelayServesWholeAndRanges(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	h := startRelay(t, "tok", good.URL+"/v")
	resp, body, err := get(t, h.relay.URL("clip.mp4"), nil)
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(body, payload) {
		t.Fatalf("whole file: %d, %d bytes, %v", resp.StatusCode, len(body), err)
	}
	resp, body, err = get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": "bytes=1000-1999"})
	if err != nil || resp.StatusCode != 206 || !bytes.Equal(body, payload[1000:2000]) || resp.Header.Get("Content-Range") != fmt.Sprintf("bytes 1000-1999/%d", len(payload)) {
		t.Fatalf("range: %d %q, %d bytes, %v", resp.StatusCode, resp.Header.Get("Content-Range"), len(body), err)
	}
	fetches := of(h.events(), events.Fetch)
	if len(fetches) != 2 || fetches[0].Bytes != int64(len(payload)) || fetches[1].Bytes != 1000 || fetches[0].Throughput <= 0 {
		t.Errorf("fetch events %+v", fetches)
	}
}

// TestSplice: the serving host fails mid-body in each way a host can; the
// player still gets every byte, in one response, and a seamless failover
// says where.
func TestSplice(t *testing.T) {
	const n = 700 << 10
	tests := []struct {
		name  string
		fault func() (*loopback.Host, error)
		class events.Class
	}{
		{"reset", func() (*loopback.Host, error) { return loopback.CutAfter(files, n) }, events.ClassReset},
		{"early EOF", func() (*loopback.Host, error) { return loopback.EarlyEOF(files, n) }, events.ClassEarlyEOF},
		{"silent", func() (*loopback.Host, error) { return loopback.SilentAfter(files, n) }, events.ClassTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := hosttest.Keep(t)(tt.fault())
			good := hosttest.Keep(t)(loopback.Good(files))
			h := startRelay(t, "", bad.URL+"/v", good.URL+"/v")
			for _, rng := range []string{"", "bytes=100-"} {
				resp, body, err := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": rng})
				want := payload
				if rng != "" {
					want = payload[100:]
				}
				if err != nil || !bytes.Equal(body, want) {
					t.Errorf("range %q: %d bytes of %d, equal %v, %v (status %d)", rng, len(body), len(want), bytes.Equal(body, want), err, resp.StatusCode)
				}
				h.relay.SetCurrent(nil) // the next request starts from the first host again
			}
			evs := h.events()
			var seamless []events.Event
			for _, e := range of(evs, events.Failover) {
				if e.Seamless && e.Offset > 0 {
					seamless = append(seamless, e)
				}
			}
			if len(seamless) == 0 || seamless[0].Class != tt.class || seamless[0].Offset < n-1 || seamless[0].ToHost != good.URL+"/v" {
				t.Errorf("seamless failovers %+v, want class %s at offset >= %d", seamless, tt.class, n)
			}
		})
	}
}

// TestSpliceNeverOntoAnotherFile: a host serving a different file of the
// same length is found out by the overlap, skipped for the clip, and the
// next one continues.
func TestSpliceNeverOntoAnotherFile(t *testing.T) {
	bad := hosttest.Keep(t)(loopback.CutAfter(files, 500<<10))
	other := hosttest.Keep(t)(loopback.Flip(files))
	good := hosttest.Keep(t)(loopback.Good(files))
	h := startRelay(t, "", bad.URL+"/v", other.URL+"/v", good.URL+"/v")
	_, body, err := get(t, h.relay.URL("clip.mp4"), nil)
	if err != nil || !bytes.Equal(body, payload) {
		t.Fatalf("body differs (%d bytes): %v", len(body), err)
	}
	evs := h.events()
	var mismatch []events.Event
	for _, e := range of(evs, events.ConnectFailed) {
		if e.Class == events.ClassMismatch {
			mismatch = append(mismatch, e)
		}
	}
	if len(mismatch) != 1 || mismatch[0].Index != 1 {
		t.Errorf("mismatch events %+v, want host 1 once", mismatch)
	}
}

// TestNoRangeHost: a host that ignores Range is never spliced onto, and a
// ranged request on it alone is still answered from the right offset.
func TestNoRangeHost(t *testing.T) {
	bad := hosttest.Keep(t)(loopback.CutAfter(files, 500<<10))
	norange := hosttest.Keep(t)(loopback.NoRange(files))
	good := hosttest.Keep(t)(loopback.Good(files))
	h := startRelay(t, "", bad.URL+"/v", norange.URL+"/v", good.URL+"/v")
	if _, body, err := get(t, h.relay.URL("clip.mp4"), nil); err != nil || !bytes.Equal(body, payload) {
		t.Fatalf("body differs (%d bytes): %v", len(body), err)
	}
	for _, e := range of(h.events(), events.Failover) {
		if e.ToIndex == 1 {
			t.Errorf("spliced onto the host that ignores Range: %+v", e)
		}
	}

	alone := startRelay(t, "", norange.URL+"/v")
	resp, body, err := get(t, alone.relay.URL("clip.mp4"), map[string]string{"Range": "bytes=5000-"})
	if err != nil || resp.StatusCode != 206 || !bytes.Equal(body, payload[5000:]) ||
		resp.Header.Get("Content-Range") != fmt.Sprintf("bytes 5000-%d/%d", len(payload)-1, len(payload)) {
		t.Errorf("ranged request on a host without Range: %d %q, %d bytes, %v", resp.StatusCode, resp.Header.Get("Content-Range"), len(body), err)
	}
}

// TestNoHostCanContinue: the response ends short, so the player's own
// judgement (an early end of file) takes over.
func TestNoHostCanContinue(t *testing.T) {
	bad := hosttest.Keep(t)(loopback.CutAfter(files, 500<<10))
	other := hosttest.Keep(t)(loopback.Flip(files))
	h := startRelay(t, "", bad.URL+"/v", other.URL+"/v")
	_, body, err := get(t, h.relay.URL("clip.mp4"), nil)
	if err == nil || len(body) >= len(payload) || !bytes.Equal(body, payload[:len(body)]) {
		t.Errorf("got %d bytes, err %v: want a short, correct prefix and an error", len(body), err)
	}
}

// TestHeaderFiltering: only Range, If-Range and Accept reach a host; only
// what describes the body comes back.
func TestHeaderFiltering(t *testing.T) {
	var mu sync.Mutex
	var seen http.Header
	up := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = r.Header.Clone()
		mu.Unlock()
		w.Header().Set("Set-Cookie", "edge=1")
		w.Header().Set("X-Edge-Secret", "s")
		w.Header().Set("Content-Type", "video/mp4")
		w.Write([]byte("body"))
	})))
	h := startRelay(t, "", up.URL)
	resp, _, _ := get(t, h.relay.URL("x.mp4"), map[string]string{
		"Cookie": "session=1", "Authorization": "Bearer x", "X-Forwarded-For": "1.2.3.4", "Accept": "video/*", "Range": "bytes=0-",
		"Connection": "close", "Referer": "http://player/",
	})
	mu.Lock()
	defer mu.Unlock()
	for _, k := range []string{"Cookie", "Authorization", "X-Forwarded-For", "Referer"} {
		if seen.Get(k) != "" {
			t.Errorf("%s forwarded to the host", k)
		}
	}
	if seen.Get("Accept") != "video/*" || seen.Get("Range") != "bytes=0-" {
		t.Errorf("Accept/Range not forwarded: %v", seen)
	}
	if resp.Header.Get("Set-Cookie") != "" || resp.Header.Get("X-Edge-Secret") != "" || resp.Header.Get("Content-Type") != "video/mp4" {
		t.Errorf("response headers %v", resp.Header)
	}
}

// TestRequestRules: the token, no escapes, no proxying.
func TestRequestRules(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	h := startRelay(t, "s3cret", good.URL+"/v")
	addr := h.relay.Addr().String()
	raw := func(line string) string {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "%s\r\nHost: %s\r\nConnection: close\r\n\r\n", line, addr)
		status, _ := bufio.NewReader(c).ReadString('\n')
		return strings.TrimSpace(status)
	}
	tests := []struct{ line, want string }{
		{"GET /s3cret/clip.mp4 HTTP/1.1", "200"},
		{"GET /clip.mp4 HTTP/1.1", "404"},
		{"GET /wrong/clip.mp4 HTTP/1.1", "404"},
		{"GET /s3cret/../v/clip.mp4 HTTP/1.1", "400"},
		{"GET /s3cret/a/%2e%2e/clip.mp4 HTTP/1.1", "400"},
		{"GET http://" + addr + "/s3cret/clip.mp4 HTTP/1.1", "400"},
		{"CONNECT 127.0.0.1:22 HTTP/1.1", "405"},
		{"POST /s3cret/clip.mp4 HTTP/1.1", "405"},
	}
	for _, tt := range tests {
		if got := raw(tt.line); !strings.Contains(got, " "+tt.want+" ") {
			t.Errorf("%s: %q, want %s", tt.line, got, tt.want)
		}
	}
	if host, _, _ := net.SplitHostPort(addr); host != "127.0.0.1" {
		t.Errorf("relay listens on %s, want 127.0.0.1 only", addr)
	}
}

// TestManifestRewrite: absolute URLs into the cluster point at the relay.
func TestManifestRewrite(t *testing.T) {
	var good *loopback.Host
	playlist := func() []byte {
		return []byte("#EXTM3U\n#EXTINF:2,\n" + good.URL + "/v/seg0.ts\n#EXTINF:2,\nseg1.ts\n#EXTINF:2,\nhttp://elsewhere.example/seg2.ts\n#EXT-X-ENDLIST\n")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/video/v/index.m3u8", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		w.Write(playlist())
	})
	good = hosttest.Keep(t)(loopback.NewHTTP(mux))
	h := startRelay(t, "tk", good.URL+"/v")
	_, body, err := get(t, h.relay.URL("index.m3u8"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll(string(playlist()), good.URL+"/v/", h.relay.URL(""))
	if string(body) != want || !strings.Contains(string(body), "http://elsewhere.example/seg2.ts") {
		t.Errorf("manifest:\n%s\nwant:\n%s", body, want)
	}
}
