package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/faults"

	"github.com/charmbracelet/x/ansi"
)

// TestFaultKeyCyclesTheFocusedHost: F on the focused host (the one the
// last event touched) sets cut, stall, a throttle to half the bitrate,
// 503, then nothing, and its row shows the fault while it is set.
func TestFaultKeyCyclesTheFocusedHost(t *testing.T) {
	m, f := playingModel(100, 24)
	// 4 MiB relayed from host 2 over 10 s played and 6 s cached: 256 KiB/s.
	for n := range 8 {
		feed(m, fetchEvent(2100+n*10, 2, "/vod/seg.m4s"))
	}
	status(m, 3000, Status{State: "playing", Position: 10 * time.Second, Cache: 6 * time.Second, Duration: time.Minute, Volume: 100}, true, false)
	focus := m.hosts.focus
	if focus != 2 {
		t.Fatalf("focus on host %d, want 2 (the one fetched from)", focus)
	}
	want := []string{"fault 2 reset after 16KB", "fault 2 stall after 16KB for 10m", "fault 2 throttle 131072B/s", "fault 2 status 503", "fault 2 "}
	tags := []string{"[cut]", "[stall]", "[throttle]", "[503]", ""}
	for i := range want {
		press(m, keyOf("F"))
		view := ansi.Strip(m.View().Content)
		row := ""
		for _, line := range strings.Split(view, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "2 ") {
				row = line
			}
		}
		if tags[i] != "" && !strings.Contains(row, tags[i]) {
			t.Errorf("press %d: host 2's row %q lacks %s", i+1, row, tags[i])
		}
		if tags[i] == "" && strings.Contains(row, "[") {
			t.Errorf("press %d: host 2's row %q still shows a fault", i+1, row)
		}
	}
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls %q, want %q", got, want)
	}
}

func TestFaultActionsParse(t *testing.T) {
	for _, fault := range faultCycle {
		a := faultAction(fault, 300000)
		if (a == "") != (fault == "") {
			t.Errorf("%q: action %q", fault, a)
		}
		if _, err := faults.ParseAction(a); a != "" && err != nil {
			t.Errorf("%q: %v", fault, err)
		}
	}
	if a := faultAction("throttle", 0); a != "throttle 65536B/s" {
		t.Errorf("throttle before any bitrate: %q", a)
	}
}

// TestRowShowsARecentInjectedFault: a fault event of a plan or of inject
// shows on its host's row for a few seconds.
func TestRowShowsARecentInjectedFault(t *testing.T) {
	m, _ := playingModel(100, 24)
	feed(m, events.Event{Time: at(2500), Kind: events.Fault, Host: testHosts[1], Index: 1, Path: "vod/seg5.ts",
		Rule: "rule1", Action: "status 503"})
	row := func() string {
		for _, line := range strings.Split(ansi.Strip(m.View().Content), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "1 ") {
				return line
			}
		}
		return ""
	}
	if r := row(); !strings.Contains(r, "[fault status]") {
		t.Errorf("host 1's row %q lacks the fault", r)
	}
	m.advance(at(2500).Add(faultShown + time.Second))
	if r := row(); strings.Contains(r, "[fault") {
		t.Errorf("host 1's row %q still shows an old fault", r)
	}
}
