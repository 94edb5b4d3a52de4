package events

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"plain ASCII", "connection refused", "connection refused"},
		{"tab and newline kept", "a\tb\nc", "a\tb\nc"},
		{"printable Unicode kept", "café – 東京 ✓ \u00a0", "café – 東京 ✓ \u00a0"},
		{"backslash kept", `C:\clips\a.mp4`, `C:\clips\a.mp4`},
		{"OSC 52 sets the clipboard", "\x1b]52;c;aGk=\x07", `\x1b]52;c;aGk=\x07`},
		{"clear screen", "x\x1b[2Jy", `x\x1b[2Jy`},
		{"carriage return", "ok\rforged", `ok\x0dforged`},
		{"NUL", "a\x00b", `a\x00b`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"C1 as UTF-8", "a\u0085b\u009bc\u0080\u009f", `a\u0085b\u009bc\u0080\u009f`},
		{"C1 as a stray byte", "a\x9b2Jb", `a\x9b2Jb`},
		{"truncated UTF-8", "a\xe2\x80", `a\xe2\x80`},
		{"bidi overrides", "gpj.\u202eexe", `gpj.\u202eexe`},
		{"every bidi control", "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
			`\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069`},
		{"neighbours of the bidi ranges kept", "\u2029\u202f\u2065\u206a", "\u2029\u202f\u2065\u206a"},
		{"already escaped text unchanged", `\x1b`, `\x1b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Escape(tt.in); got != tt.want {
				t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestEscapeLeavesNothingUnsafe: whatever goes in, what comes out is
// valid UTF-8 without a control but tab and newline, and without a bidi
// control; and escaping twice changes nothing more.
func TestEscapeLeavesNothingUnsafe(t *testing.T) {
	var all strings.Builder
	for r := rune(0); r < 0x2100; r++ {
		all.WriteRune(r)
	}
	all.WriteString("\x80\xff\xc0")
	out := Escape(all.String())
	if !utf8.ValidString(out) {
		t.Fatalf("not UTF-8: %q", out)
	}
	for _, r := range out {
		if unsafeRune(r) {
			t.Errorf("%U left in the output", r)
		}
	}
	if again := Escape(out); again != out {
		t.Errorf("escaping twice changed the text")
	}
}

// TestBusEscapesEveryTextField: every reader gets the escaped text, and a
// JSON encoding of it holds the backslash itself, so that `jq -r` prints
// the escape, not the character.
func TestBusEscapesEveryTextField(t *testing.T) {
	hostile := "x\x1b]0;owned\x07\u202e\u0085\x9b"
	const want = `x\x1b]0;owned\x07\u202e\u0085\x9b`
	// Every field of type string or []string is set: a field added
	// later is held to the rule without this test naming it.
	in := Event{Kind: ConnectFailed}
	v := reflect.ValueOf(&in).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); {
		case f.Type() == reflect.TypeFor[string]():
			f.SetString(hostile)
		case f.Type() == reflect.TypeFor[[]string]():
			f.Set(reflect.ValueOf([]string{hostile, hostile}))
		}
	}
	bus := NewBus()
	ch := bus.SubscribeAll()
	bus.Publish(in)
	bus.Close()
	e := <-ch
	out := reflect.ValueOf(e)
	for i := range out.NumField() {
		name, f := out.Type().Field(i).Name, out.Field(i)
		switch {
		case f.Type() == reflect.TypeFor[string]() && f.String() != want:
			t.Errorf("%s = %q, want %q", name, f.String(), want)
		case f.Type() == reflect.TypeFor[[]string]():
			for _, got := range f.Interface().([]string) {
				if got != want {
					t.Errorf("%s holds %q, want %q", name, got, want)
				}
			}
		}
	}
	if in.Priority[0] != hostile {
		t.Error("escaping changed the publisher's own slice")
	}
	data, err := json.Marshal(e.Err)
	if err != nil {
		t.Fatal(err)
	}
	var decoded string
	if err := json.Unmarshal(data, &decoded); err != nil || decoded != want {
		t.Errorf("JSON round trip gives %q (%v), want %q", decoded, err, want)
	}
}

func BenchmarkEscapeClean(b *testing.B) {
	s := `Get "http://127.0.0.1:40000/video/clip.mp4": dial tcp 127.0.0.1:40000: connect: connection refused`
	for b.Loop() {
		Escape(s)
	}
}

func BenchmarkPublish(b *testing.B) {
	bus := NewBus()
	defer bus.Close()
	e := Event{Kind: Fetch, Host: "http://127.0.0.1:40000/video", URL: "http://127.0.0.1:40000/video/clip.mp4",
		Path: "/clip.mp4", Status: 206}
	for b.Loop() {
		bus.Publish(e)
	}
}
