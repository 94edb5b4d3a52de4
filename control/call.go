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
// data (null when it has none). Each argument is typed as the command
// takes it (see argument), so a shell need not quote JSON ("seek 10
// absolute"). The error is an
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
	c, _ := Lookup(name)
	for i, a := range argv {
		cmd = append(cmd, c.argument(i, a))
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

// argument types a shell's word as argument i of c: a string where c
// takes a string or a word (a clip named 123 stays a string); else JSON
// when the word reads as a number, true, false or null, and a string
// otherwise, which the socket then refuses in words that name the
// argument. A command the table does not know (c is zero) is one of mpv's
// input commands, which take every argument as a string and read it as
// the argument's type, as input.conf's words are: it is sent strings
// ("set volume 50" would be refused a number).
func (c Command) argument(i int, word string) any {
	if c.Name == "" || (i < len(c.Args) && (c.Args[i].Kind == String || c.Args[i].Kind == Word)) {
		return word
	}
	switch t := strings.TrimSpace(word); {
	case t == "true", t == "false", t == "null":
		return json.RawMessage(t)
	case json.Valid([]byte(t)) && (t[0] == '-' || (t[0] >= '0' && t[0] <= '9')):
		return json.RawMessage(t)
	}
	return word
}
