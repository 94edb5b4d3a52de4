package events

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Escape makes text that came from outside (a server's error message, a
// certificate's names, a redirect's Location) safe to print on a
// terminal: the characters that would drive the terminal or reorder what
// it shows are written as escapes. Those are the C0 controls but tab and
// newline, DEL, the C1 controls and the bidi embeddings, overrides and
// isolates (U+202A-U+202E, U+2066-U+2069); a byte that is not UTF-8 is
// escaped too, as an old terminal takes a lone 0x9b for CSI. The escapes
// are Go's: \xNN below 0x80 and for a stray byte, \uNNNN above, so
// ESC is \x1b and RIGHT-TO-LEFT OVERRIDE \u202e. Everything else, the
// backslash included, is kept: a message stays readable, and a string
// that needed nothing comes back as it was.
func Escape(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !unsafeRune(r):
			b.WriteString(s[i : i+size])
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

// firstUnsafe is the index of the first byte that starts an escaped
// character, or -1. Printable ASCII, the common case, is skipped a byte
// at a time without decoding.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f || c == '\t' || c == '\n' {
			i++
			continue
		}
		if c < 0x80 {
			return i
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unsafeRune(r) {
			return i
		}
		i += size
	}
	return -1
}

// unsafeRune reports whether a terminal would act on r rather than show
// it: a control (but tab and newline) or a bidi control.
func unsafeRune(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20 || r >= 0x7f && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// escapeEvent escapes every text field of an event that can carry words
// from outside. The bus applies it, after Redact, to everything it
// carries, so every reader (the plain lines, the JSON lines, the TUI, the
// control socket, the report) shows the same safe text.
func escapeEvent(e Event) Event {
	e.Host, e.Clip, e.URL, e.ToHost = Escape(e.Host), Escape(e.Clip), Escape(e.URL), Escape(e.ToHost)
	e.App, e.PlayPath, e.TCURL = Escape(e.App), Escape(e.PlayPath), Escape(e.TCURL)
	e.Err, e.Path, e.Message = Escape(e.Err), Escape(e.Path), Escape(e.Message)
	e.Rule = Escape(e.Rule) // a fault rule's name, as a plan or a script wrote it
	e.Winner, e.Action = Escape(e.Winner), Escape(e.Action)
	// A stream's pathway IDs and priority list come from its manifest or
	// its steering server; variant names from its manifest.
	e.Pathway, e.PathwayFrom = Escape(e.Pathway), Escape(e.PathwayFrom)
	e.FromVariant, e.ToVariant = Escape(e.FromVariant), Escape(e.ToVariant)
	e.Track = Escape(e.Track) // ours ("audio"), escaped as every text is
	if len(e.Priority) > 0 {
		priority := make([]string, len(e.Priority))
		for i, p := range e.Priority {
			priority[i] = Escape(p)
		}
		e.Priority = priority
	}
	return e
}
