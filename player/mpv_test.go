package player

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// newCore returns an initialized headless core; extra options go first so
// a test can override the defaults.
func newCore(t *testing.T, extra ...[2]string) *mpvHandle {
	t.Helper()
	m, err := newMPV()
	if err != nil {
		t.Fatalf("newMPV: %v", err)
	}
	t.Cleanup(m.TerminateDestroy)
	opts := append(extra, [][2]string{
		{"terminal", "no"}, {"vo", "null"}, {"ao", "null"}, {"idle", "yes"}, {"ytdl", "no"},
	}...)
	for _, o := range opts {
		if err := m.SetOptionString(o[0], o[1]); err != nil {
			t.Fatalf("SetOptionString(%s, %s): %v", o[0], o[1], err)
		}
	}
	if err := m.Initialize(); err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	return m
}

// waitMPV returns the first event accepted by match, failing after waitLong.
func waitMPV(t *testing.T, m *mpvHandle, what string, match func(mpvEvent) bool) mpvEvent {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for time.Now().Before(deadline) {
		if ev := m.WaitEvent(0.5); ev.ID != eventNone && match(ev) {
			return ev
		}
	}
	t.Fatalf("no %s within %v", what, waitLong)
	return mpvEvent{}
}

func TestClientAPIVersion(t *testing.T) {
	v := mpvClientAPIVersion()
	if major := v >> 16; major < 2 {
		t.Fatalf("client API %d.%d, want 2.x (mpv 0.35+)", major, v&0xffff)
	}
	t.Logf("libmpv client API %d.%d", v>>16, v&0xffff)
}

func TestSetOptionString(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		want        error
	}{
		{"volume", "50", nil},
		{"network-timeout", "2.5", nil}, // parses only with LC_NUMERIC=C
		{"stream-lavf-o", "reconnect=0,reconnect_streamed=0", nil},
		{"vo", "null", nil},
		{"no-such-option", "1", ErrOptionNotFound},
		// Through the string API a value mpv cannot parse is an "error
		// setting option"; ErrOptionFormat is only for a wrong mpv_format.
		{"volume", "loud", ErrOptionError},
		{"keep-open", "perhaps", ErrOptionError},
		{"volume\x00x", "1", ErrInvalidParameter},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			m, err := newMPV()
			if err != nil {
				t.Fatal(err)
			}
			defer m.TerminateDestroy()
			err = m.SetOptionString(tc.name, tc.value)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), strings.Split(tc.name, "\x00")[0]) {
				t.Errorf("error %q does not name the option", err)
			}
		})
	}
}

