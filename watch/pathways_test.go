package watch

import (
	"testing"
	"time"

	"clusterplay/events"
)

func TestPathwayRows(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := New(Options{Hosts: []string{"http://typed/v"}})
	hostA, hostB := "http://a/hls/", "http://b/hls/"
	for _, ev := range []events.Event{
		{Time: t0, Kind: events.Steering, Index: -1, URL: "http://s/steer.json?_HLS_pathway=A", Status: 200, TTL: 10 * time.Second,
			Priority: []string{"A", "B"}, Pathway: "A"},
		{Time: t0.Add(time.Second), Kind: events.Fetch, Host: hostA, Index: 1, Pathway: "A", Bytes: 1000},
		{Time: t0.Add(2 * time.Second), Kind: events.Pathway, Index: 1, Host: hostA, ToHost: hostB, ToIndex: 2,
			PathwayFrom: "A", Pathway: "B", Reason: events.ReasonFailure, ExpiresAt: t0.Add(5 * time.Minute)},
		{Time: t0.Add(3 * time.Second), Kind: events.Fetch, Host: hostB, Index: 2, Pathway: "B", Bytes: 500},
	} {
		f.Apply(ev)
	}
	rows := f.Pathways()
	if len(rows) != 2 {
		t.Fatalf("rows %+v", rows)
	}
	a, b := rows[0], rows[1]
	switch {
	case a.ID != "A" || a.Priority != 1 || a.InUse || a.Bytes != 1000 || !a.Penalised(t0.Add(time.Minute)) || a.Index != 1:
		t.Errorf("A: %+v", a)
	case b.ID != "B" || b.Priority != 2 || !b.InUse || b.Bytes != 500 || b.Host != hostB || b.Index != 2:
		t.Errorf("B: %+v", b)
	}
	if got := f.NextSteering(); !got.Equal(t0.Add(10 * time.Second)) {
		t.Errorf("next steering %v", got)
	}
	f.Apply(events.Event{Time: t0.Add(20 * time.Second), Kind: events.Steering, Index: -1, URL: "http://s/steer.json", Status: 410,
		Err: "HTTP 410: steering stopped for the session"})
	if !f.NextSteering().IsZero() {
		t.Error("a 410 left a reload planned")
	}
	f.Apply(events.Event{Time: t0.Add(21 * time.Second), Kind: events.Failover, Host: hostB, Index: 2, ToHost: hostA, ToIndex: 1,
		Seamless: true, Pathway: "A"})
	if pb := f.Playback(); pb.Host == hostA {
		t.Errorf("a pathway's splice made it the clip's host: %+v", pb)
	}
	if len(New(Options{}).Pathways()) != 0 {
		t.Error("rows without pathways")
	}
}
