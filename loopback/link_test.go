package loopback

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

// TestLinkIsShared: two responses at once share the link's rate, so each
// takes as long as both would one after the other; Throttled would have
// given each the whole rate.
func TestLinkIsShared(t *testing.T) {
	data := randomBytes(100 << 10)
	link, err := NewLink(200 << 10)
	if err != nil {
		t.Fatal(err)
	}
	h := start(t)(Linked(map[string][]byte{"clip.mp4": data}, link))
	c := client(t, nil)
	began := time.Now()
	var wg sync.WaitGroup
	took := make([]time.Duration, 2)
	for i := range took {
		wg.Go(func() {
			_, body, err := get(c, h.URL+"/clip.mp4")
			if err != nil || !bytes.Equal(body, data) {
				t.Errorf("%v, body ok %v", err, bytes.Equal(body, data))
			}
			took[i] = time.Since(began)
		})
	}
	wg.Wait()
	// A handler records its response after the client has read it.
	for end := time.Now().Add(5 * time.Second); len(link.Served()) < 2 && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	if sv := link.Served(); len(sv) != 2 || sv[0] != (Served{Path: "/video/clip.mp4", Bytes: 100 << 10, Whole: true}) || sv[1] != sv[0] {
		t.Errorf("Served = %+v, want clip.mp4 twice, whole", sv)
	}
	// 200 KiB over a 200 KiB/s link: about a second for both, not half.
	for i, d := range took {
		if d < 800*time.Millisecond || d > 5*time.Second {
			t.Errorf("response %d took %v, want about 1s: the link is shared", i, d)
		}
	}
}

// TestLinkRateChanges: a rate set while a response flows applies to the
// rest of it.
func TestLinkRateChanges(t *testing.T) {
	data := randomBytes(200 << 10)
	link, err := NewLink(100 << 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewLink(0); err == nil {
		t.Error("NewLink(0) accepted")
	}
	h := start(t)(Linked(map[string][]byte{"clip.mp4": data}, link))
	time.AfterFunc(500*time.Millisecond, func() { link.SetRate(1 << 20) })
	began := time.Now()
	_, body, err := get(client(t, nil), h.URL+"/clip.mp4")
	if err != nil || !bytes.Equal(body, data) {
		t.Fatalf("%v, body ok %v", err, bytes.Equal(body, data))
	}
	// About 50 KiB in the first half second, the rest at 1 MiB/s: about
	// 0.65 s, where 100 KiB/s throughout would take 2 s.
	if d := time.Since(began); d < 500*time.Millisecond || d > 1500*time.Millisecond {
		t.Errorf("took %v, want about 0.65s", d)
	}
	if link.Rate() != 1<<20 {
		t.Errorf("Rate = %d", link.Rate())
	}
}
