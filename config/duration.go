package config

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Every duration, on the command line and in the file, is Go syntax
// ("1500ms", "2s", "1m30s") or a bare number. What a bare number counts
// depends on whose setting it is: milliseconds for the cluster's settings,
// because Flowplayer's Cluster plugin configs used milliseconds
// ("connectTimeout: 2000"), and seconds for the player's, because mpv
// reads "--start 15" as 15 seconds. A JSON or YAML number is a bare
// number too.

// bareUnit is what a bare number counts in one setting.
type bareUnit struct {
	unit time.Duration
	name string // "milliseconds": for messages and --help
}

var (
	inMillis  = bareUnit{time.Millisecond, "milliseconds"}
	inSeconds = bareUnit{time.Second, "seconds"}
)

// bareNumber matches what is read as a bare number: digits with an
// optional sign and fraction, but none of strconv's extras (hex,
// exponents, Inf).
var bareNumber = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)$`)

// hint is what a duration should look like, for messages.
func (u bareUnit) hint() string {
	if u == inSeconds {
		return "want a duration like 1m30s or 90s, or a number of seconds"
	}
	return "want a duration like 1500ms or 2s, or a number of milliseconds"
}

// parseDuration reads a duration whose bare number counts unit. allowOff
// also accepts "off" as zero, for --race-delay.
func parseDuration(s string, allowOff bool, unit bareUnit) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if allowOff && strings.EqualFold(s, "off") {
		return 0, nil
	}
	if bareNumber.MatchString(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("%s, got %q", unit.hint(), s)
		}
		return unit.of(f)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		if allowOff {
			return 0, fmt.Errorf("%s, or off; got %q", unit.hint(), s)
		}
		return 0, fmt.Errorf("%s, got %q", unit.hint(), s)
	}
	return d, nil
}

// of converts a bare number, refusing what time.Duration cannot hold
// instead of wrapping around.
func (u bareUnit) of(f float64) (time.Duration, error) {
	limit := float64(math.MaxInt64) / float64(u.unit)
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= limit {
		return 0, fmt.Errorf("duration %v %s is out of range", f, u.name)
	}
	return time.Duration(math.Round(f * float64(u.unit))), nil
}

// example is a bare number of two seconds, for messages.
func (u bareUnit) example() string {
	if u == inSeconds {
		return "2"
	}
	return "2000"
}
