package mpvnode

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxDepth is how deeply mpv's IPC nests a request: a value nested deeper
// makes the request malformed.
const MaxDepth = 50

// ErrMalformed is any request mpv's JSON reader would not take.
var ErrMalformed = errors.New("malformed JSON")

// Parse reads the value at the start of src as mpv's IPC reads a request
// line: RFC 8259 JSON with mpv's extensions (a trailing comma in a list or
// object, "=" for ":", unquoted keys of [A-Za-z_][A-Za-z0-9_]*, \xAB byte
// escapes and \e), integers kept apart from doubles (and read as C's
// strtoll reads them, so 0x10 is 16), at most MaxDepth levels deep. What
// follows the value is ignored, as mpv ignores it.
func Parse(src []byte) (any, error) {
	p := parser{src: src}
	v, err := p.value(MaxDepth)
	if err != nil {
		return nil, ErrMalformed
	}
	return v, nil
}

type parser struct {
	src []byte
	pos int
}

func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *parser) eat(c byte) bool {
	if p.peek() == c && p.pos < len(p.src) {
		p.pos++
		return true
	}
	return false
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) literal(word string) bool {
	if len(p.src)-p.pos >= len(word) && string(p.src[p.pos:p.pos+len(word)]) == word {
		p.pos += len(word)
		return true
	}
	return false
}

// value is mpv's json_parse: depth counts down at every value.
func (p *parser) value(depth int) (any, error) {
	depth--
	if depth < 0 {
		return nil, ErrMalformed
	}
	p.skipSpace()
	switch c := p.peek(); {
	case p.pos >= len(p.src):
		return nil, ErrMalformed
	case c == 'n' && p.literal("null"):
		return nil, nil
	case c == 't' && p.literal("true"):
		return true, nil
	case c == 'f' && p.literal("false"):
		return false, nil
	case c == '"':
		return p.str()
	case c == '[' || c == '{':
		return p.list(depth)
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, ErrMalformed
}

// list reads an array or an object.
func (p *parser) list(depth int) (any, error) {
	obj := p.src[p.pos] == '{'
	p.pos++
	term := byte(']')
	if obj {
		term = '}'
	}
	arr := []any{}
	m := Map{}
	for n := 0; ; n++ {
		p.skipSpace()
		if p.eat(term) {
			break
		}
		if n > 0 && !p.eat(',') {
			return nil, ErrMalformed
		}
		p.skipSpace()
		if p.eat(term) { // a trailing comma
			break
		}
		var key string
		if obj {
			k, err := p.key()
			if err != nil {
				return nil, err
			}
			p.skipSpace()
			if !p.eat(':') && !p.eat('=') {
				return nil, ErrMalformed
			}
			p.skipSpace()
			key = k
		}
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		if obj {
			m = append(m, Entry{Key: key, Value: v})
		} else {
			arr = append(arr, v)
		}
	}
	if obj {
		return m, nil
	}
	return arr, nil
}

// key is a quoted string or an unquoted identifier.
func (p *parser) key() (string, error) {
	c := p.peek()
	if c == '_' || isAlpha(c) {
		start := p.pos
		for p.pos < len(p.src) && (p.src[p.pos] == '_' || isAlpha(p.src[p.pos]) || isDigit(p.src[p.pos])) {
			p.pos++
		}
		return string(p.src[start:p.pos]), nil
	}
	if c != '"' {
		return "", ErrMalformed
	}
	return p.str()
}

func isAlpha(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// str reads a quoted string and its escapes.
func (p *parser) str() (string, error) {
	p.pos++ // the opening quote
	var out []byte
	for {
		if p.pos >= len(p.src) {
			return "", ErrMalformed // unterminated
		}
		c := p.src[p.pos]
		switch c {
		case '"':
			p.pos++
			return string(out), nil
		case '\\':
			p.pos++
			var err error
			if out, err = p.escape(out); err != nil {
				return "", err
			}
		default:
			out = append(out, c)
			p.pos++
		}
	}
}

// escape appends what the escape after a backslash stands for.
func (p *parser) escape(out []byte) ([]byte, error) {
	if p.pos >= len(p.src) {
		return nil, ErrMalformed
	}
	simple := map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n',
		'r': '\r', 't': '\t', 'e': 0x1b, '\'': '\''}
	c := p.src[p.pos]
	if r, ok := simple[c]; ok {
		p.pos++
		return append(out, r), nil
	}
	switch c {
	case 'x':
		b, ok := p.hex(p.pos+1, 2)
		if !ok {
			return nil, ErrMalformed
		}
		p.pos += 3
		return append(out, byte(b)), nil
	case 'u':
		r, ok := p.hex(p.pos+1, 4)
		if !ok {
			return nil, ErrMalformed
		}
		p.pos += 5
		if r >= 0xd800 && r <= 0xdbff { // a surrogate pair, as mpv reads it
			if !p.literal(`\u`) {
				return nil, ErrMalformed
			}
			lo, ok := p.hex(p.pos, 4)
			if !ok || lo < 0xdc00 || lo > 0xdfff {
				return nil, ErrMalformed
			}
			p.pos += 4
			r = (r-0xd800)<<10 + 0x10000 + (lo - 0xdc00)
		}
		return utf8.AppendRune(out, rune(r)), nil
	}
	return nil, ErrMalformed
}

// hex reads n hex digits at i.
func (p *parser) hex(i, n int) (uint32, bool) {
	if i+n > len(p.src) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.src[i:i+n]), 16, 32)
	return uint32(v), err == nil
}

// number reads what C's strtoll (base 0) and strtod read at the cursor and
// keeps the integer when it reaches at least as far, as mpv does.
func (p *parser) number() (any, error) {
	rest := p.src[p.pos:]
	ni, iv := strtoll(rest)
	nf, fv := strtod(rest)
	if ni >= nf {
		p.pos += ni
		return iv, nil
	}
	if nf > 0 && !math.IsInf(fv, 0) && !math.IsNaN(fv) {
		p.pos += nf
		return fv, nil
	}
	return nil, ErrMalformed
}

// Quoted reads the double-quoted string at the start of src, escapes as
// in a request line (mpv's input.conf commands quote the same way): its
// value and how many bytes it took.
func Quoted(src string) (string, int, error) {
	if !strings.HasPrefix(src, `"`) {
		return "", 0, ErrMalformed
	}
	p := parser{src: []byte(src)}
	s, err := p.str()
	if err != nil {
		return "", 0, ErrMalformed
	}
	return s, p.pos, nil
}
