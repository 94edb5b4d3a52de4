// Package control lets scripts steer a running clusterplay over a Unix
// socket, in mpv's JSON IPC: one JSON object a line; a request is
// {"command": ["NAME", ARGS...], "request_id": N} and its reply
// {"request_id": N, "error": "success", "data": ...} or an error that
// names what was wrong; every event of the --json stream also goes to every
// client, as its own line. People and tools that speak to
// `mpv --input-ipc-server` feel at home.
package control

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
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

// args checks a command's arguments against what it takes.
type args struct {
	name string
	raw  []json.RawMessage
}

func (a args) count(min, max int) error {
	if len(a.raw) < min || len(a.raw) > max {
		if min == max {
			return fmt.Errorf("%s takes %d argument(s), got %d", a.name, min, len(a.raw))
		}
		return fmt.Errorf("%s takes %d to %d arguments, got %d", a.name, min, max, len(a.raw))
	}
	return nil
}

func (a args) bool(i int) (bool, error) {
	var v bool
	if json.Unmarshal(a.raw[i], &v) != nil {
		return false, fmt.Errorf("%s: argument %d must be true or false, got %s", a.name, i+1, a.raw[i])
	}
	return v, nil
}

func (a args) number(i int) (float64, error) {
	var v float64
	if json.Unmarshal(a.raw[i], &v) != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s: argument %d must be a number, got %s", a.name, i+1, a.raw[i])
	}
	return v, nil
}

func (a args) integer(i int) (int, error) {
	v, err := a.number(i)
	if err != nil || v != math.Trunc(v) || math.Abs(v) > math.MaxInt32 {
		return 0, fmt.Errorf("%s: argument %d must be a whole number, got %s", a.name, i+1, a.raw[i])
	}
	return int(v), nil
}

func (a args) str(i int) (string, error) {
	var v string
	if json.Unmarshal(a.raw[i], &v) != nil {
		return "", fmt.Errorf("%s: argument %d must be a string, got %s", a.name, i+1, a.raw[i])
	}
	return v, nil
}
