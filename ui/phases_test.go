package ui

import (
	"strings"
	"testing"
	"time"

	"clusterplay/events"
	"github.com/charmbracelet/x/ansi"
)

func TestPhaseTime(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		time.Nanosecond:          "0.00ms",
		250 * time.Microsecond:   "0.25ms",
		12345 * time.Microsecond: "12.3ms",
		2 * time.Second:          "2000ms",
		12 * time.Second:         "12.0s",
	} {
		if got := phaseTime(d); got != want {
			t.Errorf("phaseTime(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestPhasesFollowTheFocus: the line under the table is the last attempt
// of the row most recently touched, and goes when that row has none.
func TestPhasesFollowTheFocus(t *testing.T) {
	t.Parallel()
	rtmp := events.Phases{Connect: 400 * time.Microsecond, Handshake: 600 * time.Microsecond, Play: 47 * time.Millisecond}
	tests := []struct {
		name string
		evs  []events.Event
		want string // "" = no line
	}{
		{"refused: connect only",
			[]events.Event{{Time: at(3), Kind: events.ConnectFailed, Host: testHosts[0], Index: 0, Class: events.ClassRefused,
				Phases: events.Phases{Connect: 250 * time.Microsecond}}},
			"#0 last attempt: connect 0.25ms"},
		{"another row touched, none known for it",
			[]events.Event{
				{Time: at(3), Kind: events.ConnectFailed, Host: testHosts[0], Index: 0, Phases: events.Phases{Connect: time.Millisecond}},
				{Time: at(4), Kind: events.Skip, Host: testHosts[1], Index: 1, ExpiryLeft: time.Second},
			},
			""},
		{"RTMP steps",
			[]events.Event{{Time: at(50), Kind: events.Resolved, Host: testHosts[2], Index: 2, Phases: rtmp}},
			"#2 last attempt: connect 0.40ms · handshake 0.60ms · play 47.0ms"},
		{"a new attempt keeps the last one's until it ends",
			[]events.Event{
				{Time: at(50), Kind: events.Resolved, Host: testHosts[2], Index: 2, Phases: rtmp},
				{Time: at(60), Kind: events.Connect, Host: testHosts[2], Index: 2},
			},
			"#2 last attempt: connect 0.40ms · handshake 0.60ms · play 47.0ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, _ := newTestModel(testOptions(), 80, 24)
			feed(m, tt.evs...)
			view := ansi.Strip(m.View().Content)
			got := ""
			for _, l := range strings.Split(view, "\n") {
				if strings.Contains(l, "last attempt:") {
					got = strings.TrimSpace(l)
				}
			}
			if got != tt.want {
				t.Errorf("phases line %q, want %q:\n%s", got, tt.want, view)
			}
			wantH := 1 + len(testHosts)
			if tt.want != "" {
				wantH++
			}
			if m.hosts.height() != wantH {
				t.Errorf("table height %d, want %d", m.hosts.height(), wantH)
			}
		})
	}
}
