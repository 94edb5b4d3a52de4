package events

import (
	"slices"
	"testing"
	"time"
)

func TestPhasesBegun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		p      Phases
		keys   []string
		labels []string
	}{
		{"none begun", Phases{}, nil, nil},
		{"HTTPS, in the attempt's order", Phases{TTFB: 4, TLS: 3, Connect: 2, DNS: 1},
			[]string{"dns", "connect", "tls", "ttfb"}, []string{"dns", "connect", "tls", "first byte"}},
		{"RTMP by IP, a nanosecond counts", Phases{Connect: time.Millisecond, Handshake: 2, Play: time.Nanosecond},
			[]string{"connect", "handshake", "play"}, []string{"connect", "handshake", "play"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var keys, labels []string
			for _, ph := range tc.p.Begun() {
				keys, labels = append(keys, ph.Key), append(labels, ph.Label)
				if ph.D <= 0 {
					t.Errorf("%s begun with %v", ph.Key, ph.D)
				}
			}
			if !slices.Equal(keys, tc.keys) || !slices.Equal(labels, tc.labels) {
				t.Errorf("keys %q labels %q, want %q %q", keys, labels, tc.keys, tc.labels)
			}
		})
	}
	// Every field of Phases is listed: a phase added to the struct and
	// not to Begun would be missing from every output.
	all := Phases{DNS: 1, Connect: 1, TLS: 1, TTFB: 1, Handshake: 1, Play: 1}
	if n := len(all.Begun()); n != 6 {
		t.Errorf("Begun lists %d of the 6 phases", n)
	}
}
