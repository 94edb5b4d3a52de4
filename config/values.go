package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Custom pflag.Values: pflag's own int and float values report
// strconv's wording ("parsing "x": invalid syntax"); these say what is
// wanted and run the same range checks the config file uses.

// intValue is a whole number with a range check.
type intValue struct {
	p     *int
	check func(int) error
}

func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("want a whole number, got %q", s)
	}
	if err := v.check(n); err != nil {
		return err
	}
	*v.p = n
	return nil
}

func (v *intValue) Type() string { return "int" }

func (v *intValue) String() string {
	if v == nil || v.p == nil {
		return ""
	}
	return strconv.Itoa(*v.p)
}

// floatValue is a number with a range check.
type floatValue struct {
	p     *float64
	check func(float64) error
}

func (v *floatValue) Set(s string) error {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return fmt.Errorf("want a number, got %q", s)
	}
	if err := v.check(f); err != nil {
		return err
	}
	*v.p = f
	return nil
}

func (v *floatValue) Type() string { return "number" }

func (v *floatValue) String() string {
	if v == nil || v.p == nil {
		return ""
	}
	return strconv.FormatFloat(*v.p, 'g', -1, 64)
}

// enumValue is one of a fixed set of words, case-insensitive. typ is the
// placeholder in the usage: "" for --demo, so that it reads
// "--demo[=failover]" like the optional value it is.
type enumValue struct {
	p       *string
	allowed []string
	typ     string
}

func (v *enumValue) Set(s string) error {
	w, err := oneOf(s, v.allowed)
	if err != nil {
		return err
	}
	*v.p = w
	return nil
}

func (v *enumValue) Type() string { return v.typ }

func (v *enumValue) String() string {
	if v == nil || v.p == nil {
		return ""
	}
	return *v.p
}

// boolValue is a switch: "--insecure" or "--insecure=false". Unlike
// pflag's own bool it is shown as plain "--insecure" in the usage instead
// of "--insecure[=true|false]"; newFlagSet sets NoOptDefVal "true", which
// is what makes the value optional on the command line.
type boolValue struct {
	p *bool
}

func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("want true or false, got %q", s)
	}
	*v.p = b
	return nil
}

func (v *boolValue) Type() string { return "bool" }

func (v *boolValue) String() string {
	if v == nil || v.p == nil {
		return "false"
	}
	return strconv.FormatBool(*v.p)
}

// mpvValue collects repeated NAME=VALUE options in order.
type mpvValue struct {
	p *[][2]string
}

func (v *mpvValue) Set(s string) error {
	kv, err := parseMpvOption(s)
	if err != nil {
		return err
	}
	*v.p = append(*v.p, kv)
	return nil
}

func (v *mpvValue) Type() string { return "NAME=VALUE" }

// String is empty so that the usage shows no default.
func (v *mpvValue) String() string { return "" }

// parseMpvOption splits NAME=VALUE. A leading "--" is dropped because users
// copy options from mpv's own command line.
func parseMpvOption(s string) ([2]string, error) {
	name, value, ok := strings.Cut(s, "=")
	name = strings.TrimPrefix(strings.TrimSpace(name), "--")
	if !ok || name == "" {
		return [2]string{}, fmt.Errorf("want NAME=VALUE (e.g. hwdec=auto), got %q", s)
	}
	return [2]string{name, value}, nil
}
