package playback

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/events"
	"clusterplay/logging"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestReplayAfterTheEnd: a session that stays open plays the clip again
// from its start when asked after the end (space in the TUI), and its
// ticks say the speed and that the clip is not live.
func TestReplayAfterTheEnd(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(clip))
	h := start(t, []string{good.URL}, Options{StayOpen: true})
	wait := h.beside(func() error {
		tick, ok := h.next(20*time.Second, kind(events.Tick))
		if !ok {
			return errors.New("no tick")
		}
		if tick.Speed != 1 || tick.Live || tick.Behind != 0 {
			return errors.New("a tick of a clip at normal speed says otherwise")
		}
		if _, ok := h.next(20*time.Second, kind(events.End)); !ok {
			return errors.New("no end")
		}
		h.sess.Replay()
		again, ok := h.next(20*time.Second, kind(events.Start))
		if !ok {
			return errors.New("no start after the replay")
		}
		if again.Position > time.Second {
			return errors.New("the replay began at " + again.Position.String())
		}
		h.sess.Quit()
		return nil
	})
	out, evs := h.run(t, 60*time.Second)
	if err := wait(); err != nil {
		t.Fatalf("%v; evs:\n%s", err, describe(evs))
	}
	ends := only(evs, events.End)
	if out != Played || len(ends) != 2 || ends[0].Reason != events.ReasonEOF || ends[1].Reason != events.ReasonQuit {
		t.Fatalf("outcome %v, ends %+v; evs:\n%s", out, ends, describe(evs))
	}
}

// A process stopped (ctrl+z) for longer than the stall timeout made no
// progress, but the host is not to blame: the watchdog starts over.
func TestStoppedProcessIsNoStall(t *testing.T) {
	t.Parallel()
	r := &run{Session: &Session{log: logging.Or(nil), opts: Options{StallTimeout: time.Second}}, url: "http://h/clip.mp4"}
	now := time.Now()
	r.sinceStopped(now)
	r.lastAdvance = now.Add(-time.Minute)
	if !r.stalled(now) {
		t.Fatal("no progress for a minute is not a stall")
	}
	r.lastWatch = now.Add(-time.Minute) // the watchdog did not run: the process was stopped
	r.sinceStopped(now)
	if r.stalled(now) {
		t.Error("a stall judged on the time the process was stopped")
	}
}

// TestNewClipMakesBeforeBreak: another clip asked for while one plays
// (the c key, load and mpv's loadfile on the control socket) leaves it
// playing until a host of the new one answers; then it ends (quit) and
// the new one starts. A clip no host answers leaves it playing on.
func TestNewClipMakesBeforeBreak(t *testing.T) {
	slow := hosttest.Keep(t)(loopback.NewHTTP(delayed(clip, "slow.mp4", 700*time.Millisecond)))
	h := start(t, []string{slow.URL}, Options{})
	wait := h.beside(func() error {
		if _, ok := h.next(20*time.Second, kind(events.Start)); !ok {
			return errors.New("no start")
		}
		h.sess.Play("missing.mp4")
		if _, ok := h.next(10*time.Second, kind(events.Notice)); !ok {
			return errors.New("no notice that the missing clip has no host")
		}
		h.sess.Play("slow.mp4")
		asked := time.Now()
		next, ok := h.next(20*time.Second, func(ev events.Event) bool {
			return ev.Kind == events.End || ev.Kind == events.Start
		})
		if !ok || next.Kind != events.End || next.Reason != events.ReasonQuit {
			return fmt.Errorf("after Play: %+v, want the end (quit) of what played", next)
		}
		if waited := time.Since(asked); waited < 500*time.Millisecond {
			return fmt.Errorf("what played ended %v after the new clip was asked for, before its host answered", waited)
		}
		if ev, ok := h.next(20*time.Second, kind(events.Start)); !ok || !strings.HasSuffix(ev.URL, "slow.mp4") {
			return fmt.Errorf("the new clip's start: %+v", ev)
		}
		h.sess.Quit()
		return nil
	})
	out, evs := h.run(t, 60*time.Second)
	if err := wait(); err != nil {
		t.Fatalf("%v; evs:\n%s", err, describe(evs))
	}
	if ends := only(evs, events.End); out != Played || len(ends) != 2 {
		t.Fatalf("outcome %v, %d ends; evs:\n%s", out, len(ends), describe(evs))
	}
}

// delayed serves files, holding the answer for name back by d.
func delayed(files map[string][]byte, name string, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base := path.Base(r.URL.Path)
		if base == name {
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
			base = assets.ClipName
		}
		data, ok := files[base]
		if !ok {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, base, time.Time{}, bytes.NewReader(data))
	})
}
