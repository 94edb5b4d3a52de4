package control

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// table describes every command of the socket, once, in the order the
// usage, `clusterplay ctl --help` and docs/control.md list them. The
// socket checks a request's arguments against Args before run sees them;
// `clusterplay ctl` types a shell's words by Args; a test holds the
// table of docs/control.md to this one. Adding a command is one entry
// here (and its Controller method, and the docs row the test asks for).
// It is filled by init: its handlers look commands up in it.
var table []Command

func init() { table = append(ownCommands(), mpvsCommands()...) }

// ownCommands are clusterplay's own.
func ownCommands() []Command {
	return []Command{
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
			Help: "the `c` key: play another clip (what plays goes on until a host of it answers, and plays on if none does); an unusable clip is an error",
			run:  func(s *Server, in values) (any, error) { return nil, s.ctl.Load(in.str(0, "")) }},
		{Name: "set_pause", Args: []Arg{{Kind: Bool}},
			Help: "pause (true) or play on (false)",
			run:  func(s *Server, in values) (any, error) { return nil, s.ctl.SetPause(in.bool(0)) }},
		{Name: "seek", Args: []Arg{{Name: "SECONDS", Kind: Number}, {Kind: Word, Optional: true, Words: []string{"relative", "absolute"}}},
			Help: `relative by default, as mpv's; before the first frame and after the end the error is "nothing plays"; mpv's other forms (` + "`absolute-percent`, `exact`, a prefix" + `) go to mpv`,
			run:  (*Server).seek},
		{Name: "inject", Args: []Arg{{Name: "RULE", Kind: String}},
			Help: "add a fault rule as a plan writes one, on one line in YAML's flow form or JSON (`{host: 0, kind: segment, action: status 503}`); `data`: its `rule` name, which its `fault` events carry",
			run:  (*Server).inject},
		{Name: "clear_faults",
			Help: "remove every fault rule, the `--faults` plan's and those injected (the TUI's key too)",
			run:  func(s *Server, _ values) (any, error) { s.ctl.ClearFaults(); return nil, nil }},
		{Name: "get_pathways",
			Help: "`data`: the stream's own alternatives (HLS pathways, DASH BaseURLs), each with `pathway`, `host`, `index`, `priority`, `in_use`, `penalty_until` and `bytes`; `in_use`; `next_reload` (when steering is asked next)",
			run:  func(s *Server, _ values) (any, error) { return s.ctl.GetPathways(), nil }},
		{Name: "set_pathway", Args: []Arg{{Name: "NAME", Kind: String}},
			Help: "move the stream's requests to the pathway NAME (a `pathway` event, reason `user`) until it fails or steering changes its order; an unknown name is an error",
			run:  func(s *Server, in values) (any, error) { return nil, s.ctl.SetPathway(in.str(0, "")) }},
		{Name: "cycle_quality",
			Help: "the `b` key: the next of the variants and `auto` for an HLS or DASH stream played with `--quality auto`; `data`: the `quality` now in force",
			run: func(s *Server, _ values) (any, error) {
				q, err := s.ctl.CycleQuality()
				if err != nil {
					return nil, err
				}
				return map[string]string{"quality": q}, nil
			}},
		{Name: "quit", Args: []Arg{{Name: "CODE", Kind: Integer, Optional: true}},
			Help: "end the playback (one `end` event); clusterplay exits with CODE (0 to 255, default 0)",
			run:  (*Server).quit},
	}
}

