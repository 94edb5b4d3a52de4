package localhost

import (
	"errors"
	"net"
	"time"
)

// ErrUnsupported means this platform cannot make a socket that hangs
// (HangSocket); Hang then falls back to Silent.
var ErrUnsupported = errors.New("localhost: no backlog-0 listener on this platform")

const (
	// maxFillers bounds the connections Hang parks in the accept queue;
	// Linux needs one for backlog 0 (it queues backlog+1).
	maxFillers = 8
	// fillerDial is generous: an empty queue answers a loopback dial in
	// microseconds, so only a kernel that already drops SYNs reaches it.
	fillerDial = time.Second
)

// Hang returns a host that neither accepts nor refuses: dials to it time
// out, like a firewalled or overloaded origin, which is the slowest failure
// the engine's connect timeout must cut short. Where HangSocket cannot
// make one, it returns a Silent host instead: it connects, then never
// answers.
func Hang() (*Host, error) {
	addr, teardown, err := HangSocket()
	if errors.Is(err, ErrUnsupported) {
		return Silent()
	}
	if err != nil {
		return nil, err
	}
	return &Host{URL: "http://" + addr + BasePath, Addr: addr, stop: teardown}, nil
}

// HangSocket makes the socket of a Hang host and returns its address and
// the teardown that closes it (later dials are then refused).
//
// How: a socket listens with backlog 0 and is never accepted from, and
// HangSocket fills its accept queue with its own connections. Linux then
// drops further SYNs (with or without SYN cookies, a full accept queue
// drops them), so the client retransmits SYNs until its own timeout.
// Checked on Linux 6.x: net.DialTimeout(addr, 300ms) times out after one
// filler. Fullness is read from TCP_INFO on the listener (tcpi_unacked =
// queued, tcpi_sacked = backlog), not guessed from dial timings, so a busy
// machine cannot fool it. Where this is unavailable (non-Linux, linux/386)
// or the queue never fills, the error is ErrUnsupported.
func HangSocket() (addr string, teardown func() error, err error) {
	fd, addr, err := listenNoAccept()
	if err != nil {
		return "", nil, err
	}
	fillers, err := fillAcceptQueue(fd, addr)
	if err != nil {
		for _, c := range fillers {
			c.Close()
		}
		closeFD(fd)
		return "", nil, err
	}
	return addr, func() error {
		for _, c := range fillers {
			ResetTCP(c)
		}
		return closeFD(fd) // later dials are refused
	}, nil
}

// fillAcceptQueue dials the listener until the kernel reports its accept
// queue full, and returns the connections that must stay open to keep it so.
func fillAcceptQueue(fd int, addr string) ([]net.Conn, error) {
	var fillers []net.Conn
	for len(fillers) < maxFillers {
		c, err := net.DialTimeout("tcp4", addr, fillerDial)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				// The kernel drops SYNs already (e.g. SYN cookies off and
				// backlog 0): dials hang, which is the goal.
				return fillers, nil
			}
			return fillers, err
		}
		fillers = append(fillers, c)
		// The server queues the connection when it processes the client's
		// final ACK, which may trail the dial's return a little.
		for deadline := time.Now().Add(200 * time.Millisecond); ; time.Sleep(time.Millisecond) {
			full, err := acceptQueueFull(fd)
			if err != nil {
				return fillers, err
			}
			if full {
				return fillers, nil
			}
			if time.Now().After(deadline) {
				break
			}
		}
	}
	return fillers, ErrUnsupported
}
