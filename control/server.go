package control

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"clusterplay/events"
	"clusterplay/report"
)

// Controller carries out what scripts ask. Its methods return quickly:
// what they lead to comes back as events. The names are the TUI's where a
// key does the same, so that one adapter serves both and logs what the
// user asked for the same way from either.
type Controller interface {
	SetLoadBalancing(on bool)
	FailHost(index int)     // -1: the serving host, as the x key
	FailoverNow(blame bool) // next_host: false, as the n key
	Reresolve()             // the r key
	Load(clip string) error // the c key, the clip checked first
	SetPause(on bool) error
	Seek(delta time.Duration) error
	SeekTo(pos time.Duration) error
	QuitWithCode(code int) // end the playback; the program exits with code
	NextClip()             // the > key: mpv's playlist-next
	PrevClip()             // the < key: mpv's playlist-prev
	// InjectFault adds a fault rule (one line of YAML or JSON) and returns
	// its name; ClearFaults removes every rule.
	InjectFault(rule string) (string, error)
	ClearFaults()
	// GetPathways is the stream's own alternatives (get_pathways);
	// SetPathway moves its requests to one (set_pathway NAME).
	GetPathways() any
	SetPathway(name string) error
	// CycleQuality moves to the next of auto and the variants (the b
	// key) and says which is in force.
	CycleQuality() (string, error)
}

// Options say where to listen and what is known before the first event.
type Options struct {
	Path          string
	Hosts         []string // host base URLs in list order
	Clip          string
	LoadBalancing bool
	MaxClients    int // 0: DefaultMaxClients
	// MPV is the player's libmpv, which answers mpv's commands; nil: the
	// socket has clusterplay's commands alone.
	MPV MPV
	// AllowRun lets clients run programs and load code through mpv (its
	// run, subprocess, load-script, ...): --control-socket-allow-run.
	AllowRun bool
}

// DefaultMaxClients is how many clients may be connected at once; more are
// told so and disconnected.
const DefaultMaxClients = 64

// Limits of one client: lines waiting to be written (past it, events are
// dropped for that client, and a reply closes it), and how long one write
// may block before the client is taken for gone.
const (
	clientQueue  = 256
	writeTimeout = 5 * time.Second
	// closeGrace is how long Close waits for the last replies to go out.
	closeGrace = 2 * time.Second
)

// Server is a listening control socket.
type Server struct {
	opts    Options
	ctl     Controller
	ln      net.Listener
	mu      sync.Mutex
	clients map[*client]struct{}
	fold    *fold
	closed  bool
	wg      sync.WaitGroup
	// attached numbers the clients of libmpv (ipc-0, ipc-1, ...), as
	// mpv's own IPC names its connections.
	attached    int
	mpvCommands mpvCommands
}

// Listen opens the socket at opts.Path (mode 0600) and starts serving. It
// refuses a path that exists and is not a socket, or a socket another
// program answers on; a stale socket is replaced. It subscribes to bus at
// once, so nothing published after Listen returns is missed.
func Listen(opts Options, bus *events.Bus, ctl Controller) (*Server, error) {
	if opts.MaxClients <= 0 {
		opts.MaxClients = DefaultMaxClients
	}
	ln, err := listen(opts.Path)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, ctl: ctl, ln: ln, clients: map[*client]struct{}{},
		fold: newFold(opts.Hosts, opts.Clip, opts.LoadBalancing)}
	go s.follow(bus.SubscribeAll())
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// listen makes the socket in a private directory beside path and renames
// it into place, so it is never reachable with a looser mode than 0600.
func listen(path string) (net.Listener, error) {
	if st, err := os.Lstat(path); err == nil {
		if st.Mode()&os.ModeSocket == 0 {
			return nil, fmt.Errorf("control socket %s: exists and is not a socket; not replaced", path)
		}
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("control socket %s: another program is listening on it", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("control socket %s: %v", path, err)
		}
	}
	if tmp, err := os.MkdirTemp(filepath.Dir(path), ".clusterplay-ctl-"); err == nil {
		defer os.RemoveAll(tmp)
		inner := filepath.Join(tmp, "s")
		if ln, err := net.Listen("unix", inner); err == nil {
			ln.(*net.UnixListener).SetUnlinkOnClose(false)
			if os.Chmod(inner, 0o600) == nil && os.Rename(inner, path) == nil {
				return ln, nil
			}
			ln.Close()
		}
	}
	// A path too long to nest, or a system that cannot rename a socket:
	// listen in place and narrow the mode at once.
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %v", path, unwrapOp(err))
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		os.Remove(path)
		return nil, fmt.Errorf("control socket %s: %v", path, err)
	}
	return ln, nil
}