// mpvsCommands are mpv's that the table knows: the requests of mpv's IPC
// protocol, answered by the player's libmpv as mpv answers them
// (mpvipc.go), and mpv's input commands that clusterplay carries out
// itself. Every other command of mpv's goes to libmpv as it came.
func mpvsCommands() []Command {
	return []Command{
		{Name: "get_property", Args: []Arg{{Name: "NAME", Kind: String}}, special: true, mpv: getProperty,
			Help: "mpv's: the property's value as `data` (`time-pos`, `pause`, `duration`, `media-title`, ...); `property unavailable` before the first frame and between clips, as mpv idle"},
		{Name: "get_property_string", Args: []Arg{{Name: "NAME", Kind: String}}, special: true, mpv: getPropertyString,
			Help: "mpv's: the value as a string; `data` null when there is none"},
		{Name: "set_property", Args: []Arg{{Name: "NAME", Kind: String}, {Name: "VALUE", Kind: Any}}, special: true, mpv: setProperty,
			Help: "mpv's: set a property (`pause` true)"},
		{Name: "set_property_string", Args: []Arg{{Name: "NAME", Kind: String}, {Name: "VALUE", Kind: Any}}, special: true, mpv: setProperty,
			Help: "mpv's: the same as `set_property`"},
		{Name: "observe_property", Args: []Arg{{Name: "ID", Kind: Integer}, {Name: "NAME", Kind: String}}, special: true, mpv: observe(false),
			Help: "mpv's: `property-change` event lines with this ID for this client, whenever the value changes"},
		{Name: "observe_property_string", Args: []Arg{{Name: "ID", Kind: Integer}, {Name: "NAME", Kind: String}}, special: true, mpv: observe(true),
			Help: "mpv's: the same, the value as a string"},
		{Name: "unobserve_property", Args: []Arg{{Name: "ID", Kind: Integer}}, special: true, mpv: unobserve,
			Help: "mpv's: stop what `observe_property` with ID started"},
		{Name: "request_log_messages", Args: []Arg{{Name: "LEVEL", Kind: String}}, special: true, mpv: requestLogMessages,
			Help: "mpv's: mpv's log lines at LEVEL and above as `log-message` events to this client (`no` stops them)"},
		{Name: "enable_event", Args: []Arg{{Name: "EVENT", Kind: String}}, special: true, mpv: requestEvent(true),
			Help: "mpv's: send mpv's event EVENT (or `all`) to this client"},
		{Name: "disable_event", Args: []Arg{{Name: "EVENT", Kind: String}}, special: true, mpv: requestEvent(false),
			Help: "mpv's: stop sending it; clusterplay's events are not mpv's and still come"},
		{Name: "client_name", special: true, mpv: clientName,
			Help: "mpv's: this client's name in the player (`ipc_0`, ...)"},
		{Name: "get_time_us", special: true, mpv: timeUS,
			Help: "mpv's: the player's clock, in microseconds"},
		{Name: "get_version", special: true, mpv: version,
			Help: "mpv's: the client API version of the player's libmpv"},
		// mpv's commands that would go around the cluster, or past its
		// playlist, are clusterplay's instead (mapped.go).
		{Name: "loadfile", Args: []Arg{{Name: "URL", Kind: String}, {Name: "FLAGS", Kind: String, Optional: true}}, mpv: loadfile,
			Help: "mpv's, as `load`: the URL's path and query are played from the cluster's hosts (the URL's own host is never asked); only `replace`"},
		{Name: "loadlist", Args: []Arg{{Name: "URL", Kind: String}, {Name: "FLAGS", Kind: String, Optional: true}}, mpv: loadfile,
			Help: "mpv's, as `loadfile`"},
		{Name: "stop", Args: []Arg{{Name: "FLAGS", Kind: String, Optional: true}}, mpv: stop,
			Help: "mpv's, as `quit 0`: the playback ends (one `end` event) and clusterplay exits 0"},
		{Name: "quit-watch-later", Args: []Arg{{Name: "CODE", Kind: Integer, Optional: true}}, mpv: stop,
			Help: "mpv's, as `quit`"},
		{Name: "playlist-next", Args: []Arg{{Name: "FLAGS", Kind: String, Optional: true}}, mpv: playlistMove(true),
			Help: "mpv's: the next clip of clusterplay's playlist (the `>` key)"},
		{Name: "playlist-prev", Args: []Arg{{Name: "FLAGS", Kind: String, Optional: true}}, mpv: playlistMove(false),
			Help: "mpv's: the clip before (the `<` key)"},
		{Name: "keypress", Args: []Arg{{Name: "KEY", Kind: String}}, mpv: keyCommand,
			Help: "mpv's: press a key of mpv's bindings (`space` pauses); a key bound to one of the commands above does what the row says, one bound to a refused command is refused"},
		{Name: "keydown", Args: []Arg{{Name: "KEY", Kind: String}}, mpv: keyCommand,
			Help: "mpv's, as `keypress`, held until `keyup`"},
		{Name: "mouse", Args: []Arg{{Name: "X", Kind: Integer}, {Name: "Y", Kind: Integer}, {Name: "BUTTON", Kind: Integer, Optional: true}, {Kind: Word, Words: []string{"single", "double"}, Optional: true}}, mpv: keyCommand,
			Help: "mpv's: move the mouse, and with BUTTON (0 left, 1 middle, 2 right, ...) click it, as `keypress` does"},
	}
}

// Command is one command of the socket.
type Command struct {
	Name string
	Args []Arg
	// Help is one line, in markdown: docs/control.md shows it as it is, and
	// `clusterplay ctl --help` without the backquotes.
	Help string
	// run carries out one of clusterplay's own commands; its arguments
	// are checked against Args first.
	run func(s *Server, in values) (any, error)
	// mpv answers one of mpv's, in mpv's words: a request of mpv's IPC
	// protocol (special: found by its exact name, as mpv finds it), or
	// one of mpv's input commands that clusterplay carries out itself.
	// Its Args are for the usage and `clusterplay ctl` alone.
	mpv     func(c call) reply
	special bool
}

// Own is whether c is one of clusterplay's own commands, rather than one
// of mpv's.
func (c Command) Own() bool { return c.run != nil }

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
	Any                 // any JSON value (mpv's property values)
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

// Names lists clusterplay's own commands, comma-separated, for messages.
func Names() string {
	var names []string
	for _, c := range table {
		if c.Own() {
			names = append(names, c.Name)
		}
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

// maxSeek bounds a seek, in seconds (about 31 years): past it a position
// means nothing, and 1e300 seconds overflowed time.Duration into a seek
// to 0.
const maxSeek = 1e9

func (s *Server) seek(in values) (any, error) {
	secs := in.number(0)
	if math.Abs(secs) > maxSeek {
		return nil, fmt.Errorf("seek: argument 1 must be within ±%.0f seconds, got %g", float64(maxSeek), secs)
	}
	d := time.Duration(secs * float64(time.Second))
	if in.str(1, "relative") == "relative" {
		return nil, s.ctl.Seek(d)
	}
	if secs < 0 {
		return nil, fmt.Errorf("seek: an absolute position must not be negative, got %v", secs)
	}
	return nil, s.ctl.SeekTo(d)
}

func (s *Server) inject(in values) (any, error) {
	name, err := s.ctl.InjectFault(in.str(0, ""))
	if err != nil {
		return nil, fmt.Errorf("inject: %v", err)
	}
	return map[string]string{"rule": name}, nil
}

func (s *Server) quit(in values) (any, error) {
	code := in.int(0, 0)
	if code < 0 || code > 255 {
		return nil, fmt.Errorf("quit: exit code %d is not within 0 to 255", code)
	}
	s.ctl.QuitWithCode(code)
	return nil, nil
}
