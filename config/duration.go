package config

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// One rule for every duration, on the command line and in the file: Go
// syntax ("1500ms", "2s", "1m30s") or a bare number, which means
// milliseconds because Flowplayer's Cluster plugin configs used
// milliseconds ("connectTimeout: 2000"). A JSON or YAML number is a bare
// number too.

// bareNumber matches what is read as milliseconds: digits with an optional
// sign and fraction, but none of strconv's extras (hex, exponents, Inf).
var bareNumber = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)$`)

const durationHint = `want a duration like 1500ms or 2s, or a number of milliseconds`

// parseDuration reads a duration. allowOff also accepts "off" as zero, for
// --race-delay.
func parseDuration(s string, allowOff bool) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if allowOff && strings.EqualFold(s, "off") {
		return 0, nil
	}
	if bareNumber.MatchString(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("%s, got %q", durationHint, s)
		}
		return millis(f)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		if allowOff {
			return 0, fmt.Errorf("%s, or off; got %q", durationHint, s)
		}
		return 0, fmt.Errorf("%s, got %q", durationHint, s)
	}
	return d, nil
}

// millis converts a number of milliseconds, refusing what time.Duration
// cannot hold instead of wrapping around.
func millis(f float64) (time.Duration, error) {
	const limit = float64(math.MaxInt64) / float64(time.Millisecond)
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= limit {
		return 0, fmt.Errorf("duration %v ms is out of range", f)
	}
	return time.Duration(math.Round(f * float64(time.Millisecond))), nil
}
