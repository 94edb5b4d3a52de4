package mpvnode

import (
	"math"
	"strconv"
)

// strtoll is C's strtoll(s, &end, 0) on what follows the cursor: the bytes
// it takes (0 when none, or when the value overflows, as mpv treats a
// range error) and the value. Base 0: "0x" starts hex, "0" octal.
func strtoll(s []byte) (int, int64) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	base := 10
	switch {
	case i+2 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && digitValue(s[i+2]) < 16:
		base, i = 16, i+2
	case i < len(s) && s[i] == '0':
		base = 8
	}
	start := i
	for i < len(s) && digitValue(s[i]) < base {
		i++
	}
	if i == start {
		return 0, 0
	}
	digits := string(s[start:i])
	if neg {
		digits = "-" + digits
	}
	v, err := strconv.ParseInt(digits, base, 64)
	if err != nil {
		return 0, 0
	}
	return i, v
}

func digitValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return 99
}

// strtod is C's strtod on what follows the cursor, for the decimal and hex
// forms a number that starts with a digit or '-' can take: the bytes it
// takes (0 when none, or on overflow) and the value.
func strtod(s []byte) (int, float64) {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	hex := i+2 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') &&
		(digitValue(s[i+2]) < 16 || (s[i+2] == '.' && i+3 < len(s) && digitValue(s[i+3]) < 16))
	base, expChar := 10, byte('e')
	if hex {
		base, expChar, i = 16, 'p', i+2
	}
	mantissa := 0
	for i < len(s) && digitValue(s[i]) < base {
		i, mantissa = i+1, mantissa+1
	}
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && digitValue(s[j]) < base {
			j, mantissa = j+1, mantissa+1
		}
		if mantissa > 0 {
			i = j
		}
	}
	if mantissa == 0 {
		return 0, 0
	}
	if i < len(s) && (s[i]|0x20) == expChar {
		j := i + 1
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > j {
			i = k
		}
	}
	text := string(s[:i])
	if hex && !containsByte(text, 'p', 'P') {
		text += "p0" // Go wants the exponent of a hex float
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, 0
	}
	return i, v
}

func containsByte(s string, bs ...byte) bool {
	for i := 0; i < len(s); i++ {
		for _, b := range bs {
			if s[i] == b {
				return true
			}
		}
	}
	return false
}