func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Err
	}
	return err
}

// Close stops listening, disconnects every client and removes the socket.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	clients := make([]*client, 0, len(s.clients))
	for c := range s.clients {
		clients = append(clients, c)
	}
	s.mu.Unlock()
	err := s.ln.Close()
	// A request being answered (stop, quit) is often what ended the run:
	// its reply still goes out. Reading stops, each client's last replies
	// are flushed, and only a client that will not take them within
	// closeGrace is cut.
	for _, c := range clients {
		c.stopReading()
	}
	served := make(chan struct{})
	go func() { s.wg.Wait(); close(served) }()
	select {
	case <-served:
	case <-time.After(closeGrace):
		for _, c := range clients {
			c.close()
		}
		<-served
	}
	if rerr := os.Remove(s.opts.Path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) && err == nil {
		err = rerr
	}
	return err
}

// follow folds every event into the status and sends the public ones, as
// --json prints them, to every client.
func (s *Server) follow(ch <-chan events.Event) {
	var buf bytes.Buffer
	for ev := range ch {
		s.mu.Lock()
		s.fold.apply(ev)
		clients := make([]*client, 0, len(s.clients))
		for c := range s.clients {
			clients = append(clients, c)
		}
		s.mu.Unlock()
		if ev.Kind.Internal() || len(clients) == 0 {
			continue
		}
		buf.Reset()
		if report.JSON(&buf, ev) != nil {
			continue
		}
		line := bytes.Clone(buf.Bytes())
		for _, c := range clients {
			c.send(line, false)
		}
	}
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return // closed
		}
		c := newClient(conn)
		s.mu.Lock()
		full, closed := len(s.clients) >= s.opts.MaxClients, s.closed
		if !full && !closed {
			s.clients[c] = struct{}{}
		}
		s.mu.Unlock()
		if full || closed {
			_ = conn.SetWriteDeadline(time.Now().Add(time.Second))
			fmt.Fprintf(conn, "{\"error\":\"too many clients (%d)\"}\n", s.opts.MaxClients)
			conn.Close()
			continue
		}
		s.attach(c)
		s.wg.Add(2)
		go func() { defer s.wg.Done(); c.write() }()
		go func() {
			defer s.wg.Done()
			s.serve(c)
			s.mu.Lock()
			delete(s.clients, c)
			s.mu.Unlock()
			if c.mpv != nil {
				c.mpv.Close() // what it observed goes with it, as in mpv
			}
			c.flushAndClose() // the last reply still goes out
		}()
	}
}

// serve reads a client's requests until it goes or misbehaves.
func (s *Server) serve(c *client) {
	sc := bufio.NewScanner(c.conn)
	sc.Buffer(make([]byte, 4096), MaxLine)
	for sc.Scan() {
		out := s.handleLine(c, sc.Bytes())
		if out != nil && !c.send(out, true) {
			return
		}
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		r := failed(int64(0), fmt.Errorf("line longer than %d KiB: disconnected", MaxLine>>10))
		c.send(r.line(), true)
	}
}

// status is get_status's answer now.
func (s *Server) status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fold.status(time.Now())
}
