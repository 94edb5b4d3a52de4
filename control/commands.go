package control

import (
	"fmt"
	"strings"
	"time"
)

// table describes every command of the socket, once, in the order the
// usage, `clusterplay ctl --help` and docs/control.md list them. The
// socket checks a request's arguments against Args before run sees them;
// `clusterplay ctl` types a shell's words by Args; a test holds the
// table of docs/control.md to this one. Adding a command is one entry
// here (and its Controller method, and the docs row the test asks for).
var table = []Command{
	{Name: "get_status",
		Help: "`data`: state, clip, serving host and index, position, duration, cache, load_balancing, and per host its state (`untried`, `connecting`, `serving`, `failed`, `skipped`, `cancelled`, `idle`) and `expires_at`",
		run:  func(s *Server, _ values) (any, error) { return s.status(), nil }},
	{Name: "set_load_balancing", Args: []Arg{{Kind: Bool}},
		Help: "the original's `setLoadBalancing` (the `l` key)",
		run:  func(s *Server, in values) (any, error) { s.ctl.SetLoadBalancing(in.bool(0)); return nil, nil }},
	{Name: "fail_host", Args: []Arg{{Name: "INDEX", Kind: Integer, Optional: true}},
		Help: "mark a host failed (the `x` key); the serving host when no index, which fails over; another host publishes `host_failed` and playback goes on",
		run:  (*Server).failHost},
	{Name: "next_host",
		Help: "the `n` key: another host, the current one not blamed",
		run:  func(s *Server, _ values) (any, error) { s.ctl.FailoverNow(false); return nil, nil }},
	{Name: "resolve",
		Help: "the `r` key: resolve again from scratch, the failure memory forgotten, and resume where it was",
		run:  func(s *Server, _ values) (any, error) { s.ctl.Reresolve(); return nil, nil }},
	{Name: "load", Args: []Arg{{Name: "CLIP", Kind: String}},
		Help: "the `c` key: play another clip; an unusable clip is an error",
		run:  func(s *Server, in values) (any, error) { return nil, s.ctl.Load(in.str(0, "")) }},
	{Name: "set_pause", Args: []Arg{{Kind: Bool}},
		Help: "pause (true) or play on (false)",
		run:  func(s *Server, in values) (any, error) { return nil, s.ctl.SetPause(in.bool(0)) }},
	{Name: "seek", Args: []Arg{{Name: "SECONDS", Kind: Number}, {Kind: Word, Optional: true, Words: []string{"relative", "absolute"}}},
		Help: `relative by default, as mpv's; before the first frame and after the end the error is "nothing plays"`,
		run:  (*Server).seek},
	{Name: "quit", Args: []Arg{{Name: "CODE", Kind: Integer, Optional: true}},
		Help: "end the playback (one `end` event); clusterplay exits with CODE (0 to 255, default 0)",
		run:  (*Server).quit},
}

// Command is one command of the socket.
type Command struct {
	Name string
	Args []Arg
	// Help is one line, in markdown: docs/control.md shows it as it is, and
	// `clusterplay ctl --help` without the backquotes.
	Help string
	run  func(s *Server, in values) (any, error)
}

// Arg is one argument a command takes.
type Arg struct {
	Name     string // as the usage shows it (CLIP); a Bool or Word shows its words
	Kind     Kind
	Optional bool     // only the last ones may be
	Words    []string // a Word: what it may be
}

// Kind is the JSON type an argument must have.
type Kind int

const (
	Bool    Kind = iota // true or false
	Number              // any finite number
	Integer             // a whole number
	String              // any string
	Word                // one of the Arg's Words
)

// Commands returns the table, in its order.
func Commands() []Command { return append([]Command(nil), table...) }

// Lookup finds a command by name.
func Lookup(name string) (Command, bool) {
	for _, c := range table {
		if c.Name == name {
			return c, true
		}
	}
	return Command{}, false
}

// Names lists the commands, comma-separated, for messages.
func Names() string {
	names := make([]string, len(table))
	for i, c := range table {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// Usage is the command with its arguments, as a shell types them:
// "seek SECONDS [relative|absolute]".
func (c Command) Usage() string {
	if a := c.ArgsUsage(); a != "" {
		return c.Name + " " + a
	}
	return c.Name
}

// ArgsUsage is the arguments part of Usage.
func (c Command) ArgsUsage() string {
	parts := make([]string, len(c.Args))
	for i, a := range c.Args {
		parts[i] = a.usage()
		if a.Optional {
			parts[i] = "[" + parts[i] + "]"
		}
	}
	return strings.Join(parts, " ")
}

func (a Arg) usage() string {
	switch a.Kind {
	case Bool:
		return "true|false"
	case Word:
		return strings.Join(a.Words, "|")
	}
	return a.Name
}

// minArgs is how many arguments the command must be given.
func (c Command) minArgs() int {
	n := 0
	for _, a := range c.Args {
		if !a.Optional {
			n++
		}
	}
	return n
}

// The handlers whose checks go beyond the arguments' types.

func (s *Server) failHost(in values) (any, error) {
	index := -1
	if in.given(0) {
		i := in.int(0, 0)
		if i < 0 || i >= len(s.opts.Hosts) {
			return nil, fmt.Errorf("fail_host: no host %d (the cluster has %d, from 0)", i, len(s.opts.Hosts))
		}
		index = i
	}
	s.ctl.FailHost(index)
	return nil, nil
}

func (s *Server) seek(in values) (any, error) {
	secs := in.number(0)
	d := time.Duration(secs * float64(time.Second))
	if in.str(1, "relative") == "relative" {
		return nil, s.ctl.Seek(d)
	}
	if secs < 0 {
		return nil, fmt.Errorf("seek: an absolute position must not be negative, got %v", secs)
	}
	return nil, s.ctl.SeekTo(d)
}

func (s *Server) quit(in values) (any, error) {
	code := in.int(0, 0)
	if code < 0 || code > 255 {
		return nil, fmt.Errorf("quit: exit code %d is not within 0 to 255", code)
	}
	s.ctl.QuitWithCode(code)
	return nil, nil
}
