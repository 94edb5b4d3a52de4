package relay

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// Deadlines from the player's buffer. A host that goes silent, or that
// sends slower than the stream plays, is harmless while the player holds
// enough to bridge it, and costs a frozen picture once it does not. So
// while the session says what the player holds (buffer.go), the relay
// leaves a host:
//
//   - silent longer than half the seconds cached (never above
//     --read-timeout, never under minReadDeadline), so that the splice
//     lands while the player still holds the other half;
//   - whose response's projected finish (bytes left over the rate it
//     delivers at) comes after the player's buffer runs out, counting
//     what the host still adds to it.
//
// Without that knowledge (clusterplay relay serving another player, before
// the first frame, while paused, or with no bitrate for the second rule)
// the fixed rules stay: --read-timeout, and starvation for --slow-timeout.
const (
	// minReadDeadline keeps a nearly empty buffer from leaving a host at
	// the first pause between two packets.
	minReadDeadline = 100 * time.Millisecond
	// staleBuffer: a buffer the session has not spoken of for this long is
	// no longer known (its progress stopped: the player is gone or stuck).
	staleBuffer = 2 * time.Second
	// paceWindow is the span of waiting a host's rate is measured over,
	// and minPaceWait the waiting needed before a rate is judged at all.
	paceWindow  = time.Second
	minPaceWait = 500 * time.Millisecond
)

// draining reports whether b is a buffer that is known, fresh and being
// played from: the only kind a deadline can be derived from.
func (b PlayerBuffer) draining(known bool, now time.Time) bool {
	return known && b.Playing && now.Sub(b.At) <= staleBuffer
}

// left is what the player holds now: what it held when the session looked,
// less what has played since.
func (b PlayerBuffer) left(now time.Time) time.Duration {
	return max(0, b.Cached-max(0, now.Sub(b.At)))
}

// readDeadline is how long one read from a host may wait for a byte, and
// why: "" when it is the fixed --read-timeout, else the words of the
// buffer's rule for the failover's reason.
func readDeadline(b PlayerBuffer, known bool, readTimeout time.Duration, now time.Time) (time.Duration, string) {
	if !b.draining(known, now) {
		return readTimeout, ""
	}
	left := b.left(now)
	d := min(max(left/2, minReadDeadline), readTimeout)
	if d >= readTimeout {
		return readTimeout, ""
	}
	return d, fmt.Sprintf("silent for %s, past the buffer's deadline (half of the %.2fs the player held)",
		d.Round(time.Millisecond), left.Seconds())
}

// projection is the slow-host rule's judgement of one response.
type projection struct {
	late   bool
	finish time.Duration // when the response would end at its rate; -1 never known
	runOut time.Duration // when the player's buffer would be empty
}

// projectFinish judges a response with left bytes still to come (-1 when
// its end is unknown), delivered at rate bytes/s, for a player holding
// cached seconds of a stream of bitrate bits/s. While the host sends
// slower than the stream plays, the buffer shrinks by (1 - rate/need) of
// each second; it is late when it would run dry before the response ends.
// A host as fast as the stream never empties it.
func projectFinish(left int64, rate, bitrate float64, cached time.Duration) projection {
	need := bitrate / 8
	if need <= 0 || rate >= need {
		return projection{finish: finishAt(left, rate), runOut: -1}
	}
	runOut := time.Duration(float64(cached) * need / (need - max(rate, 0)))
	p := projection{finish: finishAt(left, rate), runOut: runOut}
	p.late = p.finish < 0 || p.finish > runOut
	return p
}

// finishAt is left bytes at rate bytes/s; -1 when it cannot be told.
func finishAt(left int64, rate float64) time.Duration {
	if left < 0 || rate <= 0 {
		return -1
	}
	s := float64(left) / rate
	if s > math.MaxInt64/float64(time.Second) {
		return -1
	}
	return time.Duration(s * float64(time.Second))
}

// words says the projection for a failover's reason.
func (p projection) words(left int64, rate float64) string {
	finish := "never (its end is unknown)"
	if p.finish >= 0 {
		finish = "in " + p.finish.Round(10*time.Millisecond).String()
	}
	return fmt.Sprintf("projected finish %s (%d bytes left at %.0f B/s), after the player's buffer runs out in %s",
		finish, left, rate, p.runOut.Round(10*time.Millisecond))
}

// paceMeter is the rate a host delivers at, over about the last second
// spent waiting on it. Only time inside reads from the host counts: while
// the relay waits on the player (a full cache), the host is not to blame.
type paceMeter struct {
	mu        sync.Mutex
	cur, prev paceSpan
}

type paceSpan struct {
	bytes int64
	wait  time.Duration
}

// add notes n bytes read after waiting wait.
func (m *paceMeter) add(n int, wait time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cur.bytes += int64(n)
	m.cur.wait += wait
	if m.cur.wait >= paceWindow {
		m.prev, m.cur = m.cur, paceSpan{}
	}
}

// rate is bytes/s over the last window or two, and whether enough waiting
// was seen to judge it.
func (m *paceMeter) rate() (float64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	wait := m.cur.wait + m.prev.wait
	if wait < minPaceWait {
		return 0, false
	}
	return float64(m.cur.bytes+m.prev.bytes) / wait.Seconds(), true
}
