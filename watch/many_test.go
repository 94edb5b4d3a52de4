package watch

import (
	"fmt"
	"testing"
	"time"

	"clusterplay/events"
)

// A cluster may have thousands of hosts: what the fold does per event
// must not grow with them. It keeps the serving row, the rows in flight
// and a URL index rather than scanning every row.

// TestFoldKeepsItsBookkeeping: what the serving row, the rows in flight
// and the URL index stand in for reads as a scan of the rows would.
func TestFoldKeepsItsBookkeeping(t *testing.T) {
	// Many resolutions that end well leave their rows in flight behind;
	// the one that fails restores only the row still connecting.
	var evs []events.Event
	for k := range 20 {
		evs = append(evs, connect(10*k, 0), connectFailed(10*k+1, 0), connect(10*k+2, 1), resolved(10*k+3, 1))
	}
	f := fold(append(evs, connect(300, 2), failed(301))...)
	if got := states(f, at(302)); got != "failed serving untried" || f.Serving() != 1 {
		t.Errorf("after a failed resolution: %q, serving %d; want failed serving untried, 1", got, f.Serving())
	}
	// The serving host failed by an attempt serves no more.
	f.Apply(connectFailed(400, 1))
	if f.Serving() != -1 {
		t.Errorf("serving %d after the serving host failed, want -1", f.Serving())
	}
	// The serving one tried again in a resolution that fails serves on.
	f = fold(connect(0, 0), resolved(1, 0), start(2, 0), connect(10, 0), failed(11))
	if got := states(f, at(12)); got != "serving untried untried" || f.Serving() != 0 {
		t.Errorf("the serving host tried in a failed resolution: %q, serving %d", got, f.Serving())
	}
	// An index that does not agree with the URL: found by its URL.
	for _, c := range []struct {
		index int
		host  string
		want  int
	}{{0, hosts[2], 2}, {7, hosts[1], 1}, {1, "", 1}, {-1, "http://elsewhere.test/", -1}, {9, "", -1}} {
		if got := f.Row(c.index, c.host); got != c.want {
			t.Errorf("Row(%d, %q) = %d, want %d", c.index, c.host, got, c.want)
		}
	}
	if f.Fetched() {
		t.Error("fetched before any fetch")
	}
	f.Apply(events.Event{Time: at(20), Kind: events.Fetch, Host: hosts[0], Index: 0, Bytes: 10, Elapsed: time.Millisecond})
	if !f.Fetched() || f.Host(0).Bytes != 10 || f.Len() != 3 {
		t.Errorf("after a fetch: fetched %v, row 0 %+v", f.Fetched(), f.Host(0))
	}
}

// clusterOf is a fold of n hosts and the events of a session over them:
// every host but the last refuses, the last serves, is switched away
// from, fails, and a resolution fails: every kind that moved all rows.
func clusterOf(n int) (*Fold, []events.Event) {
	urls := make([]string, n)
	for i := range urls {
		urls[i] = fmt.Sprintf("http://10.0.%d.%d/", i/250, i%250)
	}
	ev := func(kind events.Kind, i int) events.Event {
		return events.Event{Time: at(i), Kind: kind, Host: urls[i], Index: i, ExpiresAt: at(i).Add(time.Minute)}
	}
	var evs []events.Event
	for i := range n - 1 {
		evs = append(evs, ev(events.Connect, i), ev(events.ConnectFailed, i))
	}
	last := n - 1
	sw := ev(events.Failover, last)
	sw.Class, sw.ToHost, sw.ToIndex = events.ClassSwitch, urls[0], 0
	evs = append(evs, ev(events.Connect, last), ev(events.Resolved, last), ev(events.Start, last), sw,
		ev(events.Connect, last), ev(events.Failed, last), ev(events.End, 0))
	return New(Options{Hosts: urls}), evs
}

// TestApplyAllocatesAlikeWhateverTheHostCount: applying a session's events
// allocates no more with 2,000 hosts than with 20. Not parallel: the
// counts are the process's.
func TestApplyAllocatesAlikeWhateverTheHostCount(t *testing.T) {
	perEvent := func(n int) float64 {
		f, evs := clusterOf(n)
		k := 0
		return testing.AllocsPerRun(5000, func() {
			f.Apply(evs[k%len(evs)])
			k++
		})
	}
	if few, many := perEvent(20), perEvent(2000); many > few+0.5 {
		t.Errorf("%.2f allocations an event with 2,000 hosts, %.2f with 20", many, few)
	}
}

// BenchmarkApply: the time an event takes to fold in, with 20 hosts and
// with 2,000: alike.
func BenchmarkApply(b *testing.B) {
	for _, n := range []int{20, 2000} {
		b.Run(fmt.Sprintf("hosts=%d", n), func(b *testing.B) {
			f, evs := clusterOf(n)
			k := 0
			for b.Loop() {
				f.Apply(evs[k%len(evs)])
				k++
			}
		})
	}
}
