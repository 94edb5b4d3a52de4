package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Both file formats are decoded into this one tree, which keeps the key
// order and the line of every key and value, so that a single mapping
// function (keys.go) validates YAML and JSON alike and cites lines.

type kind int

const (
	nullKind kind = iota
	boolKind
	numberKind
	stringKind
	listKind
	mapKind
)

type node struct {
	kind  kind
	line  int
	str   string  // a string's value; a number's or bool's literal text
	num   float64 // numberKind
	b     bool    // boolKind
	items []*node // listKind
	pairs []pair  // mapKind, in file order
}

type pair struct {
	key  string
	line int
	val  *node
}

// describe names a value for "want X, got Y" messages.
func (n *node) describe() string {
	switch n.kind {
	case boolKind:
		return n.str
	case numberKind:
		return "the number " + n.str
	case stringKind:
		return "the string " + strconv.Quote(n.str)
	case listKind:
		return "a list"
	case mapKind:
		return "a mapping"
	}
	return "null"
}

// posError is a syntax error at a line; loadFile prefixes the file name.
type posError struct {
	line int
	msg  string
}

func (e *posError) Error() string { return fmt.Sprintf("%d: %s", e.line, e.msg) }

// maxDepth bounds nesting: no config needs more, and it keeps a hostile
// file from exhausting the stack.
const maxDepth = 100

// mapping builds a mapKind node. Its index makes a duplicate check or a
// merge key one lookup: scanning the pairs instead made 100,000 keys take
// 24 s.
type mapping struct {
	n     *node
	lines map[string]int // key -> line of its first use
}

func newMapping(line int) *mapping {
	return &mapping{n: &node{kind: mapKind, line: line}, lines: map[string]int{}}
}

// add appends a key, refusing duplicates: JSON decoders keep the last
// silently and yaml.v3's node API does not check at all.
func (m *mapping) add(p pair) error {
	if first, dup := m.lines[p.key]; dup {
		return &posError{p.line, fmt.Sprintf("duplicate key %q (first at line %d)", p.key, first)}
	}
	m.lines[p.key] = p.line
	m.n.pairs = append(m.n.pairs, p)
	return nil
}

// addMissing appends a merged key unless the mapping has it already: its
// own keys and earlier merges win.
func (m *mapping) addMissing(p pair) {
	if _, ok := m.lines[p.key]; !ok {
		m.lines[p.key] = p.line
		m.n.pairs = append(m.n.pairs, p)
	}
}

// ---- JSON ----

// decodeJSON parses with encoding/json's token stream, which reports byte
// offsets; lineStarts turns them into lines. An empty file is nil.
func decodeJSON(data []byte) (*node, error) {
	p := &jsonParser{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	p.dec.UseNumber()
	for i, c := range data {
		if c == '\n' {
			p.newlines = append(p.newlines, i)
		}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	// Token would accept a second top-level value; a config is one object.
	off := int(p.dec.InputOffset())
	rest := data[off:]
	if trimmed := bytes.TrimLeft(rest, " \t\r\n"); len(trimmed) > 0 {
		return nil, &posError{p.lineAt(off + len(rest) - len(trimmed)), "unexpected data after the JSON value"}
	}
	return n, nil
}

type jsonParser struct {
	data     []byte
	dec      *json.Decoder
	newlines []int // offsets of '\n'
}

// lineAt is the 1-based line of byte offset off.
func (p *jsonParser) lineAt(off int) int {
	return 1 + sort.SearchInts(p.newlines, off)
}

// line is the line of the token just read.
func (p *jsonParser) line() int { return p.lineAt(int(p.dec.InputOffset()) - 1) }

func (p *jsonParser) fail(err error) error {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return &posError{p.lineAt(int(syn.Offset)), syn.Error()}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		end := len(bytes.TrimRight(p.data, " \t\r\n"))
		return &posError{p.lineAt(end), "unexpected end of file"}
	}
	return &posError{p.line(), err.Error()}
}

func (p *jsonParser) value(depth int) (*node, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.fail(err)
	}
	n := &node{line: p.line()}
	if depth > maxDepth {
		return nil, &posError{n.line, "nested too deeply"}
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			n.kind = listKind
			for p.dec.More() {
				item, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, item)
			}
		} else { // '{'; Token never returns a closing delimiter here
			m := newMapping(n.line)
			for p.dec.More() {
				tok, err := p.dec.Token()
				if err != nil {
					return nil, p.fail(err)
				}
				key, line := tok.(string), p.line() // Token guarantees a string key
				val, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				if err := m.add(pair{key, line, val}); err != nil {
					return nil, err
				}
			}
			n = m.n
		}
		if _, err := p.dec.Token(); err != nil { // the closing delimiter
			return nil, p.fail(err)
		}
	case string:
		n.kind, n.str = stringKind, t
	case json.Number:
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return nil, &posError{n.line, fmt.Sprintf("number %s is out of range", t)}
		}
		n.kind, n.str, n.num = numberKind, string(t), f
	case bool:
		n.kind, n.str, n.b = boolKind, strconv.FormatBool(t), t
	case nil:
		n.kind = nullKind
	}
	return n, nil
}

