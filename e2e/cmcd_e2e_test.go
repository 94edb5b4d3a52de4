package e2e

import (
	"bytes"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// seenRequest is what a recording host noted of one request.
type seenRequest struct {
	query  string
	header http.Header
}

// recordingHost serves the clip and notes every request's CMCD.
func recordingHost(t *testing.T) (*loopback.Host, func() []seenRequest) {
	var mu sync.Mutex
	var seen []seenRequest
	h := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, seenRequest{query: r.URL.Query().Get("CMCD"), header: r.Header.Clone()})
		mu.Unlock()
		http.ServeContent(w, r, assets.ClipName, time.Time{}, bytes.NewReader(assets.Clip))
	})))
	return h, func() []seenRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]seenRequest(nil), seen...)
	}
}

var sidKey = regexp.MustCompile(`(?:^|,)sid="([0-9a-f-]{36})"(?:,|$)`)

// TestCMCDSeenByTheHost: with --cmcd query or header, every request the
// host sees (the probe's and the relay's) carries CMCD with the run's
// sid, the content id and the version, and the report records the sid.
func TestCMCDSeenByTheHost(t *testing.T) {
	for _, mode := range []string{"query", "header"} {
		t.Run(mode, func(t *testing.T) {
			h, seen := recordingHost(t)
			path := filepath.Join(t.TempDir(), "r.json")
			code, evs := playJSON(t, nil, "--cmcd", mode, "--cmcd-content-id", "clip-7", "--report", path,
				"--host", h.URL, assets.ClipName)
			if code != 0 {
				t.Fatalf("exit %d: %v", code, evs)
			}
			rep := readVerdict(t, path)
			if rep.CMCD == nil || rep.CMCD.Mode != mode || rep.CMCD.SID == "" {
				t.Fatalf("report cmcd %+v", rep.CMCD)
			}
			reqs := seen()
			if len(reqs) < 2 {
				t.Fatalf("the host saw %d requests, want the probe's and the relay's", len(reqs))
			}
			for i, r := range reqs {
				data := r.query
				if mode == "header" {
					data = r.header.Get("CMCD-Session")
					if r.query != "" {
						t.Errorf("request %d: a CMCD query in header mode", i)
					}
					if obj := r.header.Get("CMCD-Object"); obj != "ot=av" {
						t.Errorf("request %d: CMCD-Object %q", i, obj)
					}
				} else if r.header.Get("CMCD-Session") != "" {
					t.Errorf("request %d: a CMCD header in query mode", i)
				}
				m := sidKey.FindStringSubmatch(data)
				if m == nil || m[1] != rep.CMCD.SID || !strings.Contains(data, `cid="clip-7"`) || !strings.Contains(data, "v=1") {
					t.Errorf("request %d of %d: CMCD %q, want sid %s, cid and v", i+1, len(reqs), data, rep.CMCD.SID)
				}
				if mode == "query" && !strings.HasPrefix(data, `cid="clip-7",`) {
					t.Errorf("request %d: keys not sorted: %q", i, data)
				}
			}
		})
	}
}

// TestCMCDOnMPVsOwnRequests: with --relay=off mpv asks the host itself;
// its requests carry the session's keys in both modes (a CMCD-Session
// header, or the CMCD query on the clip's URL), with the probe's sid.
func TestCMCDOnMPVsOwnRequests(t *testing.T) {
	for _, mode := range []string{"header", "query"} {
		t.Run(mode, func(t *testing.T) {
			h, seen := recordingHost(t)
			path := filepath.Join(t.TempDir(), "r.json")
			code, evs := playJSON(t, nil, "--relay=off", "--cmcd", mode, "--report", path, "--host", h.URL, assets.ClipName)
			if code != 0 {
				t.Fatalf("exit %d: %v", code, evs)
			}
			sid := readVerdict(t, path).CMCD.SID
			reqs := seen()
			if len(reqs) < 2 {
				t.Fatalf("the host saw %d requests", len(reqs))
			}
			for i, r := range reqs {
				data := r.query
				if mode == "header" {
					data = r.header.Get("CMCD-Session")
				}
				if m := sidKey.FindStringSubmatch(data); m == nil || m[1] != sid {
					t.Errorf("request %d of %d: CMCD %q, want sid %s", i+1, len(reqs), data, sid)
				}
			}
		})
	}
}

// TestNoCMCDByDefault: without --cmcd the hosts see none.
func TestNoCMCDByDefault(t *testing.T) {
	h, seen := recordingHost(t)
	r := clusterplay(t, nil, "--print-url", "--host", h.URL, assets.ClipName)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, req := range seen() {
		if req.query != "" || req.header.Get("CMCD-Session") != "" || req.header.Get("CMCD-Object") != "" {
			t.Errorf("a request carried CMCD: %q %v", req.query, req.header)
		}
	}
}
