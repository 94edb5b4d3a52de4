package loopback

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"clusterplay/localhost"
)

// A host with a tail of slow first bytes: most requests are answered at
// once, some only after a hold, before any byte of the answer (headers
// included), as a CDN edge that misses its cache or a busy origin does.

// Tail chooses the requests whose first byte a host holds: it is given
// each request and its number among the host's requests, from 1.
type Tail func(r *http.Request, n int64) bool

// EveryNth holds every nth request whose path ends in suffix ("" any).
func EveryNth(n int64, suffix string) Tail {
	var seen atomic.Int64
	return func(r *http.Request, _ int64) bool {
		if !strings.HasSuffix(r.URL.Path, suffix) {
			return false
		}
		return seen.Add(1)%n == 0
	}
}

// WithChance holds each request whose path ends in suffix with
// probability p, drawn from a source seeded with seed: the same requests
// are held on every run.
func WithChance(p float64, seed uint64, suffix string) Tail {
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	return func(r *http.Request, _ int64) bool {
		if !strings.HasSuffix(r.URL.Path, suffix) {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		return rng.Float64() < p
	}
}

// Always holds every request.
func Always() Tail { return func(*http.Request, int64) bool { return true } }

// HeldFirstBytes wraps next: the requests tail chooses wait hold before
// next answers them (or until the client gives up). held counts them.
type HeldFirstBytes struct {
	next http.Handler
	hold time.Duration
	tail Tail
	n    atomic.Int64
	held atomic.Int64
}

// HoldFirstBytes returns next with tail's requests held for hold.
func HoldFirstBytes(next http.Handler, hold time.Duration, tail Tail) *HeldFirstBytes {
	return &HeldFirstBytes{next: next, hold: hold, tail: tail}
}

func (h *HeldFirstBytes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.tail(r, h.n.Add(1)) {
		h.held.Add(1)
		t := time.NewTimer(h.hold)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
	}
	h.next.ServeHTTP(w, r)
}

// Held is how many requests were held.
func (h *HeldFirstBytes) Held() int64 { return h.held.Load() }

// SlowFirstBytes serves files as Good does, holding the first byte of the
// requests tail chooses for hold. The handler tells how many were held.
func SlowFirstBytes(files map[string][]byte, hold time.Duration, tail Tail) (*Host, *HeldFirstBytes, error) {
	open, err := localhost.Files(files)
	if err != nil {
		return nil, nil, err
	}
	held := HoldFirstBytes(localhost.ClipHandler(open), hold, tail)
	h, err := startHTTP(func(*Host) http.Handler { return held }, false)
	return h, held, err
}
