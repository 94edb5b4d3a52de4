package steerserver

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"clusterplay/clock"
	"clusterplay/events"
)

// The query parameters a player adds to every steering request: the
// pathway in use and its measured throughput (bits/s), HLS's and DASH's.
var (
	pathwayParams    = []string{"_HLS_pathway", "_DASH_pathway"}
	throughputParams = []string{"_HLS_throughput", "_DASH_throughput"}
)

// Server answers steering requests from a schedule, on any path, and
// publishes a steer_request event for each.
type Server struct {
	schedule *Schedule
	clock    clock.Clock
	began    time.Time
	bus      *events.Bus
}

// New serves schedule from now on (its steps' times count from now).
func New(s *Schedule, c clock.Clock, bus *events.Bus) *Server {
	c = clock.Or(c)
	return &Server{schedule: s, clock: c, began: c.Now(), bus: bus}
}

// manifest is the steering manifest's JSON, in the draft's names.
type manifest struct {
	Version   int              `json:"VERSION"`
	TTL       int64            `json:"TTL"`
	ReloadURI string           `json:"RELOAD-URI"`
	Priority  []string         `json:"PATHWAY-PRIORITY"`
	Clones    []map[string]any `json:"PATHWAY-CLONES,omitempty"`
}

func (s *Server) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	step := s.schedule.At(s.clock.Since(s.began))
	ev := events.Event{Kind: events.SteerRequest, Index: -1, Path: req.URL.Path,
		URL: req.URL.RequestURI(), Status: step.Status}
	ev.Pathway, ev.Bitrate = said(req.URL.Query())
	w.Header().Set("Cache-Control", "no-store")
	switch step.Status {
	case http.StatusOK:
		ev.TTL, ev.Priority = step.TTL, step.Priority
		body, _ := json.Marshal(manifest{Version: 1, TTL: int64(step.TTL / time.Second),
			ReloadURI: s.reloadURI(req.URL), Priority: step.Priority, Clones: s.schedule.Clones})
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)+1))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(append(body, '\n'))
	case http.StatusTooManyRequests:
		if step.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.FormatInt(int64((step.RetryAfter+time.Second-1)/time.Second), 10))
		}
		http.Error(w, "too many requests", step.Status)
	default:
		http.Error(w, http.StatusText(step.Status), step.Status)
	}
	if s.bus != nil {
		s.bus.Publish(ev)
	}
}

// said is the pathway and throughput the request carries, HLS's or
// DASH's; the throughput 0 when absent or not a number.
func said(q url.Values) (pathway string, bitrate int64) {
	for _, p := range pathwayParams {
		if v := q.Get(p); v != "" {
			pathway = events.Escape(v)
		}
	}
	for _, p := range throughputParams {
		if v, err := strconv.ParseFloat(q.Get(p), 64); err == nil && v >= 0 {
			bitrate = int64(v)
		}
	}
	return pathway, bitrate
}

// reloadURI is the schedule's RELOAD-URI, or else the path asked with the
// query the player did not add itself (its _HLS_ and _DASH_ parameters go
// on the next request anew).
func (s *Server) reloadURI(u *url.URL) string {
	if s.schedule.ReloadURI != "" {
		return s.schedule.ReloadURI
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "_HLS_") || strings.HasPrefix(k, "_DASH_") {
			q.Del(k)
		}
	}
	r := url.URL{Path: u.Path, RawQuery: q.Encode()}
	return r.String()
}
