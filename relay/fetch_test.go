package relay

import (
	"io"
	"net/http"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestFetchCountsWhatThePlayerLeft: the player closes a response while
// the host still sends it, as mpv does on a seek or when the user
// switches hosts (n, next_host, fail_host) and the next load replaces
// the stream. The bytes it had are a fetch event of the host that sent
// them: the report's relay_bytes of that host is their sum, which was 0
// when a switch came before the body's end.
func TestFetchCountsWhatThePlayerLeft(t *testing.T) {
	slow := hosttest.Keep(t)(loopback.Throttled(files, 400<<10))
	h := startRelay(t, "", slow.URL+"/v")
	resp, err := http.Get(h.relay.URL("clip.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadFull(resp.Body, make([]byte, 100<<10))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var fetches []events.Event
	for deadline := time.Now().Add(5 * time.Second); len(fetches) == 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		h.mu.Lock()
		fetches = of(h.evs, events.Fetch)
		h.mu.Unlock()
	}
	if len(fetches) != 1 || fetches[0].Index != 0 || fetches[0].Bytes < int64(got) || fetches[0].Bytes >= int64(len(payload)) {
		t.Fatalf("fetch events %+v, want one of host 0 with at least the %d bytes read", fetches, got)
	}
}
