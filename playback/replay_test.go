package playback

import (
	"errors"
	"testing"
	"time"

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
