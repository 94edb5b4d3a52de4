package faults

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Verb names what an action does to a request.
type Verb string

// The actions a rule may take, as the plan writes them.
const (
	Status      Verb = "status"       // status CODE: this answer instead of the host's
	Delay       Verb = "delay"        // delay D: the request waits D before it goes to the host
	Hang        Verb = "hang"         // hang: no answer at all
	Reset       Verb = "reset"        // reset after N bytes: the connection is reset
	Stall       Verb = "stall"        // stall after N bytes for D: no byte for D, then the rest
	Throttle    Verb = "throttle"     // throttle RATE: the body at RATE bytes a second
	Truncate    Verb = "truncate"     // truncate after N bytes: a clean early end
	Corrupt     Verb = "corrupt"      // corrupt: other bytes of the same length
	SlowHeaders Verb = "slow-headers" // slow-headers D: the headers come D late
)

// Verbs lists the actions, in the order the docs give them.
var Verbs = []Verb{Status, Delay, Hang, Reset, Stall, Throttle, Truncate, Corrupt, SlowHeaders}

// Action is what a rule does to the requests it selects.
type Action struct {
	Verb  Verb
	Code  int           // status
	Bytes int64         // reset, stall, truncate: after this many body bytes
	For   time.Duration // delay, stall, slow-headers
	Rate  int64         // throttle: bytes a second
}

// String is the action as a plan writes it, in its canonical form.
func (a Action) String() string {
	switch a.Verb {
	case Status:
		return fmt.Sprintf("status %d", a.Code)
	case Delay, SlowHeaders:
		return fmt.Sprintf("%s %s", a.Verb, a.For)
	case Reset, Truncate:
		return fmt.Sprintf("%s after %d bytes", a.Verb, a.Bytes)
	case Stall:
		return fmt.Sprintf("stall after %d bytes for %s", a.Bytes, a.For)
	case Throttle:
		return fmt.Sprintf("throttle %dB/s", a.Rate)
	}
	return string(a.Verb)
}

// Body reports whether the action works on the body, after the headers
// came as the host sent them.
func (a Action) Body() bool {
	switch a.Verb {
	case Reset, Stall, Throttle, Truncate, Corrupt:
		return true
	}
	return false
}

// ParseAction reads one action: "status 503", "delay 2s", "hang",
// "reset after 1000 bytes", "stall after 64KB for 5s", "throttle 200KB/s",
// "truncate after 100 bytes", "corrupt", "slow-headers 3s".
func ParseAction(s string) (Action, error) {
	words := strings.Fields(s)
	if len(words) == 0 {
		return Action{}, fmt.Errorf("empty action; want one of %s", verbList())
	}
	a := Action{Verb: Verb(strings.ToLower(words[0]))}
	args := words[1:]
	var err error
	switch a.Verb {
	case Status:
		if len(args) != 1 {
			return a, fmt.Errorf("%q: want status CODE", s)
		}
		a.Code, err = strconv.Atoi(args[0])
		if err != nil || a.Code < 100 || a.Code > 599 {
			return a, fmt.Errorf("%q: the status must be a number from 100 to 599", s)
		}
	case Delay, SlowHeaders:
		if len(args) != 1 {
			return a, fmt.Errorf("%q: want %s DURATION", s, a.Verb)
		}
		a.For, err = ParseDuration(args[0])
	case Hang, Corrupt:
		if len(args) != 0 {
			return a, fmt.Errorf("%q: %s takes nothing more", s, a.Verb)
		}
	case Reset, Truncate:
		if len(args) == 0 && a.Verb == Reset {
			return a, nil // reset at once
		}
		a.Bytes, args, err = afterBytes(s, args)
		if err == nil && len(args) != 0 {
			err = fmt.Errorf("%q: want %s after N bytes", s, a.Verb)
		}
	case Stall:
		a.Bytes, args, err = afterBytes(s, args)
		if err == nil && (len(args) != 2 || args[0] != "for") {
			err = fmt.Errorf("%q: want stall after N bytes for DURATION", s)
		}
		if err == nil {
			a.For, err = ParseDuration(args[1])
		}
	case Throttle:
		if len(args) == 0 {
			return a, fmt.Errorf("%q: want throttle RATE (e.g. 200KB/s, 2Mbit/s)", s)
		}
		a.Rate, err = ParseRate(strings.Join(args, ""))
	default:
		return a, fmt.Errorf("unknown action %q; want one of %s", words[0], verbList())
	}
	if err != nil {
		return a, err
	}
	return a, nil
}

func verbList() string {
	names := make([]string, len(Verbs))
	for i, v := range Verbs {
		names[i] = string(v)
	}
	return strings.Join(names, ", ")
}

// afterBytes reads "after N [bytes]" (N may carry a unit: 64KB, 1MiB)
// from the front of args and returns the rest.
func afterBytes(s string, args []string) (int64, []string, error) {
	if len(args) < 2 || args[0] != "after" {
		return 0, nil, fmt.Errorf("%q: want after N bytes", s)
	}
	n, err := ParseSize(args[1])
	if err != nil {
		return 0, nil, fmt.Errorf("%q: %v", s, err)
	}
	rest := args[2:]
	if len(rest) > 0 && (rest[0] == "bytes" || rest[0] == "byte") {
		rest = rest[1:]
	}
	return n, rest, nil
}

// sizeUnits are the units a size or rate may carry: decimal and binary
// bytes, and bits for rates.
var sizeUnits = []struct {
	suffix string
	bytes  float64
}{
	{"kib", 1024}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kbit", 125}, {"mbit", 125_000}, {"gbit", 125_000_000}, {"bit", 0.125},
	{"kbps", 125}, {"mbps", 125_000},
	{"kb", 1000}, {"mb", 1e6}, {"gb", 1e9}, {"k", 1000}, {"m", 1e6}, {"b", 1},
}

// ParseSize reads a count of bytes: 1000, 64KB, 1.5MiB.
func ParseSize(s string) (int64, error) {
	v, err := parseAmount(strings.TrimSuffix(strings.ToLower(s), "bytes"))
	if err != nil {
		return 0, fmt.Errorf("%q is not a size in bytes (1000, 64KB, 1MiB)", s)
	}
	return v, nil
}

// ParseRate reads bytes a second: 200KB/s, 2Mbit/s, 800kbps, 50000.
func ParseRate(s string) (int64, error) {
	v, err := parseAmount(strings.TrimSuffix(strings.ToLower(s), "/s"))
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%q is not a rate (200KB/s, 2Mbit/s, 800kbps, or bytes a second)", s)
	}
	return v, nil
}

func parseAmount(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := 1.0
	for _, u := range sizeUnits {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(num), u.bytes
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || v*mult > 1<<62 {
		return 0, fmt.Errorf("bad amount")
	}
	return int64(v * mult), nil
}

// ParseDuration reads a duration as Go writes it (1500ms, 2s, 1m30s); a
// bare number is seconds.
func ParseDuration(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 {
		return time.Duration(f * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration (2s, 1500ms, 1m30s)", s)
	}
	return d, nil
}
