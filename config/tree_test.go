package config

import (
	"errors"
	"strings"
	"testing"
)

// TestJSONLines checks the line attached to keys and values, with tabs
// and CRLF line ends.
func TestJSONLines(t *testing.T) {
	t.Parallel()
	text := "{\r\n\t\"a\": 1,\r\n\t\"b\":\r\n\t\t[\r\n\t\t\t\"x\",\r\n\t\t\t{\"c\": true}\r\n\t\t]\r\n}"
	n, err := decodeJSON([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if n.kind != mapKind || n.line != 1 || len(n.pairs) != 2 {
		t.Fatalf("root %+v", n)
	}
	a, b := n.pairs[0], n.pairs[1]
	if a.line != 2 || a.val.line != 2 || a.val.num != 1 || a.val.str != "1" {
		t.Errorf("a: %+v %+v", a, a.val)
	}
	if b.line != 3 || b.val.line != 4 || b.val.items[0].line != 5 || b.val.items[1].pairs[0].line != 6 {
		t.Errorf("b: %+v", b)
	}
	if c := b.val.items[1].pairs[0].val; c.kind != boolKind || !c.b {
		t.Errorf("c: %+v", c)
	}
}

func TestYAMLKinds(t *testing.T) {
	t.Parallel()
	n, err := decodeYAML([]byte("s: text\nq: '12'\ni: 0x10\nf: 1.5\nb: true\nn: ~\nl: [a]\nm: {k: v}\nt: 2001-12-14\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]kind{"s": stringKind, "q": stringKind, "i": numberKind, "f": numberKind, "b": boolKind,
		"n": nullKind, "l": listKind, "m": mapKind, "t": stringKind}
	for i, p := range n.pairs {
		if p.val.kind != want[p.key] || p.line != i+1 {
			t.Errorf("%s: kind %v line %d", p.key, p.val.kind, p.line)
		}
	}
	if n.pairs[2].val.num != 16 {
		t.Errorf("0x10 = %v", n.pairs[2].val.num)
	}
}

func TestDeepNesting(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("[", 500) + strings.Repeat("]", 500)
	for name, decode := range map[string]func([]byte) (*node, error){"json": decodeJSON, "yaml": decodeYAML} {
		_, err := decode([]byte(deep))
		var pe *posError
		if !errors.As(err, &pe) || !strings.Contains(pe.msg, "nested too deeply") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want int
	}{{"", "abc", 3}, {"host", "hosts", 1}, {"conecttimeout", "connecttimeout", 1}, {"kitten", "sitting", 3}} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