// ---- YAML ----

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// maxAliasNodes bounds what aliases may expand to. yaml.v3 keeps an alias
// as a pointer to its anchor, so a few hundred bytes of aliases of aliases
// stand for billions of values (a 306-byte file grew past 2.9 GB); a config
// that shares a host list between clusters expands to a few hundred.
const maxAliasNodes = 10000

// decodeYAML parses with yaml.v3's node API, which keeps lines and lets
// us see keys the typed decoder would drop. An empty file is nil.
func decodeYAML(data []byte) (n *node, err error) {
	defer func() { // yaml.v3 has panicked on malformed input before
		if r := recover(); r != nil {
			n, err = nil, &posError{1, fmt.Sprint("cannot parse: ", r)}
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, &posError{line, m[2]}
		}
		return nil, &posError{0, strings.TrimPrefix(msg, "yaml: ")}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	return new(yamlConverter).convert(doc.Content[0], 0)
}

// yamlConverter turns yaml.v3's nodes into ours, copying an alias's value
// at each use and counting the copies against maxAliasNodes.
type yamlConverter struct {
	aliases  int // how many aliases deep the conversion is
	expanded int // values converted through an alias so far
	useLine  int // the outermost alias being expanded, cited when over
}

func (c *yamlConverter) convert(y *yaml.Node, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, &posError{y.Line, "nested too deeply"}
	}
	if c.aliases > 0 {
		if c.expanded++; c.expanded > maxAliasNodes {
			return nil, &posError{c.useLine, fmt.Sprintf("the file expands too much through aliases (more than %d values)", maxAliasNodes)}
		}
	}
	n := &node{line: y.Line}
	switch y.Kind {
	case yaml.DocumentNode:
		if len(y.Content) == 0 {
			return &node{line: y.Line}, nil
		}
		return c.convert(y.Content[0], depth+1)
	case yaml.AliasNode:
		if c.aliases == 0 {
			c.useLine = y.Line
		}
		c.aliases++
		a, err := c.convert(y.Alias, depth+1)
		c.aliases--
		if err != nil {
			return nil, err
		}
		cp := *a
		cp.line = y.Line // cite the use, not the anchor
		return &cp, nil
	case yaml.SequenceNode:
		n.kind = listKind
		for _, item := range y.Content {
			conv, err := c.convert(item, depth+1)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, conv)
		}
	case yaml.MappingNode:
		m := newMapping(y.Line)
		var merges []*node
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			val, err := c.convert(v, depth+1)
			if err != nil {
				return nil, err
			}
			if k.ShortTag() == "!!merge" { // "<<: *defaults"
				merges = append(merges, val)
				continue
			}
			if err := m.add(pair{k.Value, k.Line, val}); err != nil {
				return nil, err
			}
		}
		if err := mergeKeys(m, merges); err != nil {
			return nil, err
		}
		return m.n, nil
	case yaml.ScalarNode:
		switch y.ShortTag() {
		case "!!null":
			n.kind = nullKind
		case "!!bool":
			n.kind, n.str = boolKind, y.Value
			if err := y.Decode(&n.b); err != nil {
				return nil, &posError{y.Line, err.Error()}
			}
		case "!!int", "!!float":
			n.kind, n.str = numberKind, y.Value
			if err := y.Decode(&n.num); err != nil {
				return nil, &posError{y.Line, fmt.Sprintf("number %s is out of range", y.Value)}
			}
		default: // !!str, !!timestamp, !!binary and custom tags: the text
			n.kind, n.str = stringKind, y.Value
		}
	}
	return n, nil
}

// mergeKeys applies YAML merge keys: the mapping's own keys win, then the
// merged mappings in order.
func mergeKeys(m *mapping, merges []*node) error {
	var sources []*node
	for _, src := range merges {
		if src.kind == listKind {
			sources = append(sources, src.items...)
		} else {
			sources = append(sources, src)
		}
	}
	for _, src := range sources {
		if src.kind != mapKind {
			return &posError{src.line, "a merge key (<<) needs a mapping"}
		}
		for _, p := range src.pairs {
			m.addMissing(p)
		}
	}
	return nil
}
