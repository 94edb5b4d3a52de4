package relay

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// The relay listens where other local users can connect too: a session's
// relay on 127.0.0.1, clusterplay relay wherever --listen says. What one
// client may hold of it is bounded, so that it cannot starve the player of
// descriptors or memory (and the hosts of their good name, as a relay that
// cannot open a connection would blame them).
var (
	// maxConns is how many connections the relay holds at once; a
	// player needs a handful. The rest are closed as they are accepted.
	maxConns = 64
	// idleTimeout closes a keep-alive connection that asks nothing more.
	idleTimeout = 30 * time.Second
	// headerTimeout closes a connection whose request header is not
	// complete by then (slowloris).
	headerTimeout = 10 * time.Second
)

// newServer is the relay's HTTP server over handler r, with the bounds
// above. No write timeout: a paused player reads nothing for as long as
// it likes. Each request's context holds its connection, for the fast
// path (directread.go).
func newServer(r *Relay) *http.Server {
	return &http.Server{Handler: r, ReadHeaderTimeout: headerTimeout, IdleTimeout: idleTimeout, ConnContext: withPlayerConn}
}

// limitConns returns ln accepting at most limit connections open at once:
// one past the limit is closed as soon as it is accepted, and the listener
// goes on accepting (a refusal must not stop the server).
func limitConns(ln net.Listener, limit int) *limitedListener {
	return &limitedListener{Listener: ln, limit: int64(limit)}
}

type limitedListener struct {
	net.Listener
	limit     int64
	open      atomic.Int64
	refusedAt atomic.Int64 // when one was last closed at accept, Unix ns
}

// crowdedFor is how long after turning a connection away the relay says it
// is crowded.
const crowdedFor = 30 * time.Second

// Crowded reports whether the relay has turned a connection away at accept
// lately: a player's failure then may be the relay's, held full by another
// local client, and not the host's. The session does not blame the host
// for it (playback/crowded.go).
func (r *Relay) Crowded() bool {
	at := r.conns.refusedAt.Load()
	return at != 0 && time.Since(time.Unix(0, at)) < crowdedFor
}

func (l *limitedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.open.Add(1) > l.limit {
			l.open.Add(-1)
			l.refusedAt.Store(time.Now().UnixNano())
			c.Close()
			continue
		}
		return &countedConn{Conn: c, release: func() { l.open.Add(-1) }}, nil
	}
}

// countedConn gives its place back once, when it is closed.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
