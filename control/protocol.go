// Package control lets scripts steer a running clusterplay over a Unix
// socket, in mpv's JSON IPC: one JSON object a line; a request is
// {"command": ["NAME", ARGS...], "request_id": N} and its reply
// {"request_id": N, "error": "success", "data": ...} or an error that
// names what was wrong; every event of the --json stream also goes to every
// client, as its own line. People and tools that speak to
// `mpv --input-ipc-server` feel at home. The commands are described once,
// in a table (commands.go) that the socket, `clusterplay ctl` and the
// list of docs/control.md all follow.
package control

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// MaxLine is the longest request line read; a longer one is refused and
// its client disconnected, since the rest of it cannot be told from the
// next request.
const MaxLine = 64 << 10

// request is one line from a client.
type request struct {
	Command   []json.RawMessage `json:"command"`
	RequestID *json.RawMessage  `json:"request_id,omitempty"`
}

// reply is the answer to one request.
type reply struct {
	RequestID json.RawMessage `json:"request_id"`
	Error     string          `json:"error"`
	Data      any             `json:"data"`
}

// success is mpv's word for a request that went through.
const success = "success"

// parse reads a request line into the command name and its arguments.
func parse(line []byte) (id json.RawMessage, name string, args []json.RawMessage, err error) {
	id = json.RawMessage("0")
	var req request
	if err := json.Unmarshal(line, &req); err != nil {
		return id, "", nil, fmt.Errorf("malformed JSON: %v", err)
	}
	if req.RequestID != nil {
		var n float64
		if json.Unmarshal(*req.RequestID, &n) != nil {
			return id, "", nil, errors.New("request_id must be a number")
		}
		id = *req.RequestID
	}
	if len(req.Command) == 0 {
		return id, "", nil, errors.New(`no command: want {"command": ["NAME", ARGS...]}`)
	}
	if json.Unmarshal(req.Command[0], &name) != nil {
		return id, "", nil, errors.New("the command's name must be a string")
	}
	return id, name, req.Command[1:], nil
}

// values are a request's arguments once checked against its command's
// Args: a bool, float64, int or string each, as the Arg's Kind says.
type values []any

func (v values) given(i int) bool     { return i < len(v) }
func (v values) bool(i int) bool      { return v[i].(bool) }
func (v values) number(i int) float64 { return v[i].(float64) }

// int and str give def for an optional argument that was not given.
func (v values) int(i, def int) int {
	if !v.given(i) {
		return def
	}
	return v[i].(int)
}

func (v values) str(i int, def string) string {
	if !v.given(i) {
		return def
	}
	return v[i].(string)
}

// check reads raw, a request's arguments, as c takes them: how many,
// then each one's type in turn. Its errors name the command and the
// argument, counted from 1.
func (c Command) check(raw []json.RawMessage) (values, error) {
	min, max := c.minArgs(), len(c.Args)
	if len(raw) < min || len(raw) > max {
		if min == max {
			return nil, fmt.Errorf("%s takes %d argument(s), got %d", c.Name, min, len(raw))
		}
		return nil, fmt.Errorf("%s takes %d to %d arguments, got %d", c.Name, min, max, len(raw))
	}
	in := make(values, len(raw))
	for i, r := range raw {
		v, ok := c.Args[i].read(r)
		if !ok {
			return nil, fmt.Errorf("%s: argument %d must be %s, got %s", c.Name, i+1, c.Args[i].want(), r)
		}
		in[i] = v
	}
	return in, nil
}

// read takes one argument as a's Kind wants it.
func (a Arg) read(raw json.RawMessage) (any, bool) {
	switch a.Kind {
	case Bool:
		var v bool
		return v, json.Unmarshal(raw, &v) == nil
	case Number, Integer:
		var v float64
		if json.Unmarshal(raw, &v) != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, false
		}
		if a.Kind == Number {
			return v, true
		}
		return int(v), v == math.Trunc(v) && math.Abs(v) <= math.MaxInt32
	}
	var v string
	if json.Unmarshal(raw, &v) != nil {
		return nil, false
	}
	return v, a.Kind == String || slices.Contains(a.Words, v)
}

// want says what a takes, for the error that says it was not given that.
func (a Arg) want() string {
	switch a.Kind {
	case Bool:
		return "true or false"
	case Number:
		return "a number"
	case Integer:
		return "a whole number"
	case Word:
		return `"` + strings.Join(a.Words, `" or "`) + `"`
	}
	return "a string"
}