func TestCommand(t *testing.T) {
	m := newCore(t)
	for _, tc := range []struct {
		args []string
		want error
	}{
		{[]string{"set", "volume", "42"}, nil},
		{[]string{"cycle", "pause"}, nil},
		{[]string{"stop"}, nil},
		// Arguments are never parsed: a ';' or quotes are just text.
		{[]string{"set", "title", `a "b"; quit`}, nil},
		{[]string{"no-such-command"}, ErrInvalidParameter},
		{[]string{"seek", "not-a-number"}, ErrInvalidParameter},
		{[]string{"set", "no-such-property", "1"}, ErrCommand},
		{[]string{"set", "volume", "loud"}, ErrCommand},
		{[]string{"loadfile"}, ErrInvalidParameter},
		{[]string{"set", "title", "nul\x00byte"}, ErrInvalidParameter},
		{nil, ErrInvalidParameter},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			err := m.Command(tc.args...)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	if title, err := m.GetPropertyString("title"); err != nil || title != `a "b"; quit` {
		t.Errorf("title = %q, %v; want the argument verbatim", title, err)
	}
}

func TestProperties(t *testing.T) {
	m := newCore(t)
	t.Run("string", func(t *testing.T) {
		const want = "clusterplay ✓ ünïcode"
		if err := m.SetPropertyString("title", want); err != nil {
			t.Fatal(err)
		}
		if got, err := m.GetPropertyString("title"); err != nil || got != want {
			t.Fatalf("got %q, %v", got, err)
		}
	})
	t.Run("flag", func(t *testing.T) {
		for _, want := range []bool{true, false} {
			if err := m.SetPropertyFlag("pause", want); err != nil {
				t.Fatal(err)
			}
			if got, err := m.GetPropertyFlag("pause"); err != nil || got != want {
				t.Fatalf("got %v, %v; want %v", got, err, want)
			}
		}
	})
	t.Run("double", func(t *testing.T) {
		if err := m.SetPropertyDouble("volume", 37.5); err != nil {
			t.Fatal(err)
		}
		if got, err := m.GetPropertyDouble("volume"); err != nil || got != 37.5 {
			t.Fatalf("got %v, %v", got, err)
		}
		// mpv converts between formats: the same property as a string.
		if got, err := m.GetPropertyString("volume"); err != nil || got != "37.500000" {
			t.Fatalf("as string: got %q, %v", got, err)
		}
	})
	t.Run("int64", func(t *testing.T) {
		if err := m.SetPropertyInt64("osd-level", 2); err != nil {
			t.Fatal(err)
		}
		if got, err := m.GetPropertyInt64("osd-level"); err != nil || got != 2 {
			t.Fatalf("got %v, %v", got, err)
		}
	})
	for _, tc := range []struct {
		name string
		do   func() error
		want error
	}{
		{"get unknown", func() error { _, err := m.GetPropertyString("no-such-property"); return err }, ErrPropertyNotFound},
		{"set unknown", func() error { return m.SetPropertyFlag("no-such-property", true) }, ErrPropertyNotFound},
		{"idle time-pos", func() error { _, err := m.GetPropertyDouble("time-pos"); return err }, ErrPropertyUnavailable},
		{"idle duration", func() error { _, err := m.GetPropertyDouble("duration"); return err }, ErrPropertyUnavailable},
		{"flag as double", func() error { return m.SetPropertyDouble("pause", 1) }, ErrPropertyError},
		{"title as int64", func() error { return m.SetPropertyInt64("title", 1) }, ErrPropertyError},
		{"read-only", func() error { return m.SetPropertyDouble("duration", 1) }, ErrPropertyUnavailable},
		{"string as flag", func() error { _, err := m.GetPropertyFlag("title"); return err }, ErrPropertyFormat},
		{"bad string value", func() error { return m.SetPropertyString("volume", "loud") }, ErrPropertyFormat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.do(); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestErrorStrings(t *testing.T) {
	for _, tc := range []struct {
		err  Error
		want string
	}{
		{ErrLoadingFailed, "loading failed"},
		{ErrPropertyNotFound, "property not found"},
		{ErrPropertyUnavailable, "property unavailable"},
		{ErrPropertyFormat, "unsupported format for accessing property"},
		{ErrOptionNotFound, "option not found"},
		{ErrOptionFormat, "unsupported format for accessing option"},
		{ErrOptionError, "error setting option"},
		{ErrPropertyError, "error accessing property"},
		{ErrCommand, "error running command"},
		{ErrNothingToPlay, "no audio or video data played"},
		{ErrUnknownFormat, "unrecognized file format"},
		{ErrInvalidParameter, "invalid parameter"},
		{ErrGeneric, "something happened"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error(%d) = %q, want %q", int(tc.err), got, tc.want)
		}
	}
	wrapped := error(Error(-13))
	if !errors.Is(wrapped, ErrLoadingFailed) || errors.Is(wrapped, ErrCommand) {
		t.Error("errors.Is does not match codes")
	}
	var e Error
	if !errors.As(codeError(-10), &e) || e != ErrPropertyUnavailable || codeError(0) != nil || codeError(3) != nil {
		t.Error("codeError mapping broken")
	}
}
