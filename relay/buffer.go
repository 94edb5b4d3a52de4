package relay

import "time"

// PlayerBuffer is what the player holds ahead of what it shows, as the
// session last saw it. The relay reads it to judge how long a host may
// keep the player waiting: a deep buffer absorbs a silent host, a shallow
// one does not.
type PlayerBuffer struct {
	Cached  time.Duration // media the player's demuxer holds ahead of the picture
	Bitrate float64       // the stream's bits per second; 0 when not known
	Playing bool          // the first frame was shown and the player is not paused
	// Duration is the clip's, 0 when live or not known: with a file's
	// length it gives a progressive file's bitrate (deadline_relay.go).
	Duration time.Duration
	At       time.Time // when the session saw it
}

// SetPlayerBuffer tells the relay what the player holds now. A relay
// that is never told (clusterplay relay, serving another player) keeps its
// fixed timeouts.
func (r *Relay) SetPlayerBuffer(b PlayerBuffer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buffer, r.bufferKnown = b, true
}

// playerBuffer is what the session last said, and whether it said any.
func (r *Relay) playerBuffer() (PlayerBuffer, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buffer, r.bufferKnown
}
