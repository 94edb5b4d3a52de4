package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"clusterplay/events"

	"github.com/charmbracelet/x/ansi"
)

func fetchEvent(ms, i int, path string) events.Event {
	return events.Event{Time: at(ms), Kind: events.Fetch, Host: testHosts[i], Index: i, Path: path, Status: 206,
		Bytes: 512 << 10, Elapsed: 250 * time.Millisecond, Throughput: 2 << 20}
}

// A DASH failover among the segments' fetches: the failover stays in
// sight, the fetches are summed up in the host table, and i shows them.
func TestFetchLinesHiddenUntilAsked(t *testing.T) {
	m, _ := playingModel(80, 24)
	for n := range 30 {
		feed(m, fetchEvent(2100+n*10, 2, fmt.Sprintf("/vod/seg-%02d.m4s", n)))
	}
	feed(m, failoverEvent(3000, 2, 0))
	for n := range 30 {
		feed(m, fetchEvent(3100+n*10, 0, fmt.Sprintf("/vod/seg-%02d.m4s", 30+n)))
	}
	view := ansi.Strip(m.View().Content)
	if !strings.Contains(view, "failing over at 0:15") {
		t.Errorf("the failover scrolled away among the fetches:\n%s", view)
	}
	if strings.Contains(view, "fetched /vod/seg") {
		t.Errorf("fetch lines shown by default:\n%s", view)
	}
	if !strings.Contains(view, "60 fetch lines hidden (i shows)") {
		t.Errorf("the log does not say fetches are hidden, nor how to show them:\n%s", view)
	}
	// The table sums them up per host: 30 × 512 KiB in 30 × 250 ms.
	for _, want := range []string{"RELAYED", "RATE", "15.0M", "2.0M/s"} {
		if !strings.Contains(view, want) {
			t.Errorf("the host table lacks %q:\n%s", want, view)
		}
	}

	press(m, keyOf("i"))
	view = ansi.Strip(m.View().Content)
	if !strings.Contains(view, "fetched /vod/seg-59.m4s from http://127.0.0.1:8001: 206") || !strings.Contains(view, "fetch lines shown (i hides)") {
		t.Errorf("i does not show the fetch lines:\n%s", view)
	}
	press(m, keyOf("i"))
	if view = ansi.Strip(m.View().Content); strings.Contains(view, "fetched /vod/seg") {
		t.Errorf("i again does not hide them:\n%s", view)
	}
}

// Where the table is too narrow for the relay's columns, the focused
// host's detail line says what was relayed.
func TestFetchSummaryInANarrowTable(t *testing.T) {
	m, _ := playingModel(60, 15)
	feed(m, fetchEvent(2100, 2, "/vod/clip.mp4"), fetchEvent(2200, 2, "/vod/clip.mp4"))
	view := ansi.Strip(m.View().Content)
	if strings.Contains(view, "RELAYED") || !strings.Contains(view, "#2 relayed 1.0 MiB at 2.0 MiB/s") {
		t.Errorf("narrow table: no relay summary on the detail line:\n%s", view)
	}
}

// The fetch lines are bounded on their own: however many come, the lines
// that matter are never pushed out of the log.
func TestFetchLinesNeverPushOutTheOthers(t *testing.T) {
	var l eventLog
	s := newStyles(true)
	l.add(s, at(0), "failing over", levelWarn, false)
	for n := range maxLogEntries + 10 {
		l.add(s, at(n), "fetched", levelInfo, true)
	}
	if len(l.others) != 1 || l.others[0].text != "failing over" || len(l.fetched) != maxLogEntries {
		t.Errorf("%d lines, the first %q, and %d fetches", len(l.others), l.others[0].text, len(l.fetched))
	}
}

func TestShortBytes(t *testing.T) {
	for _, c := range []struct {
		n    float64
		want string
	}{{0, "0B"}, {999, "999B"}, {1500, "1.5K"}, {123456, "121K"}, {15 << 20, "15.0M"}, {3 << 30, "3.0G"}} {
		if got := shortBytes(c.n); got != c.want {
			t.Errorf("shortBytes(%v) = %q, want %q", c.n, got, c.want)
		}
	}
}
