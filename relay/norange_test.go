package relay

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestSpliceOntoHostIgnoringRange: the serving host dies mid-body and the
// only one left ignores Range, as `python3 -m http.server` does. The relay
// fetches the whole file from it, drops the bytes before the offset,
// checks the overlap as it passes, and the player gets every byte in one
// response, whole or ranged.
func TestSpliceOntoHostIgnoringRange(t *testing.T) {
	const n = 700 << 10
	bad := hosttest.Keep(t)(loopback.CutAfter(files, n))
	norange := hosttest.Keep(t)(loopback.NoRange(files))
	h := startRelay(t, "", bad.URL+"/v", norange.URL+"/v")
	tests := []struct {
		rng  string
		want []byte
	}{
		{"", payload},
		{"bytes=0-", payload},
		{"bytes=100-", payload[100:]},
		{"bytes=1000-2000000", payload[1000:2000001]},
	}
	for _, tt := range tests {
		h.relay.SetCurrent(h.relay.opts.Engine.Hosts()[0]) // a new load from the first host
		h.relay.opts.Engine.Forget()
		resp, body, err := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": tt.rng})
		if err != nil || !bytes.Equal(body, tt.want) {
			t.Errorf("Range %q: %d bytes of %d, equal %v, %v (status %d)", tt.rng, len(body), len(tt.want), bytes.Equal(body, tt.want), err, resp.StatusCode)
		}
	}
	evs := h.events()
	var seamless []events.Event
	for _, e := range of(evs, events.Failover) {
		if e.Seamless && e.ToIndex == 1 && e.Offset >= n-1 {
			seamless = append(seamless, e)
		}
	}
	if len(seamless) != len(tests) {
		t.Errorf("%d seamless failovers to the host without Range, want %d: %+v", len(seamless), len(tests), of(evs, events.Failover))
	}
	for _, e := range of(evs, events.ConnectFailed) {
		t.Errorf("a host was refused: %+v", e)
	}
}

// TestRangesFromHostIgnoringRange: a host that ignores Range serves every
// range the player asks, through the relay, as a 206 with the right
// Content-Range, and says Accept-Ranges, so that mpv seeks (it plays a
// 200 without Accept-Ranges as a stream it cannot seek: --start and every
// seek began at 0). No resolution per request: the host serves them all.
func TestRangesFromHostIgnoringRange(t *testing.T) {
	norange := hosttest.Keep(t)(loopback.NoRange(files))
	h := startRelay(t, "", norange.URL+"/v")
	total := len(payload)
	tests := []struct {
		rng    string
		status int
		want   []byte
		crange string
	}{
		{"", 200, payload, ""},
		{"bytes=0-", 206, payload, fmt.Sprintf("bytes 0-%d/%d", total-1, total)},
		{"bytes=5000-", 206, payload[5000:], fmt.Sprintf("bytes 5000-%d/%d", total-1, total)},
		{"bytes=5000-5999", 206, payload[5000:6000], fmt.Sprintf("bytes 5000-5999/%d", total)},
		{fmt.Sprintf("bytes=%d-", total), 416, nil, fmt.Sprintf("bytes */%d", total)},
	}
	for _, tt := range tests {
		resp, body, err := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": tt.rng})
		if tt.status == 416 {
			body = nil
		}
		if err != nil || resp.StatusCode != tt.status || !bytes.Equal(body, tt.want) || resp.Header.Get("Content-Range") != tt.crange {
			t.Errorf("Range %q: %d %q, %d bytes (want %d %q, %d bytes), %v", tt.rng, resp.StatusCode, resp.Header.Get("Content-Range"),
				len(body), tt.status, tt.crange, len(tt.want), err)
		}
		if tt.status != 416 && resp.Header.Get("Accept-Ranges") != "bytes" {
			t.Errorf("Range %q: Accept-Ranges %q, want bytes", tt.rng, resp.Header.Get("Accept-Ranges"))
		}
	}
	evs := h.events()
	if n := len(of(evs, events.Connect)); n != 1 {
		t.Errorf("%d resolutions' attempts for %d requests, want 1", n, len(tests))
	}
	if n := len(of(evs, events.ConnectFailed)) + len(of(evs, events.Failed)); n != 0 {
		t.Errorf("%d failures: %+v", n, evs)
	}
}

