// Package control lets scripts steer a running clusterplay over a Unix
// socket that speaks mpv's JSON IPC: one JSON object a line; a request is
// {"command": ["NAME", ARGS...], "request_id": ID} and its reply
// {"data": ..., "request_id": ID, "error": "success"} or an error, in the
// shape and words mpv 0.35's --input-ipc-server uses. clusterplay's own
// commands are described once, in a table (commands.go) that the socket,
// `clusterplay ctl` and the list of docs/control.md all follow; every
// other command of mpv's goes to the player's libmpv (mpv.go), through a
// client of its own per connection, except those that would go around
// the cluster, which are clusterplay's (mapped.go), and those that run
// programs or read code, which are refused unless allowed (guard.go).
// Every event of the --json stream, and mpv's own events, go to every
// client as lines.
package control

import (
	"errors"

	"clusterplay/mpvnode"
)

// MaxLine is the longest request line read; a longer one is refused and
// its client disconnected, since the rest of it cannot be told from the
// next request.
const MaxLine = 64 << 10

// success is mpv's word for a request that went through.
const success = "success"

// errInvalid is mpv's answer to a request it cannot read or a command
// it cannot take: malformed JSON, a missing or mistyped command, an
// argument of the wrong type.
var errInvalid = errors.New("invalid parameter")

// request is one JSON line as mpv's IPC reads it.
type request struct {
	id    any  // request_id as given: any JSON value, echoed as it came
	async bool // mpv's "async": the reply may come later
	cmd   any  // "command": an array (NAME, ARGS...) or a map (named arguments)
}

// parseRequest reads a line that begins with '{' in the order mpv's
// ipc.c does, so that a bad request is answered with the request_id mpv
// would echo: none (0) until "async" has been checked, the given one
// after.
func parseRequest(line []byte) (request, error) {
	req := request{id: int64(0)}
	v, err := mpvnode.Parse(line)
	if err != nil {
		return req, errInvalid
	}
	msg, ok := v.(mpvnode.Map)
	if !ok {
		return req, errInvalid
	}
	if a, ok := msg.Get("async"); ok {
		b, isBool := a.(bool)
		if !isBool {
			return req, errInvalid
		}
		req.async = b
	}
	if id, ok := msg.Get("request_id"); ok {
		req.id = id
		if _, isInt := id.(int64); !isInt && req.async {
			return req, errInvalid // an async reply is matched by an integer
		}
	}
	cmd, ok := msg.Get("command")
	if !ok {
		return req, errInvalid
	}
	req.cmd = cmd
	return req, nil
}

// reply is the answer to one request, written as mpv writes it: "data"
// first when there is some, then "request_id" and "error". mpv leaves
// "data" out of an error, and out of the replies of the requests that
// only set something (set_property, observe_property, ...).
type reply struct {
	id      any
	err     string
	data    any
	hasData bool
}

func withData(id, data any) reply { return reply{id: id, err: success, data: data, hasData: true} }
func noData(id any) reply         { return reply{id: id, err: success} }
func failed(id any, err error) reply {
	return reply{id: id, err: err.Error()}
}

// answer is ok(data) or failed(err), as mpv answers a command.
func answer(id, data any, err error) reply {
	if err != nil {
		return failed(id, err)
	}
	return withData(id, data)
}

// line is the reply as one line.
func (r reply) line() []byte {
	m := make(mpvnode.Map, 0, 3)
	if r.hasData {
		m = append(m, mpvnode.Entry{Key: "data", Value: r.data})
	}
	m = append(m, mpvnode.Entry{Key: "request_id", Value: r.id}, mpvnode.Entry{Key: "error", Value: r.err})
	return append(mpvnode.Append(nil, m), '\n')
}

// commandName is the command's name as mpv finds it: an array's first
// string after mpv's prefixes (no-osd, async, ...), or a map's "name";
// named says which. "" when there is none.
func commandName(cmd any) (name string, args []any, named bool) {
	switch c := cmd.(type) {
	case []any:
		i := 0
		for i < len(c) {
			s, isString := c[i].(string)
			if !isString || !isPrefix(s) {
				break
			}
			i++
		}
		if i < len(c) {
			if s, isString := c[i].(string); isString {
				return s, c[i+1:], false
			}
		}
	case mpvnode.Map:
		if s, isString := c.String("name"); isString {
			return s, nil, true
		}
	}
	return "", nil, false
}

// prefixes are mpv's command prefixes (input/cmd.c's flags).
var prefixes = map[string]bool{"no-osd": true, "osd-bar": true, "osd-msg": true, "osd-msg-bar": true,
	"osd-auto": true, "expand-properties": true, "raw": true, "repeatable": true, "async": true, "sync": true}

func isPrefix(word string) bool { return prefixes[word] }

// mpvName is a command name as mpv looks it up: "_" is "-".
func mpvName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if c == '_' {
			b[i] = '-'
		}
	}
	return string(b)
}
