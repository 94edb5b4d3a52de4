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
	r.mu.Lock()
	segmented := r.segmented
	r.mu.Unlock()
	bitrate := streamBitrate(b, up.total, segmented)
	if !b.draining(known, now) || bitrate <= 0 {
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
	p := projectFinish(left, rate, bitrate, b.left(now))
	return p.late, p.words(left, rate)
}

// streamBitrate is the bits per second the player consumes. For a
// progressive file it is the file's length over the clip's duration: the
// bytes on the wire, container included, known from the first frame on,
// and the average the rest of the file is played at. HLS and DASH
// responses are segments, whose lengths say nothing of the whole: there,
// and whenever the length or duration is unknown, it is what mpv measures
// from the packets it plays (the session's average, 0 until mpv has played
// about a second), a few percent under the wire's bytes.
func streamBitrate(b PlayerBuffer, total int64, segmented bool) float64 {
	if !segmented && total > 0 && b.Duration > 0 {
		return float64(total) * 8 / b.Duration.Seconds()
	}
	return b.Bitrate
}
