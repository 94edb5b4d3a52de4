package config

import (
	"strings"
	"testing"
	"time"
)

// TestCodecShow: what --help and docs/flags.md show as a default. pflag
// hides "", "0" and "false", so those are what "nothing to show" must be.
func TestCodecShow(t *testing.T) {
	t.Parallel()
	f := 55.5
	tests := []struct{ got, want string }{
		{asDuration.show(2 * time.Second), "2s"},
		{asDuration.show(0), "0"},
		{asDurationOrOff.show(0), "off"},
		{asDurationOrOff.show(250 * time.Millisecond), "250ms"},
		{asInt.show(3), "3"},
		{optional(asNumber).show(nil), ""},
		{optional(asNumber).show(&f), "55.5"},
		{asSwitch.show(false), "false"},
		{asOffSwitch.show(true), "false"}, // mpvConfig on = --no-mpv-config not given
		{asHosts.show(nil), ""},
		{asMpv.show([][2]string{{"a", "b"}}), ""},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: show = %q, want %q", i, tt.got, tt.want)
		}
	}
}

// TestCodecParse runs flag arguments through the codecs, errors included.
func TestCodecParse(t *testing.T) {
	t.Parallel()
	parse := func(c any, arg string) (any, error) {
		switch c := c.(type) {
		case *codec[time.Duration]:
			return c.parse(arg, 0)
		case *codec[int]:
			return c.parse(arg, 0)
		case *codec[*float64]:
			v, err := c.parse(arg, nil)
			if v == nil {
				return nil, err
			}
			return *v, err
		case *codec[bool]:
			return c.parse(arg, false)
		case *codec[string]:
			return c.parse(arg, "")
		}
		panic("codec type")
	}
	policy := oneOfCodec("policy", []string{"ordered", "random"})
	tests := []struct {
		c    any
		arg  string
		want any
		err  string
	}{
		{asDuration, "1500", 1500 * time.Millisecond, ""},
		{asDuration, "off", nil, `want a duration like 1500ms or 2s, or a number of milliseconds, got "off"`},
		{asDurationOrOff, "off", time.Duration(0), ""},
		{asInt, " 4 ", 4, ""},
		{asInt, "three", nil, `want a whole number, got "three"`},
		{optional(asNumber), "1e2", 100.0, ""},
		{optional(asNumber), "loud", nil, `want a number, got "loud"`},
		{asSwitch, "0", false, ""},
		{asSwitch, "maybe", nil, `want on or off (or true, false, yes, no), got "maybe"`},
		{asOffSwitch, "true", false, ""},
		{asString, " as is ", " as is ", ""},
		{policy, " Random ", "random", ""},
		{policy, "x", nil, `want one of ordered, random, got "x"`},
	}
	for _, tt := range tests {
		got, err := parse(tt.c, tt.arg)
		switch {
		case tt.err != "" && (err == nil || err.Error() != tt.err):
			t.Errorf("%T %q: error %v, want %q", tt.c, tt.arg, err, tt.err)
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("%T %q: %v, %v; want %v", tt.c, tt.arg, got, err, tt.want)
		}
	}
}

// TestRepeatableFlags: --host and --mpv add to what came before.
func TestRepeatableFlags(t *testing.T) {
	t.Parallel()
	hosts, _ := asHosts.parse("a", nil)
	hosts, _ = asHosts.parse("b", hosts)
	if len(hosts) != 2 || hosts[1].URL != "b" {
		t.Errorf("hosts %+v", hosts)
	}
	opts, _ := asMpv.parse("x=1", nil)
	opts, _ = asMpv.parse("--x=2", opts)
	if len(opts) != 2 || opts[1] != [2]string{"x", "2"} {
		t.Errorf("mpv %q", opts)
	}
	if _, err := asMpv.parse("x", opts); err == nil || !strings.Contains(err.Error(), "NAME=VALUE") {
		t.Errorf("mpv x: %v", err)
	}
}
