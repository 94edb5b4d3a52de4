package logging

import (
	"fmt"
	"path"
	"strings"
)

// Filter is --log-filter: glob patterns on component names, comma
// separated, as the original plugin's log filter
// ("org.flowplayer.cluster.*"). A pattern is path.Match's: * is any run of
// characters (dots included), ? one character, [...] a class. As in the
// original, "name.*" also matches name itself, so "cluster.*" is the
// engine and all its parts. The zero Filter, like "*", lets everything
// through.
type Filter struct {
	patterns []string
}

// ParseFilter reads a --log-filter value. A pattern that is malformed, or
// that matches no component (a typo would silence the log), is an error.
func ParseFilter(s string) (Filter, error) {
	var f Filter
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if _, err := path.Match(p, ""); err != nil {
			return Filter{}, fmt.Errorf("bad pattern %q: %v", p, err)
		}
		known := false
		for _, c := range Components {
			known = known || match(p, c)
		}
		if !known {
			return Filter{}, fmt.Errorf("pattern %q matches no component (%s)", p, strings.Join(Components, ", "))
		}
		f.patterns = append(f.patterns, p)
	}
	return f, nil
}

// Allows reports whether lines of component pass. A line of no component
// (the program's own) always does.
func (f Filter) Allows(component string) bool {
	if len(f.patterns) == 0 || component == "" {
		return true
	}
	for _, p := range f.patterns {
		if match(p, component) {
			return true
		}
	}
	return false
}

// String is the filter as it was given, normalised.
func (f Filter) String() string {
	if len(f.patterns) == 0 {
		return "*"
	}
	return strings.Join(f.patterns, ",")
}

func match(pattern, name string) bool {
	if ok, _ := path.Match(pattern, name); ok {
		return true
	}
	parent, ok := strings.CutSuffix(pattern, ".*")
	if !ok {
		return false
	}
	m, _ := path.Match(parent, name)
	return m
}
