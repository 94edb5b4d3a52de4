package relay

import (
	"slices"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/variants"
)

// testLadder is a ladder of three rungs of four segments each, starting
// at the middle one, before any segment was served.
func testLadder() *ladder {
	l := &ladder{id: "t", cur: -1, forced: -1, start: 1, inits: map[string][]byte{}}
	for i := range 3 {
		m := &mediaList{sequence: 10}
		for range 4 {
			m.segs = append(m.segs, mediaSeg{dur: 2, clip: "v" + string(rune('0'+i)) + "/seg.m4s", init: "init.mp4"})
		}
		l.rungs = append(l.rungs, variants.Variant{Bandwidth: int64(i+1) * 1000})
		l.lists = append(l.lists, m)
	}
	return l
}

// TestFetchForSharesOneFetch: the init and segment requests of a
// sequence share one fetch in either order; a segment asked again once
// sent is fetched again from the same rung without abandon; an init
// request for an older sequence than the newest (a seek back) starts its
// own; a sequence the playlist lacks starts none.
func TestFetchForSharesOneFetch(t *testing.T) {
	r := &Relay{}
	type step struct {
		seq     int64
		forInit bool
		send    bool // the body was sent after this step
		start   bool // want: this request runs a new fetch
		same    int  // want: the fetch is the one of step same (-1: none)
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"segment first, as ffmpeg prefetches", []step{{10, false, false, true, -1}, {10, true, false, false, 0}}},
		{"segment sent before its init came", []step{{10, false, true, true, -1}, {10, true, false, false, 0}}},
		{"init first, after a start or a seek", []step{{10, true, false, true, -1}, {10, false, false, false, 0}}},
		{"a retry of a sent segment", []step{{10, false, true, true, -1}, {10, false, false, true, -1}}},
		{"an older init after a newer segment", []step{{10, false, true, true, -1}, {11, false, true, true, -1}, {10, true, false, true, -1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := testLadder()
			var got []*segFetch
			for i, s := range tc.steps {
				f, start := r.fetchFor(l, s.seq, s.forInit)
				if f == nil || start != s.start {
					t.Fatalf("step %d: fetch %v, start %v; want start %v", i, f != nil, start, s.start)
				}
				if s.same >= 0 && f != got[s.same] {
					t.Errorf("step %d: a new fetch, want step %d's", i, s.same)
				}
				if s.same < 0 && len(got) > 0 && f == got[len(got)-1] {
					t.Errorf("step %d: joined the last fetch, want a new one", i)
				}
				if f.c.rung != 1 {
					t.Errorf("step %d: rung %d, want the starting one", i, f.c.rung)
				}
				f.sent = s.send
				got = append(got, f)
			}
		})
	}
	l := testLadder()
	first, _ := r.fetchFor(l, 10, false)
	first.sent = true
	retry, _ := r.fetchFor(l, 10, false)
	if retry.abandonOK {
		t.Error("a retry of a sent segment may be abandoned: its init was sent with the first")
	}
	if f, _ := r.fetchFor(l, 14, false); f != nil {
		t.Error("a fetch of a sequence past the playlist")
	}
}

// TestEachSwitchIsSaidOnce: segments N and N+1, both chosen at 720p while
// 480p served last (the player opens N+1 while it reads N), make one
// quality event; a later abandon down is said from 720p.
func TestEachSwitchIsSaidOnce(t *testing.T) {
	bus := events.NewBus()
	ch := bus.Subscribe()
	r := &Relay{opts: Options{Bus: bus}}
	l := testLadder()
	for i, name := range []string{"240p", "480p", "720p"} {
		l.rungs[i].Name = name
	}
	r.servedSegment(l, -1, choice{1, ""}, "h", 1000, time.Second)                    // the first: no event
	r.servedSegment(l, 1, choice{2, events.QualityEstimate}, "h", 1000, time.Second) // N
	r.servedSegment(l, 1, choice{2, events.QualityEstimate}, "h", 1000, time.Second) // N+1
	r.servedSegment(l, 2, choice{0, events.QualityAbandon}, "h", 1000, time.Second)
	bus.Close()
	var got []string
	for ev := range ch {
		if ev.Kind == events.Quality {
			got = append(got, ev.FromVariant+">"+ev.ToVariant+":"+string(ev.Reason))
		}
	}
	want := []string{"480p>720p:estimate", "720p>240p:abandon"}
	if !slices.Equal(got, want) {
		t.Errorf("quality events %v, want %v", got, want)
	}
}
