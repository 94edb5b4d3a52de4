package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// codec is how values of one type are read from a flag's argument and
// from the config file, and shown as a default. A setting picks its codec;
// the codec's wording of mistakes is what the user reads for both sources,
// so that a flag and its key never explain the same rule differently.
type codec[T any] struct {
	// typ is pflag's Type: the placeholder in --help ("--select policy")
	// unless the help text names one in `backquotes`.
	typ string
	// noOpt is the value of the flag given bare; "true" makes a switch
	// ("--insecure" rather than "--insecure=true").
	noOpt string
	// parse reads one flag argument. old is the value so far, so that a
	// repeatable flag (--host, --mpv) can add to it; it is the zero value
	// on the flag's first use, never the default.
	parse func(arg string, old T) (T, error)
	// read reads the value n of the file key at src. Its errors are whole
	// UsageErrors, as only the codec knows which part of n is at fault.
	read func(d *decoder, n *node, src at) (T, error)
	// show renders a default for --help; pflag hides "", "0" and "false".
	show func(T) string
	// note is said after the help of every flag of the codec: what a
	// bare number means, for durations.
	note string
}

// single adapts a parser of one argument to codec.parse, for the flags
// whose last use wins.
func single[T any](parse func(string) (T, error)) func(string, T) (T, error) {
	return func(arg string, _ T) (T, error) { return parse(arg) }
}

func typeError(src at, want string, n *node) error {
	return usagef("%s: want %s, got %s", src, want, n.describe())
}

// durations are read under the one rule of duration.go, a bare number
// counting unit. allowOff also takes "off" as zero, for --race-delay.
func durations(allowOff bool, unit bareUnit) *codec[time.Duration] {
	return &codec[time.Duration]{
		typ:   "duration",
		note:  "a bare number is " + unit.name,
		parse: single(func(s string) (time.Duration, error) { return parseDuration(s, allowOff, unit) }),
		read: func(_ *decoder, n *node, src at) (time.Duration, error) {
			var v time.Duration
			var err error
			switch n.kind {
			case numberKind: // a bare number: milliseconds in Flowplayer configs
				v, err = unit.of(n.num)
			case stringKind:
				v, err = parseDuration(n.str, allowOff, unit)
			default:
				return 0, typeError(src, fmt.Sprintf("a duration (e.g. %s or \"2s\")", unit.example()), n)
			}
			if err != nil {
				return 0, usagef("%s: %v", src, err)
			}
			return v, nil
		},
		show: func(d time.Duration) string {
			switch {
			case d == 0 && allowOff:
				return "off"
			case d == 0:
				return "0" // what pflag takes for "no default worth showing"
			}
			return d.String()
		},
	}
}

var (
	asDuration      = durations(false, inMillis)
	asDurationOrOff = durations(true, inMillis)
	// asPlayerDuration is a setting mpv has too, read as mpv reads it.
	asPlayerDuration = durations(false, inSeconds)
)

// asInt is a whole number. strconv's own wording ("parsing "x": invalid
// syntax") is replaced by what is wanted.
var asInt = &codec[int]{
	typ: "int",
	parse: single(func(s string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return 0, fmt.Errorf("want a whole number, got %q", s)
		}
		return n, nil
	}),
	read: func(_ *decoder, n *node, src at) (int, error) { return wholeNumber(n, src) },
	show: strconv.Itoa,
}

// wholeNumber reads an integer; strings are refused so that a quoted
// "3" in JSON is caught as the type mistake it usually is.
func wholeNumber(n *node, src at) (int, error) {
	if n.kind != numberKind || n.num != math.Trunc(n.num) || math.Abs(n.num) > math.MaxInt32 {
		return 0, typeError(src, "a whole number", n)
	}
	return int(n.num), nil
}

var asNumber = &codec[float64]{
	typ: "number",
	parse: single(func(s string) (float64, error) {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return 0, fmt.Errorf("want a number, got %q", s)
		}
		return f, nil
	}),
	read: func(_ *decoder, n *node, src at) (float64, error) {
		if n.kind != numberKind {
			return 0, typeError(src, "a number", n)
		}
		return n.num, nil
	},
	show: func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) },
}

// optional makes a value that may be absent (nil), for a Config field
// where nil leaves the choice to someone else (Volume: mpv's own).
func optional[T any](c *codec[T]) *codec[*T] {
	return &codec[*T]{
		typ:   c.typ,
		noOpt: c.noOpt,
		parse: func(arg string, old *T) (*T, error) {
			var prev T
			if old != nil {
				prev = *old
			}
			v, err := c.parse(arg, prev)
			if err != nil {
				return nil, err
			}
			return &v, nil
		},
		read: func(d *decoder, n *node, src at) (*T, error) {
			v, err := c.read(d, n, src)
			if err != nil {
				return nil, err
			}
			return &v, nil
		},
		show: func(p *T) string {
			if p == nil {
				return ""
			}
			return c.show(*p)
		},
	}
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "on", "yes":
		return true, nil
	case "off", "no":
		return false, nil
	}
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return false, fmt.Errorf("want on or off (or true, false, yes, no), got %q", s)
	}
	return b, nil
}

// asSwitch is a bool that is shown as plain "--insecure" in --help rather
// than pflag's "--insecure[=true|false]", yet still takes "=false".
var asSwitch = &codec[bool]{
	typ:   "bool",
	noOpt: "true",
	parse: single(parseBool),
	read: func(_ *decoder, n *node, src at) (bool, error) {
		if n.kind != boolKind {
			return false, typeError(src, "true or false", n)
		}
		return n.b, nil
	},
	show: strconv.FormatBool,
}

// asOffSwitch is asSwitch the other way round on the command line only:
// for a key that is on by default, the flag turns it off (--no-mpv-config
// is mpvConfig: false).
var asOffSwitch = &codec[bool]{
	typ:   asSwitch.typ,
	noOpt: asSwitch.noOpt,
	parse: func(arg string, _ bool) (bool, error) {
		b, err := parseBool(arg)
		return !b, err
	},
	read: asSwitch.read,
	show: func(b bool) string { return strconv.FormatBool(!b) },
}

var asString = &codec[string]{
	typ:   "string",
	parse: single(func(s string) (string, error) { return s, nil }),
	read: func(_ *decoder, n *node, src at) (string, error) {
		if n.kind != stringKind {
			return "", typeError(src, "a string", n)
		}
		return n.str, nil
	},
	show: func(s string) string { return s },
}

// oneOfCodec is one of a fixed set of words, case-insensitive. typ "" is
// for a flag with an optional value, so that --help reads
// "--demo[=failover]".
func oneOfCodec(typ string, allowed []string) *codec[string] {
	return &codec[string]{
		typ:   typ,
		parse: single(func(s string) (string, error) { return oneOf(s, allowed) }),
		read: func(_ *decoder, n *node, src at) (string, error) {
			if n.kind != stringKind {
				return "", typeError(src, "one of "+strings.Join(allowed, ", "), n)
			}
			v, err := oneOf(n.str, allowed)
			if err != nil {
				return "", usagef("%s: %v", src, err)
			}
			return v, nil
		},
		show: asString.show,
	}
}
