package events

import (
	"sync"
	"time"
)

// Bus delivers every published event, in publication order, to every
// subscriber. Each subscriber has its own queue, so a slow consumer (a
// terminal being resized, a pipe that is not read yet) never blocks the
// engine or the other consumers. The queue is bounded: past QueueLimit a
// reader that does not keep up loses events (never a playback's landmarks,
// see Kind.Landmark), and one Dropped event with the count tells it so
// when it catches up.
type Bus struct {
	mu     sync.Mutex
	subs   []*subscriber
	closed bool
	now    func() time.Time
}

// QueueLimit is how many events wait for one reader before the bus drops
// events for it: far more than any burst of a resolution (1000 refused
// hosts make 2000), far less than what a stuck reader would pile up.
const QueueLimit = 8192

type subscriber struct {
	internal bool // also receives internal kinds (ticks, notices)
	mu       sync.Mutex
	queue    []Event
	dropped  int // events dropped since the reader last caught up
	closed   bool
	wake     chan struct{} // capacity 1: "the queue changed"
	out      chan Event
}

// NewBus returns an open bus.
func NewBus() *Bus { return &Bus{now: time.Now} }

// Subscribe returns a channel that receives every public event published
// from now on (internal kinds are left out), and is closed after Close once
// the queue is drained. The consumer must read it until it is closed.
func (b *Bus) Subscribe() <-chan Event { return b.subscribe(false) }

// SubscribeAll is Subscribe with the internal kinds too: for a UI.
func (b *Bus) SubscribeAll() <-chan Event { return b.subscribe(true) }

func (b *Bus) subscribe(internal bool) <-chan Event {
	s := &subscriber{internal: internal, wake: make(chan struct{}, 1), out: make(chan Event)}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		close(s.out)
		return s.out
	}
	b.subs = append(b.subs, s)
	go s.pump()
	return s.out
}

// Publish stamps the event with the current time unless it has one, hides
// its secrets (Redact), escapes what would drive a terminal (Escape), and
// queues it for every subscriber. Every event passes here, so no reader
// can show a server's raw text. Publishing on a closed bus does nothing.
func (b *Bus) Publish(e Event) {
	if e.Time.IsZero() {
		e.Time = b.now()
	}
	e = escapeEvent(Redact(e))
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	internal := e.Kind.Internal()
	for _, s := range b.subs {
		if s.internal || !internal {
			s.push(e)
		}
	}
}

// Close ends the stream: subscribers receive what is queued, then their
// channels close. Close does not wait for them, so a consumer that has
// stopped reading cannot block the program's exit.
func (b *Bus) Close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	subs := b.subs
	b.mu.Unlock()
	for _, s := range subs {
		s.close()
	}
}

func (s *subscriber) push(e Event) {
	s.mu.Lock()
	if len(s.queue) >= QueueLimit && !e.Kind.Landmark() {
		s.dropped++
		s.mu.Unlock()
		return
	}
	s.queue = append(s.queue, e)
	s.mu.Unlock()
	s.signal()
}

func (s *subscriber) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.signal()
}

func (s *subscriber) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *subscriber) pump() {
	defer close(s.out)
	for {
		s.mu.Lock()
		batch, closed, dropped := s.queue, s.closed, s.dropped
		s.queue, s.dropped = nil, 0
		s.mu.Unlock()
		for _, e := range batch {
			s.out <- e
		}
		// The drops happened while this batch waited: after its events.
		if dropped > 0 {
			s.out <- Event{Time: time.Now(), Kind: Dropped, Index: -1, Count: dropped}
		}
		if len(batch) == 0 && dropped == 0 {
			if closed {
				return
			}
			<-s.wake
		}
	}
}
