package config

import (
	"fmt"
	"strconv"
	"strings"
)

// asPercent is a share in percent: a number, with or without its "%"
// ("5", "2.5%"). The file takes a number or such a string.
var asPercent = &codec[float64]{
	typ:   "percent",
	parse: single(parsePercent),
	read: func(_ *decoder, n *node, src at) (float64, error) {
		switch n.kind {
		case numberKind:
			return n.num, nil
		case stringKind:
			v, err := parsePercent(n.str)
			if err != nil {
				return 0, usagef("%s: %v", src, err)
			}
			return v, nil
		}
		return 0, typeError(src, `a percentage (e.g. 5 or "5%")`, n)
	},
	show: func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) },
}

func parsePercent(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil {
		return 0, fmt.Errorf("want a percentage such as 5 or 5%%, got %q", s)
	}
	return v, nil
}

// percentRange keeps a share between none and all.
func percentRange(v float64) error {
	if v < 0 || v > 100 || v != v {
		return fmt.Errorf("must be between 0 and 100, got %v", v)
	}
	return nil
}
