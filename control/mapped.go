package control

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"clusterplay/mpvnode"
)

// mpv's commands that clusterplay carries out itself: played by mpv, they
// would go around the cluster (loadfile of a URL asks that URL's host),
// past clusterplay's playlist, or end the player under the session.

// loadfile is clusterplay's load: the URL's path and query are resolved
// on the cluster's hosts, as a CLIP given as a URL is, and what plays
// goes on until a host answers (make before break). mpv's other flags
// (append, insert-next) and per-file options have no clusterplay
// meaning and are refused.
func loadfile(c call) reply {
	url, isString := argAt(c, 0, "url")
	if _, given := c.arg(0, "url"); !given || !isString || c.tooMany(3) {
		return failed(c.req.id, errInvalid)
	}
	if flags, given := c.arg(1, "flags"); given {
		if f, isString := flags.(string); !isString || (f != "replace" && f != "") {
			return failed(c.req.id, fmt.Errorf("%s %v refused: clusterplay plays one clip at a time (only replace)", c.name, flags))
		}
	}
	if opts, given := c.arg(2, "options"); given && !emptyNode(opts) {
		return failed(c.req.id, fmt.Errorf("%s refused: per-file options are not taken", c.name))
	}
	if err := c.s.ctl.Load(url); err != nil {
		return failed(c.req.id, err)
	}
	return withData(c.req.id, nil)
}

func emptyNode(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case mpvnode.Map:
		return len(v) == 0
	}
	return false
}

// stop and quit-watch-later end the playback as clusterplay's quit does:
// one end event, and the exit code (stop's is 0).
func stop(c call) reply {
	code := int64(0)
	if c.name == "quit-watch-later" {
		if v, given := c.arg(0, "code"); given {
			n, isInt := intOf(v)
			if !isInt {
				return failed(c.req.id, errInvalid)
			}
			code = n
		}
	}
	if code < 0 || code > 255 {
		return failed(c.req.id, fmt.Errorf("%s: exit code %d is not within 0 to 255", c.name, code))
	}
	c.s.ctl.QuitWithCode(int(code))
	return withData(c.req.id, nil)
}

func playlistMove(next bool) func(c call) reply {
	return func(c call) reply {
		if next {
			c.s.ctl.NextClip()
		} else {
			c.s.ctl.PrevClip()
		}
		return withData(c.req.id, nil)
	}
}

// argAt is a string argument, positional or named.
func argAt(c call, i int, key string) (string, bool) {
	v, _ := c.arg(i, key)
	s, ok := v.(string)
	return s, ok
}

// intOf reads a whole number as mpv reads an integer argument: a number,
// or a string of one (input.conf's words are strings).
func intOf(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case float64:
		return int64(n), n == float64(int64(n))
	case string:
		i, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
		return i, err == nil
	}
	return 0, false
}

// keyCommand is keypress, keydown and mouse: the key goes to mpv's input,
// unless the command it is bound to is one clusterplay carries out (q
// quits, > moves along the playlist: clusterplay's do) or refuses.
func keyCommand(c call) reply {
	if c.cl.mpv == nil {
		return failed(c.req.id, unknownCommand(c.name))
	}
	if key, pressed := pressedKey(c); pressed {
		bound := c.s.binding(c.cl.mpv, key)
		if err := c.s.textRefusal(bound); err != nil {
			return failed(c.req.id, err)
		}
		if c.s.carriesOut(bound) {
			if err := c.s.runText(c.cl, bound); err != nil {
				return failed(c.req.id, err)
			}
			return withData(c.req.id, nil)
		}
	}
	data, err := c.cl.mpv.Command(c.req.cmd)
	return answer(c.req.id, data, err)
}

// mouseButtons are mpv's names of the mouse command's buttons.
var mouseButtons = []string{"MBTN_LEFT", "MBTN_MID", "MBTN_RIGHT", "WHEEL_UP", "WHEEL_DOWN",
	"WHEEL_LEFT", "WHEEL_RIGHT", "MBTN_BACK", "MBTN_FORWARD"}

// pressedKey is the key a key command presses, if it presses one: mouse
// without a button only moves.
func pressedKey(c call) (string, bool) {
	if c.name != "mouse" {
		return argAt(c, 0, "name")
	}
	v, given := c.arg(2, "button")
	b, isInt := intOf(v)
	if !given || !isInt || b < 0 {
		return "", false
	}
	name := fmt.Sprintf("MBTN%d", b)
	if int(b) < len(mouseButtons) {
		name = mouseButtons[b]
	}
	if mode, _ := argAt(c, 3, "mode"); mode == "double" && b <= 2 {
		name += "_DBL"
	}
	return name, true
}

// binding is the command the key is bound to in mpv's active sections
// (its input-bindings property): the highest priority wins, the last of
// equals, as in mpv's input. "" when none.
func (s *Server) binding(mc MPVClient, key string) string {
	v, _ := mc.GetProperty("input-bindings")
	list, _ := v.([]any)
	want := normKey(key)
	best, bestPriority := "", int64(-1)
	for _, e := range list {
		m, _ := e.(mpvnode.Map)
		k, _ := m.String("key")
		cmd, _ := m.String("cmd")
		p, _ := m.Get("priority")
		priority, _ := p.(int64)
		if priority >= 0 && priority >= bestPriority && normKey(k) == want {
			best, bestPriority = cmd, priority
		}
	}
	return best
}

// normKey writes a key name one way: mpv reads modifiers and named keys
// in any case ("ctrl+w", "Ctrl+w"; "space", "SPACE"), a single character
// as it is ("q" is not "Q").
func normKey(key string) string {
	var mods []string
	for {
		lower := strings.ToLower(key)
		found := false
		for _, m := range []string{"shift+", "ctrl+", "alt+", "meta+"} {
			if strings.HasPrefix(lower, m) && len(key) > len(m) {
				mods, key, found = append(mods, m), key[len(m):], true
			}
		}
		if !found {
			break
		}
	}
	slices.Sort(mods)
	if len([]rune(key)) > 1 {
		key = strings.ToUpper(key)
	}
	return strings.Join(mods, "") + key
}

// carriesOut is whether a key's commands hold one clusterplay carries out
// itself: then they run as a text line of the socket does.
func (s *Server) carriesOut(line string) bool {
	segs, err := splitCommands(line)
	if err != nil {
		return false
	}
	for _, seg := range segs {
		words := seg.command()
		if len(words) == 0 {
			continue
		}
		name := mpvName(words[0])
		if name == "keypress" || name == "keydown" || name == "mouse" {
			continue // a key bound to a key: mpv's
		}
		// quit and the table's mapped commands; a seek is the same in
		// either hand, so it stays mpv's, with its flags.
		if t, found := Lookup(name); found && (name == "quit" || (t.mpv != nil && !t.special)) {
			return true
		}
	}
	return false
}