// TestHostIgnoringRangeServesAnotherFile: when the host left ignores
// Range and serves another file (another length, or other bytes of the
// same length), the response cannot continue there: it is said once, by
// a connect_failed of class mismatch that says why, and the response ends
// short, with no "all hosts failed" said on the way. A new load (SetCurrent) then reads that host's file from its
// start, as the player's failover does.
func TestHostIgnoringRangeServesAnotherFile(t *testing.T) {
	tests := []struct {
		name  string
		other map[string][]byte
		why   string
	}{
		{"another length", map[string][]byte{"v/clip.mp4": payload[:len(payload)-1]}, fmt.Sprintf("another file: %d bytes", len(payload)-1)},
		{"other bytes", func() map[string][]byte {
			b := bytes.Clone(payload)
			for i := 600 << 10; i < 700<<10; i++ {
				b[i] ^= 0xff
			}
			return map[string][]byte{"v/clip.mp4": b}
		}(), "the last 16384 bytes sent differ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := hosttest.Keep(t)(loopback.CutAfter(files, 700<<10))
			other := hosttest.Keep(t)(loopback.NoRange(tt.other))
			h := startRelay(t, "", bad.URL+"/v", other.URL+"/v")
			_, body, err := get(t, h.relay.URL("clip.mp4"), nil)
			if err == nil || len(body) >= len(payload) || !bytes.Equal(body, payload[:len(body)]) {
				t.Errorf("got %d bytes, err %v: want a short, correct prefix and an error", len(body), err)
			}
			_, body, _ = get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": "bytes=800000-"})
			if !bytes.Equal(body, payload[800000:800000+len(body)]) || len(body) == len(payload)-800000 {
				t.Errorf("a range of the same load: %d bytes, want a short prefix of the first host's file", len(body))
			}
			h.relay.SetCurrent(h.relay.opts.Engine.Hosts()[1])
			resp, body, err := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": "bytes=0-"})
			if err != nil || resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, tt.other["v/clip.mp4"]) {
				t.Errorf("a new load: %d, %d bytes, %v", resp.StatusCode, len(body), err)
			}
			evs := h.events()
			if failed := of(evs, events.Failed); len(failed) != 0 {
				t.Errorf("failed events %+v: the relay asked the engine to resolve among no host", failed)
			}
			var said []events.Event
			for _, e := range of(evs, events.ConnectFailed) {
				if e.Index == 1 {
					said = append(said, e)
				}
			}
			if len(said) != 1 || said[0].Class != events.ClassMismatch || !strings.Contains(said[0].Err, tt.why) {
				t.Errorf("said %+v, want one mismatch saying %q", said, tt.why)
			}
		})
	}
}

// TestHostIgnoringRangeWithoutLength: a host that ignores Range and sends
// no length (a chunked body) cannot serve a range from the middle: the
// relay answers 502 rather than the file from its start, and says why
// once, however many times the player asks; from the start it serves it.
func TestHostIgnoringRangeWithoutLength(t *testing.T) {
	chunked := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		w.(http.Flusher).Flush() // no Content-Length: chunked
		w.Write(payload[:100000])
	})))
	h := startRelay(t, "", chunked.URL)
	for range 3 {
		if resp, _, _ := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": "bytes=5000-"}); resp.StatusCode != http.StatusBadGateway {
			t.Errorf("a range from the middle: %d, want 502", resp.StatusCode)
		}
	}
	if resp, body, err := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": "bytes=0-"}); err != nil || resp.StatusCode != 200 ||
		!bytes.Equal(body, payload[:100000]) || resp.Header.Get("Accept-Ranges") != "" {
		t.Errorf("from the start: %d, %d bytes, Accept-Ranges %q, %v", resp.StatusCode, len(body), resp.Header.Get("Accept-Ranges"), err)
	}
	said := of(h.events(), events.ConnectFailed)
	if len(said) != 1 || !strings.Contains(said[0].Err, "ignores Range and sends no length") {
		t.Errorf("said %+v, want it once", said)
	}
}

// TestRangePastTheEnd: a host that honours Range answers a range past the
// end with 416; the player hears the same, and the host is not blamed
// for the player's question.
func TestRangePastTheEnd(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	h := startRelay(t, "", good.URL+"/v")
	resp, _, _ := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": fmt.Sprintf("bytes=%d-", len(payload))})
	if resp.StatusCode != http.StatusRequestedRangeNotSatisfiable || resp.Header.Get("Content-Range") != fmt.Sprintf("bytes */%d", len(payload)) {
		t.Errorf("%d %q, want 416 bytes */%d", resp.StatusCode, resp.Header.Get("Content-Range"), len(payload))
	}
	if resp, body, err := get(t, h.relay.URL("clip.mp4"), map[string]string{"Range": "bytes=10-19"}); err != nil || resp.StatusCode != 206 || !bytes.Equal(body, payload[10:20]) {
		t.Errorf("the next range: %d, %d bytes, %v", resp.StatusCode, len(body), err)
	}
	if failed := of(h.events(), events.ConnectFailed); len(failed) != 0 {
		t.Errorf("the host was blamed: %+v", failed)
	}
}
