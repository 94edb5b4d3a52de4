package config

import (
	"fmt"
	"unicode"

	"clusterplay/cmcd"
	"clusterplay/verdict"
)

// asConditions are --fail-if conditions: each use of the flag adds one;
// the file's failIf takes one string or a list of them. A condition that
// does not parse is a usage error, said before anything runs.
var asConditions = &codec[[]verdict.Condition]{
	typ: "EXPR",
	parse: func(arg string, old []verdict.Condition) ([]verdict.Condition, error) {
		c, err := verdict.Parse(arg)
		if err != nil {
			return nil, err
		}
		return append(old, c), nil
	},
	read: func(_ *decoder, n *node, src at) ([]verdict.Condition, error) {
		items := []*node{n}
		if n.kind == listKind {
			items = n.items
		}
		var out []verdict.Condition
		for i, item := range items {
			isrc := src
			if n.kind == listKind {
				isrc = src.index(item.line, i)
			}
			if item.kind != stringKind {
				return nil, typeError(isrc, `a condition such as "stalls > 0"`, item)
			}
			c, err := verdict.Parse(item.str)
			if err != nil {
				return nil, usagef("%s: %v", isrc, err)
			}
			out = append(out, c)
		}
		return out, nil
	},
	show: func([]verdict.Condition) string { return "" },
}

// mergeConditions adds the command line's conditions to the file's: a
// run is judged by every one of them.
func mergeConditions(base, top []verdict.Condition) []verdict.Condition {
	return append(append([]verdict.Condition(nil), base...), top...)
}

// cmcdModes are --cmcd's words, the default first.
var cmcdModes = []string{cmcd.Off, cmcd.Query, cmcd.Header}

// checkContentID holds --cmcd-content-id to what CMCD's cid may be: at
// most 64 characters, none of them a control character.
func checkContentID(s string) error {
	if n := len([]rune(s)); n > cmcd.MaxString {
		return fmt.Errorf("at most %d characters, got %d", cmcd.MaxString, n)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("no control characters, got %q", s)
		}
	}
	return nil
}
