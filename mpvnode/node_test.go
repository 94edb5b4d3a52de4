package mpvnode

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// TestParse: what mpv's IPC reader makes of a request line, extensions
// and quirks included.
func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{`null`, nil},
		{`true`, true},
		{`false`, false},
		{`42`, int64(42)},
		{`-7`, int64(-7)},
		{`1.5`, 1.5},
		{`1e3`, 1000.0},
		{`1.`, 1.0},
		{`-0.25`, -0.25},
		{`0x10`, int64(16)}, // strtoll base 0
		{`010`, int64(8)},   // octal, as C reads it
		{`08`, 8.0},         // strtod reaches further than strtoll
		{`0x1p3`, 8.0},      // a hex float
		{`9223372036854775807`, int64(math.MaxInt64)},
		{`9223372036854775808`, 9223372036854775808.0}, // past int64: a double
		{`"a\"b\\c\/d\n\t\u00e9\x41\e"`, "a\"b\\c/d\n\té" + "A\x1b"},
		{`"\ud83d\ude00"`, "😀"},
		{`[1, "two", 3.0,]`, []any{int64(1), "two", 3.0}},
		{`[]`, []any{}},
		{`{}`, Map{}},
		{`{"b": 1, a = 2, _c3: [true],}`, Map{{"b", int64(1)}, {"a", int64(2)}, {"_c3", []any{true}}}},
		{`{"command": ["get_property", "pause"]} trailing words`, Map{{"command", []any{"get_property", "pause"}}}},
		{" \t{\"x\":null}\r", Map{{"x", nil}}},
		{`nullx`, nil}, // a prefix is enough, as in mpv
	}
	for _, tt := range tests {
		got, err := Parse([]byte(tt.in))
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%s) = %#v, %v; want %#v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	deep := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	deeper := strings.Repeat("[", MaxDepth+1) + "1" + strings.Repeat("]", MaxDepth+1)
	if _, err := Parse([]byte(deep)); err != nil {
		t.Errorf("%d levels refused: %v", MaxDepth, err)
	}
	for _, in := range []string{
		``, `   `, `{`, `{"a"}`, `{"a":}`, `{1:2}`, `[1 2]`, `"open`, `"\q"`, `"\x4"`, `"\u12"`,
		`"\ud800"`, `"\ud800\u0041"`, `{"a":-}`, `.5`, `tru`, `'x'`, `{"a":-inf}`, `[1e400]`, deeper,
	} {
		if v, err := Parse([]byte(in)); !errors.Is(err, ErrMalformed) {
			t.Errorf("Parse(%q) = %#v, %v; want malformed", in, v, err)
		}
	}
}

// TestAppend: the bytes mpv's IPC writes.
func TestAppend(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{nil, `null`},
		{true, `true`},
		{int64(-3), `-3`},
		{3, `3`},
		{1.5, `1.500000`},
		{190.482, `190.482000`},
		{math.Inf(1), `"inf"`},
		{math.Inf(-1), `"-inf"`},
		{math.NaN(), `"nan"`},
		{"q\"b\\s\n\x01é\x7f", `"q\"b\\s\n\u0001é` + "\x7f" + `"`},
		{[]any{int64(1), "a", nil}, `[1,"a",null]`},
		{Map{{"z", int64(1)}, {"a", Map{}}}, `{"z":1,"a":{}}`},
		{json.RawMessage(`{"state":"idle"}`), `{"state":"idle"}`},
		{json.RawMessage(nil), `null`},
		{struct {
			A int `json:"a"`
		}{2}, `{"a":2}`},
	}
	for _, tt := range tests {
		if got := string(Append(nil, tt.v)); got != tt.want {
			t.Errorf("Append(%#v) = %s, want %s", tt.v, got, tt.want)
		}
	}
}

// TestRoundTrip: what Append writes, Parse reads back the same.
func TestRoundTrip(t *testing.T) {
	v := Map{{"request_id", "id-1"}, {"data", []any{int64(1), 2.5, "x\ty", Map{{"k", false}}, nil}}}
	got, err := Parse(Append(nil, v))
	if err != nil || !reflect.DeepEqual(got, v) {
		t.Errorf("round trip: %#v, %v", got, err)
	}
}

func TestValidAndGet(t *testing.T) {
	m := Map{{"a", int64(1)}, {"a", int64(2)}, {"s", "x"}}
	if v, ok := m.Get("a"); !ok || v != int64(1) {
		t.Errorf("Get finds the first: %v", v)
	}
	if s, ok := m.String("s"); !ok || s != "x" {
		t.Errorf("String: %q %v", s, ok)
	}
	if _, ok := m.String("a"); ok {
		t.Error("String of a number")
	}
	if Valid([]any{m, nil, 1.5, true}) != nil {
		t.Error("valid nodes refused")
	}
	for _, bad := range []any{1, map[string]any{}, []any{uint8(1)}, Map{{"k", []string{}}}} {
		if Valid(bad) == nil {
			t.Errorf("Valid(%#v): want an error", bad)
		}
	}
}
