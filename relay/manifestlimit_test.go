package relay

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestManifestsRewrittenAtOnce: at most maxRewrites manifests are read and
// rewritten at once; one more waits its turn, and gets 503 with
// Retry-After when none comes in time.
func TestManifestsRewrittenAtOnce(t *testing.T) {
	defer func(w time.Duration) { rewriteWait = w }(rewriteWait)
	rewriteWait = 300 * time.Millisecond
	trickle := hosttest.Keep(t)(loopback.NewHTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		fmt.Fprint(w, "#EXTM3U\n")
		for i := range 30 { // 1.5 s, a line every 50 ms
			w.(http.Flusher).Flush()
			time.Sleep(50 * time.Millisecond)
			fmt.Fprintf(w, "#EXTINF:1,\nseg%d.ts\n", i)
		}
	})))
	h := startRelay(t, "", trickle.URL)
	h.relay.SetCurrent(h.relay.opts.Engine.Hosts()[0])
	var wg sync.WaitGroup
	statuses := make(chan int, maxRewrites)
	for range maxRewrites {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(h.relay.URL("index.m3u8"))
			if err == nil {
				resp.Body.Close()
				statuses <- resp.StatusCode
			}
		}()
	}
	time.Sleep(400 * time.Millisecond) // all of them under way
	resp, _, _ := get(t, h.relay.URL("index.m3u8"), nil)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("manifest %d: %d, Retry-After %q; want 503", maxRewrites+1, resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusOK {
			t.Errorf("a manifest within the bound: %d", s)
		}
	}
	if resp, _, _ := get(t, h.relay.URL("index.m3u8"), nil); resp.StatusCode != http.StatusOK {
		t.Errorf("after the others: %d", resp.StatusCode)
	}
}
