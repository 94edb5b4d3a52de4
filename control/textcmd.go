package control

import (
	"encoding/json"
	"errors"
	"strings"

	"clusterplay/mpvnode"
)

// mpv's input.conf commands, as text: a line of the socket that is not
// JSON, and the command a key is bound to. The socket reads them only to
// find the commands it carries out itself or refuses; mpv runs the rest
// from the text as it came.

// segment is one command of a line: its text as written (mpv reads it
// again) and its words, quotes undone.
type segment struct {
	text  string
	words []string
}

// command is the segment's words after mpv's prefixes (no-osd, ...).
func (s segment) command() []string {
	w := s.words
	for len(w) > 0 && isPrefix(w[0]) {
		w = w[1:]
	}
	return w
}

var errUnterminated = errors.New("unterminated quote")

// splitCommands splits an input.conf command line into its commands: ';'
// separates them and '#' ends the line, outside quotes. Words are quoted
// with "..." (escapes as in JSON), '...' (as it is) or `X...X`.
func splitCommands(line string) ([]segment, error) {
	var segs []segment
	cur := segment{}
	start, i := 0, 0
	flush := func(end int) {
		cur.text = strings.TrimSpace(line[start:end])
		if cur.text != "" {
			segs = append(segs, cur)
		}
		cur = segment{}
	}
	for i < len(line) {
		c := line[i]
		switch {
		case strings.IndexByte(" \t\r\n\f\v", c) >= 0:
			i++
		case c == ';':
			flush(i)
			i++
			start = i
		case c == '#':
			flush(i)
			return segs, nil
		default:
			word, n, err := readWord(line[i:])
			if err != nil {
				return nil, err
			}
			cur.words = append(cur.words, word)
			i += n
		}
	}
	flush(len(line))
	return segs, nil
}

// readWord reads one word at the start of s: its value and its length.
func readWord(s string) (string, int, error) {
	switch s[0] {
	case '"':
		return mpvnode.Quoted(s)
	case '\'':
		end := strings.IndexByte(s[1:], '\'')
		if end < 0 {
			return "", 0, errUnterminated
		}
		return s[1 : 1+end], end + 2, nil
	case '`':
		if len(s) < 2 {
			return "", 0, errUnterminated
		}
		closing := string([]byte{s[1], '`'})
		end := strings.Index(s[2:], closing)
		if end < 0 {
			return "", 0, errUnterminated
		}
		return s[2 : 2+end], end + 4, nil
	}
	end := strings.IndexAny(s, " \t\r\n\f\v#;")
	if end < 0 {
		end = len(s)
	}
	return s[:end], end, nil
}

// runText runs an input.conf line from a client, command by command: a
// command of clusterplay's own or one it carries out for mpv as JSON
// would be, a refused one not at all, and the rest by the player's
// libmpv from its text. The error is the first command's that failed.
func (s *Server) runText(cl *client, line string) error {
	segs, err := splitCommands(line)
	if err != nil {
		return errInvalid
	}
	for _, seg := range segs {
		if err := s.runSegment(cl, seg); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) runSegment(cl *client, seg segment) error {
	words := seg.command()
	if len(words) == 0 {
		return errInvalid
	}
	if c, found := Lookup(words[0]); found && c.Own() {
		args := make([]any, len(words)-1)
		for i, w := range words[1:] {
			args[i] = typedWord(c, i, w)
		}
		r := s.own(cl, request{id: int64(0), cmd: append([]any{words[0]}, args...)}, c, args)
		return r.error()
	}
	args := make([]any, len(words)-1)
	for i, w := range words[1:] {
		args[i] = w
	}
	name := mpvName(words[0])
	if err := s.refusal(name, args, nil); err != nil {
		return err
	}
	if t, found := Lookup(name); found && t.mpv != nil && !t.special {
		cmd := append([]any{name}, args...)
		return t.mpv(call{s: s, cl: cl, req: request{id: int64(0), cmd: cmd}, name: name, args: args}).error()
	}
	if cl.mpv == nil {
		return unknownCommand(words[0])
	}
	return cl.mpv.CommandString(seg.text)
}

// typedWord is a shell's word as argument i of one of clusterplay's own
// commands, as `clusterplay ctl` types it.
func typedWord(c Command, i int, word string) any {
	switch v := c.argument(i, word).(type) {
	case string:
		return v
	case json.RawMessage:
		if n, err := mpvnode.Parse(v); err == nil {
			return n
		}
	}
	return word
}

// error is the reply's error, nil on success.
func (r reply) error() error {
	if r.err == success || r.err == "" {
		return nil
	}
	return errors.New(r.err)
}
