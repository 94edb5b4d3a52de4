package relay

// The relay's side of deadline.go: what the buffer's rules decide for the
// response being read.

import "time"

// readDeadline is how long the next read from up may wait, and notes on up
// which rule that is, for the failover's reason.
func (r *Relay) readDeadline(up *upstream) time.Duration {
	b, known := r.playerBuffer()
	d, why := readDeadline(b, known, r.opts.ReadTimeout, r.opts.Clock.Now())
	up.silentWhy = why
	return d
}

// projectedLate applies the slow-host rule of the buffer to up: why is ""
// when the rule has nothing to go on (no buffer, no bitrate, a rate not
// yet measured), and the caller keeps the starvation rule; else late says
// whether the response would end after the player's buffer runs out, and
// why says it in words.
func (r *Relay) projectedLate(up *upstream) (late bool, why string) {
	b, known := r.playerBuffer()
	now := r.opts.Clock.Now()
	if !b.draining(known, now) || b.Bitrate <= 0 {
		return false, ""
	}
	rate, judged := up.pace.rate()
	if !judged {
		return false, "the host's rate is not measured yet"
	}
	left := int64(-1)
	if up.end >= 0 {
		left = max(0, up.end-(up.start+up.delivered.Load()))
	}
	p := projectFinish(left, rate, b.Bitrate, b.left(now))
	return p.late, p.words(left, rate)
}
