package control

import (
	"fmt"
	"sync"

	"clusterplay/mpvnode"
)

// MPV is the player's libmpv as the socket reaches it: the app hands it
// in (the socket does not know the player), and every connection gets a
// client of the core of its own, as each connection to mpv's own IPC
// socket does: its observed properties, its event mask, its events.
type MPV interface {
	Attach(name string) (MPVClient, error)
}

// MPVClient is one connection's client of libmpv. Errors are libmpv's own,
// their text mpv_error_string's ("property unavailable"), which is what
// mpv's IPC answers with.
type MPVClient interface {
	Command(cmd any) (any, error)          // mpv_command_node
	CommandAsync(id uint64, cmd any) error // its reply comes from NextEvent
	CommandString(line string) error       // an input.conf line
	GetProperty(name string) (any, error)  // as a node
	GetPropertyString(name string) (string, bool)
	SetProperty(name string, value any) error
	Observe(id uint64, name string, asString bool) error
	Unobserve(id uint64) error
	RequestLogMessages(level string) error
	RequestEvent(name string, enable bool) error // a name of mpv's, or "all"
	Name() string
	TimeUS() int64
	APIVersion() int64
	// NextEvent blocks for the next event (mpv's map of it) or async
	// reply; false once closed or the core is gone.
	NextEvent() (mpvnode.Map, bool)
	Close()
}

// attach gives c its client of libmpv, when there is a player, and
// forwards the client's events to the connection until it goes. A client
// that cannot be had (the player is closing) leaves c with clusterplay's
// commands alone.
func (s *Server) attach(c *client) {
	if s.opts.MPV == nil {
		return
	}
	s.mu.Lock()
	name := fmt.Sprintf("ipc-%d", s.attached)
	s.attached++
	s.mu.Unlock()
	mc, err := s.opts.MPV.Attach(name)
	if err != nil || mc == nil {
		return
	}
	c.mpv = mc
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			ev, ok := mc.NextEvent()
			if !ok {
				return
			}
			_, isEvent := ev.Get("event")
			// An async command's reply must arrive; an event may be
			// dropped for a client that does not read, as clusterplay's.
			c.send(append(mpvnode.Append(nil, ev), '\n'), !isEvent)
		}
	}()
}

// mpvCommands are the names of mpv's input commands, read once from the
// player (its command-list property), to tell a command of mpv's from one
// that nobody knows.
type mpvCommands struct {
	mu    sync.Mutex
	names map[string]bool
}

// known reports whether name is one of mpv's commands. When the list
// cannot be read, mpv is left to answer.
func (m *mpvCommands) known(mc MPVClient, name string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names == nil {
		list, err := mc.GetProperty("command-list")
		entries, _ := list.([]any)
		if err != nil || len(entries) == 0 {
			return true
		}
		m.names = map[string]bool{}
		for _, e := range entries {
			if em, ok := e.(mpvnode.Map); ok {
				if n, ok := em.String("name"); ok {
					m.names[n] = true
				}
			}
		}
	}
	return m.names[name]
}
