package control

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"clusterplay/mpvnode"
)

// values are a request's arguments once checked against its command's
// Args: a bool, float64, int or string each, as the Arg's Kind says (an
// Any argument stays the node it came as).
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

// check reads args, a request's arguments, as c takes them: how many,
// then each one's type in turn. Its errors name the command and the
// argument, counted from 1.
func (c Command) check(args []any) (values, error) {
	min, max := c.minArgs(), len(c.Args)
	if len(args) < min || len(args) > max {
		if min == max {
			return nil, fmt.Errorf("%s takes %d argument(s), got %d", c.Name, min, len(args))
		}
		return nil, fmt.Errorf("%s takes %d to %d arguments, got %d", c.Name, min, max, len(args))
	}
	in := make(values, len(args))
	for i, a := range args {
		v, ok := c.Args[i].read(a)
		if !ok {
			return nil, fmt.Errorf("%s: argument %d must be %s, got %s", c.Name, i+1, c.Args[i].want(), shown(a))
		}
		in[i] = v
	}
	return in, nil
}

// read takes one argument as a's Kind wants it.
func (a Arg) read(v any) (any, bool) {
	switch a.Kind {
	case Bool:
		b, ok := v.(bool)
		return b, ok
	case Number, Integer:
		var f float64
		switch n := v.(type) {
		case int64:
			f = float64(n)
		case float64:
			f = n
		default:
			return nil, false
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, false
		}
		if a.Kind == Number {
			return f, true
		}
		return int(f), f == math.Trunc(f) && math.Abs(f) <= math.MaxInt32
	case Any:
		return v, true
	}
	s, ok := v.(string)
	if !ok {
		return nil, false
	}
	return s, a.Kind == String || slices.Contains(a.Words, s)
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

// shown is an argument as an error message shows it: JSON, a number in
// its shortest form.
func shown(v any) string {
	if f, ok := v.(float64); ok && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return string(mpvnode.Append(nil, v))
}
