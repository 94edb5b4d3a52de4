package relay

import (
	"context"
	"net/http"
	"time"
)

// A manifest is read whole (up to 8 MiB) and rewritten into a second
// buffer: forty requests at once for a large playlist cost hundreds of MB.
// At most maxRewrites are read and rewritten at once; the others wait
// their turn for up to rewriteWait, then get 503 and Retry-After, which a
// player's playlist reload survives.
const maxRewrites = 4

var rewriteWait = 10 * time.Second // a variable for the tests

// manifestSlots is the relay's bound on manifests rewritten at once.
type manifestSlots chan struct{}

func newManifestSlots() manifestSlots { return make(manifestSlots, maxRewrites) }

// acquire waits for a slot until ctx ends or rewriteWait passes; release
// gives it back, and is nil when no slot came.
func (s manifestSlots) acquire(ctx context.Context) (release func()) {
	t := time.NewTimer(rewriteWait)
	defer t.Stop()
	select {
	case s <- struct{}{}:
		return func() { <-s }
	case <-ctx.Done():
	case <-t.C:
	}
	return nil
}

// busy answers a manifest request that found no slot.
func busy(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "1")
	http.Error(w, "too many manifests being rewritten at once", http.StatusServiceUnavailable)
}
