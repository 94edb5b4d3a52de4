package config

import (
	"fmt"
	"strings"
)

// asHeaders is HTTP headers every request of the cluster carries: each
// --http-header 'Name: value' adds one; the file takes a list of
// "Name: value" strings or a mapping {Name: value}.
var asHeaders = &codec[[][2]string]{
	typ: "'Name: value'",
	parse: func(arg string, old [][2]string) ([][2]string, error) {
		kv, err := parseHeader(arg)
		if err != nil {
			return nil, err
		}
		return append(old, kv), nil
	},
	read: func(_ *decoder, n *node, src at) ([][2]string, error) {
		var out [][2]string
		switch n.kind {
		case mapKind:
			for _, p := range n.pairs {
				v, ok := mpvScalar(p.val)
				if !ok {
					return nil, typeError(src.field(p.line, p.key), "a header value", p.val)
				}
				kv, err := parseHeader(p.key + ": " + v)
				if err != nil {
					return nil, usagef("%s: %v", src.field(p.line, p.key), err)
				}
				out = append(out, kv)
			}
		case listKind:
			for i, item := range n.items {
				isrc := src.index(item.line, i)
				if item.kind != stringKind {
					return nil, typeError(isrc, `a "Name: value" string`, item)
				}
				kv, err := parseHeader(item.str)
				if err != nil {
					return nil, usagef("%s: %v", isrc, err)
				}
				out = append(out, kv)
			}
		default:
			return nil, typeError(src, `a list of "Name: value" or a mapping of headers`, n)
		}
		return out, nil
	},
	show: func([][2]string) string { return "" },
}

// parseHeader splits "Name: value". The name is an HTTP token; neither
// part may hold a line break, which would smuggle a header of its own.
func parseHeader(s string) ([2]string, error) {
	name, value, ok := strings.Cut(s, ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !ok || name == "" {
		return [2]string{}, fmt.Errorf(`want "Name: value", got %q`, redactHeader(s))
	}
	for _, r := range name {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return [2]string{}, fmt.Errorf("header name %q: not an HTTP token", name)
		}
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return [2]string{}, fmt.Errorf("header %s: the value holds a line break", name)
	}
	return [2]string{name, value}, nil
}

// redactHeader shows a header's name, never its value: header values are
// the tokens CDNs ask for.
func redactHeader(s string) string {
	name, _, ok := strings.Cut(s, ":")
	if !ok {
		return "REDACTED"
	}
	return name + ": REDACTED"
}

// mergeHeaders drops base headers that top sets again (by name, without
// case), then appends top.
func mergeHeaders(base, top [][2]string) [][2]string {
	again := map[string]bool{}
	for _, kv := range top {
		again[strings.ToLower(kv[0])] = true
	}
	out := make([][2]string, 0, len(base)+len(top))
	for _, kv := range base {
		if !again[strings.ToLower(kv[0])] {
			out = append(out, kv)
		}
	}
	return append(out, top...)
}
