package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// steerServer is a real steering server on loopback: it answers the
// priority it is told, with its TTL, or a status of a scripted answer,
// and records every request (when, and its _HLS_ parameters).
type steerServer struct {
	*httptest.Server
	mu       sync.Mutex
	priority []string
	ttl      float64
	script   map[int]func(w http.ResponseWriter) // by request number, from 1
	asked    []steerAsk
}

type steerAsk struct {
	at                  time.Time
	pathway, throughput string
}

func newSteerServer(t *testing.T, ttl float64, priority ...string) *steerServer {
	t.Helper()
	s := &steerServer{priority: priority, ttl: ttl, script: map[int]func(http.ResponseWriter){}}
	s.Server = httptest.NewServer(s)
	t.Cleanup(s.Close)
	return s
}

func (s *steerServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.asked = append(s.asked, steerAsk{at: time.Now(), pathway: r.URL.Query().Get("_HLS_pathway"),
		throughput: r.URL.Query().Get("_HLS_throughput")})
	answer := s.script[len(s.asked)]
	body, _ := json.Marshal(map[string]any{"VERSION": 1, "TTL": s.ttl, "PATHWAY-PRIORITY": s.priority})
	s.mu.Unlock()
	if answer != nil {
		answer(w)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}

func (s *steerServer) set(priority ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.priority = priority
}

func (s *steerServer) requests() []steerAsk {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]steerAsk(nil), s.asked...)
}

// steeredHosts are two real nginx hosts, pathways A and B, each serving
// the same HLS (TS and fMP4, made with ffmpeg) at absolute URLs of its
// own, and the steered masters naming steering (when not ""). Each
// response is sent at 1.5 times the clip's rate, so that segments are still
// being fetched once playback has begun.
func steeredHosts(t *testing.T, steering string) (a, b *loopback.NginxHTTPHost) {
	t.Helper()
	needTool(t, "ffmpeg")
	rate := int64(1.5 * float64(len(assets.Clip)) / assets.ClipDuration.Seconds())
	dirA, dirB := t.TempDir(), t.TempDir()
	a = hosttest.NginxHTTP(t, dirA, loopback.NginxHTTPOptions{LimitRate: rate})
	b = hosttest.NginxHTTP(t, dirB, loopback.NginxHTTPOptions{LimitRate: rate})
	src := filepath.Join(t.TempDir(), assets.ClipName)
	if err := os.WriteFile(src, assets.Clip, 0o644); err != nil {
		t.Fatal(err)
	}
	err := loopback.MakeSteeredStreams(src, steering, []loopback.Pathway{
		{ID: "A", Dir: dirA, Origin: a.URL}, {ID: "B", Dir: dirB, Origin: b.URL}})
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

// segmentFetches are the fetch events of segments, in order.
func segmentFetches(evs []map[string]any) []map[string]any {
	var out []map[string]any
	for _, f := range named(evs, "fetch") {
		p, _ := f["path"].(string)
		if strings.HasSuffix(p, ".ts") || strings.HasSuffix(p, ".m4s") {
			out = append(out, f)
		}
	}
	return out
}

// noBufferingAfterStart fails the test for a buffering state after the
// first frame.
func noBufferingAfterStart(t *testing.T, evs []map[string]any) {
	t.Helper()
	started := false
	for _, ev := range evs {
		started = started || ev["event"] == "start"
		if started && ev["event"] == "state" && ev["state"] == "buffering" {
			t.Errorf("buffering after the first frame: %v", ev)
		}
	}
}

// evTime is an event's ts.
func evTime(t *testing.T, ev map[string]any) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(ev["ts"]))
	if err != nil {
		t.Fatal(err)
	}
	return at
}
