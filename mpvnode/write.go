package mpvnode

import (
	"encoding/json"
	"math"
	"strconv"
)

// Append writes v as mpv's IPC writes a node: no whitespace, a double
// with six decimals ("%f": 1.500000), a double that is not finite as a
// string ("inf", "nan"), control characters escaped and every other byte
// as it is. Besides node values it takes json.RawMessage (written as it
// is: the reply to one of clusterplay's own commands) and, for anything
// else, what encoding/json makes of it.
func Append(dst []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, v)
	case int64:
		return strconv.AppendInt(dst, v, 10)
	case int:
		return strconv.AppendInt(dst, int64(v), 10)
	case float64:
		return appendDouble(dst, v)
	case string:
		return appendString(dst, v)
	case []any:
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = Append(dst, e)
		}
		return append(dst, ']')
	case Map:
		dst = append(dst, '{')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, e.Key)
			dst = append(dst, ':')
			dst = Append(dst, e.Value)
		}
		return append(dst, '}')
	case json.RawMessage:
		if len(v) == 0 {
			return append(dst, "null"...)
		}
		return append(dst, v...)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return append(dst, "null"...)
	}
	return append(dst, out...)
}

// appendDouble is C's "%f", quoted when the value is not finite.
func appendDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, `"nan"`...)
	case math.IsInf(f, 1):
		return append(dst, `"inf"`...)
	case math.IsInf(f, -1):
		return append(dst, `"-inf"`...)
	}
	return strconv.AppendFloat(dst, f, 'f', 6, 64)
}

// appendString escapes what mpv escapes: the quote, the backslash and the
// bytes below 0x20; the rest, invalid UTF-8 included, goes out as it is.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			dst = append(dst, '\\', '"')
		case c == '\\':
			dst = append(dst, '\\', '\\')
		case c >= 0x20:
			dst = append(dst, c)
		case c == '\b':
			dst = append(dst, '\\', 'b')
		case c == '\f':
			dst = append(dst, '\\', 'f')
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		default:
			const hexDigits = "0123456789abcdef"
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
	}
	return append(dst, '"')
}
