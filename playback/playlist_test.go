package playback

import (
	"context"
	"testing"
	"time"

	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// twoClips serves the test clip under two names, for playlists.
var twoClips = map[string][]byte{"a.mp4": clip["clip.mp4"], "b.mp4": clip["clip.mp4"]}

// TestSessionPlaylistPlaysEachClipInTurn: the clips of a list play one
// after the other, each closing with its end, and the states say which
// item of how many plays.
func TestSessionPlaylistPlaysEachClipInTurn(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(twoClips))
	h := startFake(t, []string{good.URL}, Options{Clips: []string{"a.mp4", "b.mp4"}})
	wait := h.runAside(t, context.Background())
	for _, name := range []string{"a.mp4", "b.mp4"} {
		l := h.fake.nextLoad()
		if l.url != good.URL+"/"+name {
			t.Fatalf("loaded %s, want %s", l.url, name)
		}
		h.begin(l)
		h.playToTheEnd()
	}
	out, evs := wait()
	ends := only(evs, events.End)
	if out != Played || len(ends) != 2 || ends[0].Reason != events.ReasonEOF || ends[1].Reason != events.ReasonEOF {
		t.Fatalf("outcome %v, ends %+v; evs:\n%s", out, ends, describe(evs))
	}
	for _, st := range only(evs, events.StateChanged) {
		if want := map[string]int{"a.mp4": 1, "b.mp4": 2}[st.Clip]; st.Item != want || st.Items != 2 {
			t.Errorf("state %s of %s says item %d of %d, want %d of 2", st.State, st.Clip, st.Item, st.Items, want)
		}
	}
}

// TestSessionPlaylistGoesOnPastAClipNoHostServes: a clip of the list that
// no host has is passed over, and the session's outcome is the worst of
// the list's.
func TestSessionPlaylistGoesOnPastAClipNoHostServes(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(twoClips))
	h := startFake(t, []string{good.URL}, Options{Clips: []string{"a.mp4", "missing.mp4", "b.mp4"}},
		func(o *cluster.Options) { o.ConnectCount = 1 })
	wait := h.runAside(t, context.Background())
	for range 2 {
		h.begin(h.fake.nextLoad())
		h.playToTheEnd()
	}
	out, evs := wait()
	if out != AllFailed {
		t.Fatalf("outcome %v, want AllFailed, the worst of the list; evs:\n%s", out, describe(evs))
	}
	loads := h.fake.Loads()
	if len(loads) != 2 || loads[0].url != good.URL+"/a.mp4" || loads[1].url != good.URL+"/b.mp4" {
		t.Errorf("loads %+v, want a.mp4 then b.mp4", loads)
	}
	if n := len(only(evs, events.Failed)); n != 1 {
		t.Errorf("%d failed events, want the missing clip's", n)
	}
}

// TestSessionNextClipEndsTheOneBefore: > closes the playback of the clip
// under way as a quit, and the next clip of the list plays from its start;
// with Loop, the list goes round.
func TestSessionNextClipEndsTheOneBefore(t *testing.T) {
	t.Parallel()
	good := hosttest.Keep(t)(loopback.Good(twoClips))
	h := startFake(t, []string{good.URL}, Options{Clips: []string{"a.mp4", "b.mp4"}, Loop: true})
	wait := h.runAside(t, context.Background())
	h.begin(h.fake.nextLoad())
	h.play(time.Second)
	h.sess.NextClip()
	b := h.fake.nextLoad()
	if b.url != good.URL+"/b.mp4" || b.start != 0 {
		t.Fatalf("load after > %+v, want b.mp4 from 0", b)
	}
	h.begin(b)
	h.playToTheEnd()
	again := h.fake.nextLoad() // Loop: a.mp4 again
	if again.url != good.URL+"/a.mp4" {
		t.Fatalf("load after the list's end %+v, want a.mp4 again", again)
	}
	h.begin(again)
	h.sess.Quit()
	out, evs := wait()
	ends := only(evs, events.End)
	if out != Played || len(ends) != 3 || ends[0].Reason != events.ReasonQuit || ends[0].Position != time.Second ||
		ends[1].Reason != events.ReasonEOF || ends[2].Reason != events.ReasonQuit {
		t.Fatalf("outcome %v, ends %+v; want quit at 1s, eof, quit; evs:\n%s", out, ends, describe(evs))
	}
}
