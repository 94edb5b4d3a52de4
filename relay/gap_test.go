package relay

import (
	"testing"
	"time"

	"clusterplay/events"
)

// TestGapClock: each failover is published at once with the gap since the
// last byte delivered; a host that failed before sending a byte leaves the
// next failover's gap running from the same last byte; a response that
// delivered nothing counts from its first failure.
func TestGapClock(t *testing.T) {
	bus := events.NewBus()
	ch := bus.Subscribe()
	g := &gapClock{r: &Relay{opts: Options{Bus: bus}}}
	failover := func(to string) events.Event {
		return events.Event{Kind: events.Failover, Host: "a", ToHost: to, Index: 0}
	}

	g.delivered() // the first host's bytes
	lastByte := time.Now()
	time.Sleep(20 * time.Millisecond)
	g.failed()
	g.moved(failover("b")) // b then fails before its first byte
	afterB := time.Since(lastByte)
	time.Sleep(20 * time.Millisecond)
	g.failed()
	g.moved(failover("c"))
	afterC := time.Since(lastByte)

	fresh := &gapClock{r: g.r} // a response that delivered nothing
	time.Sleep(20 * time.Millisecond)
	failedAt := time.Now()
	fresh.failed()
	time.Sleep(20 * time.Millisecond)
	fresh.moved(failover("d"))
	afterD := time.Since(failedAt)
	bus.Close()

	var got []events.Event
	for e := range ch {
		got = append(got, e)
	}
	if len(got) != 3 {
		t.Fatalf("published %+v", got)
	}
	for i, want := range []struct {
		to       string
		min, max time.Duration
	}{{"b", 20 * time.Millisecond, afterB}, {"c", 40 * time.Millisecond, afterC}, {"d", 20 * time.Millisecond, afterD}} {
		if e := got[i]; e.ToHost != want.to || e.Gap < want.min || e.Gap > want.max {
			t.Errorf("failover %d to %s: gap %v, want %s within [%v, %v]", i, e.ToHost, e.Gap, want.to, want.min, want.max)
		}
	}
}
