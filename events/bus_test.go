package events

import (
	"sync"
	"testing"
)

func TestBusDeliversInOrderToEverySubscriber(t *testing.T) {
	t.Parallel()
	bus := NewBus()
	const subscribers, events = 3, 500
	var wg sync.WaitGroup
	got := make([][]int, subscribers)
	for i := range subscribers {
		ch := bus.Subscribe()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range ch {
				got[i] = append(got[i], e.Index)
			}
		}()
	}
	for i := range events {
		bus.Publish(Event{Kind: Connect, Index: i})
	}
	bus.Close()
	wg.Wait()
	for s, seq := range got {
		if len(seq) != events {
			t.Fatalf("subscriber %d got %d events, want %d", s, len(seq), events)
		}
		for i, idx := range seq {
			if idx != i {
				t.Fatalf("subscriber %d: event %d has index %d: out of order", s, i, idx)
			}
		}
	}
}

func TestBusStampsTimeAndIgnoresPublishAfterClose(t *testing.T) {
	t.Parallel()
	bus := NewBus()
	ch := bus.Subscribe()
	bus.Publish(Event{Kind: Connect})
	bus.Close()
	bus.Publish(Event{Kind: Failed}) // must not panic
	bus.Close()                      // idempotent
	var n int
	for e := range ch {
		n++
		if e.Time.IsZero() {
			t.Error("event has no time stamp")
		}
	}
	if n != 1 {
		t.Errorf("got %d events, want 1", n)
	}
	if _, ok := <-bus.Subscribe(); ok {
		t.Error("subscribing to a closed bus should give a closed channel")
	}
}

func TestBusSlowSubscriberDoesNotBlockPublisher(t *testing.T) {
	t.Parallel()
	bus := NewBus()
	slow := bus.Subscribe() // not read until the end
	const n = QueueLimit    // as many as a reader may fall behind by
	for i := range n {
		bus.Publish(Event{Index: i})
	}
	go bus.Close()
	got := 0
	for e := range slow {
		if e.Kind == Dropped {
			t.Errorf("dropped %d events within the queue limit", e.Count)
		}
		got++
	}
	if got != n {
		t.Errorf("slow subscriber got %d events, want %d", got, n)
	}
}

func TestBusKeepsInternalKindsForThoseWhoAsk(t *testing.T) {
	t.Parallel()
	bus := NewBus()
	public, all := bus.Subscribe(), bus.SubscribeAll()
	for _, k := range []Kind{Connect, Tick, Notice, LoadBalancing, End} {
		bus.Publish(Event{Kind: k})
	}
	bus.Close()
	kinds := func(ch <-chan Event) (out []Kind) {
		for e := range ch {
			out = append(out, e.Kind)
		}
		return out
	}
	if got := kinds(public); len(got) != 2 || got[0] != Connect || got[1] != End {
		t.Errorf("public subscriber got %v, want [connect end]", got)
	}
	if got := kinds(all); len(got) != 5 {
		t.Errorf("SubscribeAll got %v, want all 5 kinds", got)
	}
}

// TestBusBoundsASlowReader: a reader that does not read keeps at most
// QueueLimit events (plus landmarks); when it reads, one dropped event
// says how many it lost, and every landmark is there.
func TestBusBoundsASlowReader(t *testing.T) {
	t.Parallel()
	bus := NewBus()
	ch := bus.Subscribe()
	const n = 3 * QueueLimit
	for i := range n {
		kind := Connect
		if i%1000 == 999 {
			kind = Failover
		}
		bus.Publish(Event{Kind: kind, Index: i})
	}
	bus.Close()
	var got, landmarks, dropped, drops int
	for e := range ch {
		switch e.Kind {
		case Dropped:
			drops++
			dropped += e.Count
		case Failover:
			landmarks++
			got++
		default:
			got++
		}
	}
	if got+dropped != n {
		t.Errorf("got %d + dropped %d = %d events, want %d", got, dropped, got+dropped, n)
	}
	if got > QueueLimit*2+n/1000 {
		t.Errorf("%d events kept for a reader that never read, want about %d", got, QueueLimit)
	}
	if landmarks != n/1000 {
		t.Errorf("%d landmarks delivered, want all %d", landmarks, n/1000)
	}
	if drops == 0 {
		t.Errorf("no dropped event")
	}
}
