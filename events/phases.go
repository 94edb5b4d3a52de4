package events

import "time"

// Phases say where the time of one connection attempt went, so that a
// tester can tell a slow name server from a slow handshake or a slow
// origin. A phase the attempt never began is zero; one it began is at
// least a nanosecond, even when it ended in failure or was cut short by
// the connect timeout (then it runs until the attempt ended, which shows
// where the attempt was stuck). After a redirect each phase is the sum
// over the attempt's connections.
type Phases struct {
	DNS     time.Duration // name lookup; none for an IP address
	Connect time.Duration // TCP connect, a refused one included
	TLS     time.Duration // TLS handshake (https, rtmps)
	// TTFB is HTTP's time from the request written to the first byte of
	// the response.
	TTFB time.Duration
	// Handshake is the RTMP handshake (C0-C2/S0-S2).
	Handshake time.Duration
	// Play is RTMP's connect, createStream and play, up to the stream's
	// start (NetStream.Play.Start or its first media message).
	Play time.Duration
}

// IsZero reports whether no phase was begun.
func (p Phases) IsZero() bool { return p == Phases{} }
