package control

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"time"
)

// ErrorReply is a request the player refused; the message says why.
type ErrorReply struct{ Msg string }

func (e *ErrorReply) Error() string { return e.Msg }

// Call sends one command to the socket at path and returns the reply's
// data. Each argument is taken as JSON when it reads as a number, true,
// false or null, else as a string, so a shell need not quote JSON
// ("seek 10 absolute"); load's clip is always a string. The error is an
// *ErrorReply when the player answered with an error, and anything else
// when it could not be reached or did not answer within timeout.
func Call(path string, name string, argv []string, timeout time.Duration) (json.RawMessage, error) {
	conn, err := net.DialTimeout("unix", path, timeout)
	if err != nil {
		return nil, fmt.Errorf("cannot connect to %s: %v", path, unwrapOp(err))
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(timeout))
	cmd := []any{name}
	for _, a := range argv {
		cmd = append(cmd, argument(name, a))
	}
	const id = 1
	req, err := json.Marshal(map[string]any{"command": cmd, "request_id": id})
	if err != nil {
		return nil, err
	}
	if _, err := conn.Write(append(req, '\n')); err != nil {
		return nil, fmt.Errorf("cannot send to %s: %v", path, unwrapOp(err))
	}
	sc := bufio.NewScanner(conn)
	sc.Buffer(make([]byte, 4096), 4<<20)
	for sc.Scan() {
		var r struct {
			RequestID *int            `json:"request_id"`
			Error     *string         `json:"error"`
			Data      json.RawMessage `json:"data"`
			Event     string          `json:"event"`
		}
		if json.Unmarshal(sc.Bytes(), &r) != nil || r.Event != "" || r.Error == nil {
			continue // an event line, not our reply
		}
		if r.RequestID != nil && *r.RequestID != id {
			continue
		}
		if *r.Error != success {
			return nil, &ErrorReply{Msg: *r.Error}
		}
		if len(r.Data) == 0 {
			r.Data = json.RawMessage("null")
		}
		return r.Data, nil
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("no reply from %s: %v", path, unwrapOp(err))
	}
	return nil, fmt.Errorf("no reply from %s: the connection closed", path)
}

func argument(name, a string) any {
	if name == "load" {
		return a
	}
	switch t := strings.TrimSpace(a); {
	case t == "true", t == "false", t == "null":
		return json.RawMessage(t)
	case json.Valid([]byte(t)) && (t[0] == '-' || (t[0] >= '0' && t[0] <= '9')):
		return json.RawMessage(t)
	}
	return a
}
