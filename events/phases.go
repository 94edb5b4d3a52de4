package events

import "time"

// Phase is one phase of an attempt, under the names every output gives
// it: the --json fields, the log's attributes, the TUI's detail line and
// the report all take them from Phases.Begun, so a new phase is added in
// one place.
type Phase struct {
	// Key names the phase in --json and in the log, followed by "_ms":
	// dns, connect, tls, ttfb, handshake, play.
	Key string
	// Label names it for a person: as Key, but "first byte" for ttfb.
	Label string
	// D is how long it took; at least a nanosecond, as it was begun.
	D time.Duration
}

// Begun lists the phases the attempt began, in the order an attempt goes
// through them, which is also the order of --json's fields.
func (p Phases) Begun() []Phase {
	all := [...]Phase{
		{"dns", "dns", p.DNS},
		{"connect", "connect", p.Connect},
		{"tls", "tls", p.TLS},
		{"ttfb", "first byte", p.TTFB},
		{"handshake", "handshake", p.Handshake},
		{"play", "play", p.Play},
	}
	var out []Phase
	for _, ph := range all {
		if ph.D > 0 {
			out = append(out, ph)
		}
	}
	return out
}
