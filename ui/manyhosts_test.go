package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"clusterplay/events"
)

// The TUI with many hosts: 2,000 hosts (1,999 refusing) took 29 s to its
// first frame against 0.42 s headless, since each event copied every row,
// scanned them and re-rendered the whole log. The work an event costs
// must not grow with the host count.

// manyHosts lists n loopback hosts, as a cluster of n would name them.
func manyHosts(n int) []string {
	hosts := make([]string, n)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("http://127.0.0.1:%d/video", 10000+i)
	}
	return hosts
}

// refusals is one pass over hosts in which every host but the last
// refuses, and the last answers and shows its first frame.
func refusals(hosts []string) []events.Event {
	var evs []events.Event
	ms := 0
	for i, h := range hosts[:len(hosts)-1] {
		evs = append(evs,
			events.Event{Time: at(ms), Kind: events.Connect, Host: h, Index: i, Pass: 1},
			events.Event{Time: at(ms), Kind: events.ConnectFailed, Host: h, Index: i, Class: events.ClassRefused,
				Err: "connection refused", Elapsed: 100 * time.Microsecond, ExpiresAt: at(ms).Add(30 * time.Second), Pass: 1})
		ms++
	}
	last, good := len(hosts)-1, hosts[len(hosts)-1]
	return append(evs,
		events.Event{Time: at(ms), Kind: events.Connect, Host: good, Index: last, Pass: 1},
		events.Event{Time: at(ms + 5), Kind: events.Resolved, Host: good, Index: last, URL: good + "/clip.mp4", Elapsed: 5 * time.Millisecond, Pass: 1},
		events.Event{Time: at(ms + 90), Kind: events.Start, Host: good, Index: last, URL: good + "/clip.mp4", Duration: 60 * time.Second})
}

// BenchmarkFirstFrameManyHosts: a TUI over 2,000 hosts, 1,999 of which
// refuse, from its start to the view that shows the good host serving.
func BenchmarkFirstFrameManyHosts(b *testing.B) {
	hosts := manyHosts(2000)
	evs := refusals(hosts)
	opts := testOptions()
	opts.Hosts = hosts
	var took time.Duration
	for b.Loop() {
		start := time.Now()
		m, _ := newTestModel(opts, 120, 40)
		for _, ev := range evs {
			m.Update(eventMsg{ev: ev})
			m.View()
		}
		took += time.Since(start)
	}
	b.ReportMetric(took.Seconds()/float64(b.N), "s/first-frame")
}

// TestIndexColumnFitsTheLargestIndex: the # column widens to the largest
// index, where it cut 100 and on to "1…".
func TestIndexColumnFitsTheLargestIndex(t *testing.T) {
	for _, n := range []int{3, 100, 101, 2000} {
		hosts := manyHosts(n)
		opts := testOptions()
		opts.Hosts = hosts
		m, _ := newTestModel(opts, 100, 30)
		feed(m, refusals(hosts)...) // the last host serves, and is in sight
		view := plain(t, m)
		last := n - 1
		want := fmt.Sprintf("%*d %s", max(2, len(fmt.Sprint(last))), last, "http://127.0.0.1:")
		header := fmt.Sprintf("%*s HOST", max(2, len(fmt.Sprint(last))), "#")
		if !hasLine(view, want) || !hasLine(view, header) || strings.Contains(view, "1…") {
			t.Errorf("%d hosts: no row %q under %q:\n%s", n, want, header, view)
		}
	}
}
