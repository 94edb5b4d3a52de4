package ui

import (
	"fmt"
	"runtime"
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
// refuse, from its start to the view that shows the good host serving,
// its events taken as the program takes them (waitForEvent, then Update
// and View for each message) from a queue that holds them all, as the
// bus's does while the TUI is behind. s/first-frame is the time to it.
func BenchmarkFirstFrameManyHosts(b *testing.B) {
	hosts := manyHosts(2000)
	evs := refusals(hosts)
	opts := testOptions()
	opts.Hosts = hosts
	var took time.Duration
	for b.Loop() {
		ch := make(chan events.Event, len(evs))
		for _, ev := range evs {
			ch <- ev
		}
		start := time.Now()
		m, _ := newTestModel(opts, 120, 40)
		m.View()
		for next := waitForEvent(ch, nil); len(ch) > 0; {
			m.Update(next())
			m.View()
		}
		took += time.Since(start)
		if m.status.State != events.StatePlaying {
			b.Fatalf("not playing after every event: %+v", m.status)
		}
	}
	b.ReportMetric(took.Seconds()/float64(b.N), "s/first-frame")
}

// TestIndexColumnFitsTheLargestIndex: the # column widens to the largest
// index, where it cut 100 and on to "1…".
func TestIndexColumnFitsTheLargestIndex(t *testing.T) {
	t.Parallel()
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

// TestEventCostsTheSameWhateverTheHostCount: an event folded in, and a
// view, cost as many allocations and as many bytes with 2,000 hosts as
// with 20, once a pass over every host has filled the table and the log.
// Each event copied every row and rebuilt the whole log: a hundred times
// the bytes with a hundred times the hosts. Not parallel: the counts are
// the process's, and another test's allocations would be counted too.
func TestEventCostsTheSameWhateverTheHostCount(t *testing.T) {
	few, many := eventCosts(20), eventCosts(2000)
	for _, c := range []struct {
		what      string
		few, many cost
	}{{"an event", few[0], many[0]}, {"a view", few[1], many[1]}} {
		t.Logf("%s: 20 hosts %.0f allocations, %.0f bytes; 2,000 hosts %.0f allocations, %.0f bytes",
			c.what, c.few.allocs, c.few.bytes, c.many.allocs, c.many.bytes)
		// The # column is two cells wider, the rows' text longer: some
		// slack, nothing like the hundredfold.
		if c.many.allocs > 1.5*c.few.allocs+10 || c.many.bytes > 1.5*c.few.bytes+4<<10 {
			t.Errorf("%s costs more with 2,000 hosts: %.0f allocations and %.0f bytes, against %.0f and %.0f with 20",
				c.what, c.many.allocs, c.many.bytes, c.few.allocs, c.few.bytes)
		}
	}
}

// cost is what one call allocates, on average.
type cost struct{ allocs, bytes float64 }

// measure is the cost of f.
func measure(f func()) cost {
	const runs = 200
	c := cost{allocs: testing.AllocsPerRun(runs, f)}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	c.bytes = float64(after.TotalAlloc-before.TotalAlloc) / runs
	return c
}

// eventCosts are the costs of folding an event in and of a view, in a
// model of n hosts after a pass over them all.
func eventCosts(n int) [2]cost {
	hosts := manyHosts(n)
	opts := testOptions()
	opts.Hosts = hosts
	m, _ := newTestModel(opts, 120, 40)
	feed(m, refusals(hosts)...)
	k := 0
	event := func() {
		// Another pass: a host is tried, and refuses.
		i := k / 2 % (n - 1)
		ev := events.Event{Time: at(5000 + k), Kind: events.Connect, Host: hosts[i], Index: i, Pass: 2}
		if k%2 == 1 {
			ev.Kind, ev.Class, ev.Err, ev.ExpiresAt = events.ConnectFailed, events.ClassRefused, "connection refused", ev.Time.Add(30*time.Second)
		}
		k++
		m.Update(eventMsg{ev: ev})
	}
	return [2]cost{measure(event), measure(func() { m.View() })}
}
