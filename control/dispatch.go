package control

import (
	"bytes"
	"fmt"

	"clusterplay/mpvnode"
)

// call is one command as the dispatcher hands it to a handler of mpv's
// commands: its name as mpv looks it up, and its arguments, positional or
// named.
type call struct {
	s     *Server
	cl    *client
	req   request
	name  string
	args  []any       // the positional form's arguments
	named mpvnode.Map // the named form; nil for the positional one
}

// arg is the argument at i in the positional form, or key in the named.
func (c call) arg(i int, key string) (any, bool) {
	if c.named != nil {
		return c.named.Get(key)
	}
	if i < len(c.args) {
		return c.args[i], true
	}
	return nil, false
}

// tooMany reports whether the positional form has more than n arguments
// (mpv refuses them: "has only n arguments").
func (c call) tooMany(n int) bool { return c.named == nil && len(c.args) > n }

// handleLine answers one line as mpv's IPC does: nothing for an empty
// line or a comment, an input.conf command for a line that does not begin
// with '{' (answered only when it fails: mpv answers it never), else a
// JSON request. It returns the reply line, or nil.
func (s *Server) handleLine(cl *client, line []byte) []byte {
	if i := bytes.IndexByte(line, 0); i >= 0 {
		line = line[:i] // mpv reads a C string
	}
	line = bytes.TrimLeft(line, " \t\r\n")
	switch {
	case len(line) == 0 || line[0] == '#':
		return nil
	case line[0] != '{':
		if err := s.runText(cl, string(line)); err != nil {
			return failed(int64(0), err).line()
		}
		return nil
	}
	req, err := parseRequest(line)
	if err != nil {
		return failed(req.id, err).line()
	}
	r, send := s.request(cl, req)
	if !send {
		return nil
	}
	return r.line()
}

// request carries out one JSON request: clusterplay's own commands and
// mpv's IPC requests by their exact names, as mpv finds its own; every
// other command as one of mpv's (mpvCommand). send is false when the
// reply comes later (an async command of mpv's).
func (s *Server) request(cl *client, req request) (r reply, send bool) {
	if arr, isArray := req.cmd.([]any); isArray && len(arr) > 0 {
		if name, isString := arr[0].(string); isString {
			if c, found := Lookup(name); found && c.Own() {
				return s.own(cl, req, c, arr[1:]), true
			} else if found && c.special {
				if cl.mpv == nil {
					return failed(req.id, unknownCommand(name)), true
				}
				return c.mpv(call{s: s, cl: cl, req: req, name: name, args: arr[1:]}), true
			}
		}
	}
	return s.mpvCommand(cl, req)
}

// own runs one of clusterplay's commands. A seek that the table cannot
// take is offered to mpv, which takes more forms of it (absolute-percent,
// exact, a number as a string); when mpv cannot either, the table's error
// names what was wrong.
func (s *Server) own(cl *client, req request, c Command, args []any) reply {
	in, err := c.check(args)
	if err != nil {
		if c.Name == "seek" && cl.mpv != nil {
			if data, mpvErr := cl.mpv.Command(req.cmd); mpvErr == nil {
				return withData(req.id, data)
			}
		}
		return failed(req.id, err)
	}
	data, err := c.run(s, in)
	return answer(req.id, data, err)
}

// ownNamed runs one of clusterplay's commands that came in a form only
// mpv's commands take: behind a prefix (["no-osd", "seek", 5]), or with
// named arguments, which mpv's quit ("code") and seek have.
func (s *Server) ownNamed(c call, t Command) reply {
	if c.named == nil {
		return s.own(c.cl, c.req, t, c.args)
	}
	switch {
	case t.Name == "seek" && c.cl.mpv != nil:
		data, err := c.cl.mpv.Command(c.req.cmd)
		return answer(c.req.id, data, err)
	case t.Name == "quit":
		var args []any
		if code, given := c.named.Get("code"); given {
			args = []any{code}
		}
		return s.own(c.cl, c.req, t, args)
	case len(t.Args) == 0:
		return s.own(c.cl, c.req, t, nil)
	}
	return failed(c.req.id, errInvalid)
}

// mpvCommand carries out a command of mpv's input: one clusterplay
// carries out itself (the table's), one refused, or else one the
// player's libmpv runs, at once or, for an async request, later.
func (s *Server) mpvCommand(cl *client, req request) (reply, bool) {
	name, args, isNamed := commandName(req.cmd)
	if name == "" {
		return failed(req.id, errInvalid), true
	}
	c := call{s: s, cl: cl, req: req, name: mpvName(name), args: args}
	if isNamed {
		c.named = req.cmd.(mpvnode.Map)
	}
	if err := s.refusal(c.name, c.args, c.named); err != nil {
		return failed(req.id, err), true
	}
	if t, found := Lookup(c.name); found && t.Own() {
		return s.ownNamed(c, t), true // quit and seek behind mpv's prefixes, or named
	} else if found && t.mpv != nil && !t.special {
		return t.mpv(c), true
	}
	if cl.mpv == nil || !s.mpvCommands.known(cl.mpv, c.name) {
		return failed(req.id, unknownCommand(name)), true
	}
	return s.pass(c)
}

// pass hands the command to libmpv as it came.
func (s *Server) pass(c call) (reply, bool) {
	if c.req.async {
		id := c.req.id.(int64) // parseRequest saw to it
		if err := c.cl.mpv.CommandAsync(uint64(id), c.req.cmd); err != nil {
			return failed(c.req.id, err), true
		}
		return reply{}, false
	}
	data, err := c.cl.mpv.Command(c.req.cmd)
	return answer(c.req.id, data, err), true
}

// unknownCommand is the error for a command neither clusterplay nor mpv
// has, naming clusterplay's own.
func unknownCommand(name string) error {
	return fmt.Errorf("unknown command %q (%s)", name, Names())
}
