package events

import (
	"sync"
	"time"
)

// Bus delivers every published event, in publication order, to every
// subscriber. Each subscriber has its own unbounded queue, so a slow consumer
// (a terminal being resized, a pipe that is not read yet) never blocks the
// engine or the other consumers, and no event is dropped.
type Bus struct {
	mu     sync.Mutex
	subs   []*subscriber
	closed bool
	now    func() time.Time
}

type subscriber struct {
	internal bool // also receives internal kinds (ticks, notices)
	mu       sync.Mutex
	queue    []Event
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

// Publish stamps the event with the current time unless it has one, and
// queues it for every subscriber. Publishing on a closed bus does nothing.
func (b *Bus) Publish(e Event) {
	if e.Time.IsZero() {
		e.Time = b.now()
	}
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
		batch, closed := s.queue, s.closed
		s.queue = nil
		s.mu.Unlock()
		for _, e := range batch {
			s.out <- e
		}
		if len(batch) == 0 {
			if closed {
				return
			}
			<-s.wake
		}
	}
}
