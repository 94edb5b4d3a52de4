package control

import (
	"sync"
	"sync/atomic"
	"time"

	"net"
)

// replyRoom is the part of a client's queue that only replies may take.
const replyRoom = 16

// client is one connection. Its lines wait in a bounded queue, written by
// its own goroutine, so a client that never reads holds up nobody.
type client struct {
	conn    net.Conn
	out     chan []byte
	dropped atomic.Int64 // events it lost to a full queue
	done    chan struct{}
	once    sync.Once
	drain   chan struct{} // closed to ask the writer to finish the queue, then close
	mpv     MPVClient     // its own client of the player's libmpv; nil without one
}

func newClient(conn net.Conn) *client {
	return &client{conn: conn, out: make(chan []byte, clientQueue), done: make(chan struct{}), drain: make(chan struct{})}
}

// send queues a line. An event that finds the queue full is dropped; a
// reply (must) that finds it full closes the client, which is not reading.
func (c *client) send(line []byte, must bool) bool {
	select {
	case <-c.done:
		return false
	default:
	}
	if !must && len(c.out) >= clientQueue-replyRoom {
		// Events leave room for replies: a client busy elsewhere loses
		// events, never the answer to what it asks.
		c.dropped.Add(1)
		return false
	}
	select {
	case c.out <- line:
		return true
	default:
	}
	if must {
		c.close()
		return false
	}
	c.dropped.Add(1)
	return false
}

func (c *client) write() {
	for {
		select {
		case <-c.done:
			return
		case line := <-c.out:
			_ = c.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
			if _, err := c.conn.Write(line); err != nil {
				c.close()
				return
			}
		case <-c.drain:
			for {
				select {
				case line := <-c.out:
					_ = c.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
					if _, err := c.conn.Write(line); err != nil {
						c.close()
						return
					}
				default:
					c.close()
					return
				}
			}
		}
	}
}

// flushAndClose writes what is queued (the last reply), then closes.
func (c *client) flushAndClose() {
	select {
	case <-c.drain:
	default:
		close(c.drain)
	}
}

func (c *client) close() {
	c.once.Do(func() {
		close(c.done)
		c.conn.Close()
	})
}

// stopReading ends the client's requests but lets its replies drain:
// serve sees the end of its input and flushes what is queued.
func (c *client) stopReading() {
	if cr, ok := c.conn.(interface{ CloseRead() error }); ok && cr.CloseRead() == nil {
		return
	}
	c.close()
}
