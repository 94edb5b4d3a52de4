package relay

import (
	"testing"
	"time"

	"clusterplay/events"
)

// TestGapClock: a failover is published at its host's first byte with the
// gap since the last byte; one whose host delivered nothing goes without
// a gap, and the next one's gap runs from the same last byte.
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
	g.moved(failover("b")) // b fails before its first byte
	time.Sleep(20 * time.Millisecond)
	g.moved(failover("c"))
	time.Sleep(20 * time.Millisecond)
	g.delivered() // c's first byte
	took := time.Since(lastByte)
	g.delivered() // more of c's: nothing more to say
	g.moved(failover("d"))
	g.flush() // the response ended before d's first byte
	bus.Close()

	var got []events.Event
	for e := range ch {
		got = append(got, e)
	}
	if len(got) != 3 || got[0].ToHost != "b" || got[1].ToHost != "c" || got[2].ToHost != "d" {
		t.Fatalf("published %+v", got)
	}
	if got[0].Gap != 0 || got[2].Gap != 0 {
		t.Errorf("failovers whose host sent nothing have gaps %v, %v", got[0].Gap, got[2].Gap)
	}
	if gap := got[1].Gap; gap < 60*time.Millisecond || gap > took {
		t.Errorf("gap %v, want from the first host's last byte: at least 60ms, at most %v", gap, took)
	}
}
