package variants

import (
	"strconv"
	"strings"
)

// parseHLS reads the EXT-X-STREAM-INF variants of a multivariant
// playlist, each with the URI on the line that follows it.
func parseHLS(s string) []Variant {
	var out []Variant
	var pending *Variant
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "#EXT-X-STREAM-INF:"):
			v := streamInf(Attributes(strings.TrimPrefix(line, "#EXT-X-STREAM-INF:")))
			pending = &v
		case strings.HasPrefix(line, "#"):
		case pending != nil:
			pending.URI = line
			out = append(out, *pending)
			pending = nil
		}
	}
	return out
}

func streamInf(attrs map[string]string) Variant {
	v := Variant{Codecs: attrs["CODECS"], Audio: attrs["AUDIO"]}
	v.Bandwidth, _ = strconv.ParseInt(attrs["BANDWIDTH"], 10, 64)
	if w, h, ok := strings.Cut(attrs["RESOLUTION"], "x"); ok {
		v.Width, _ = strconv.Atoi(w)
		v.Height, _ = strconv.Atoi(h)
	}
	return v
}

// Attributes reads an HLS attribute list (NAME=value,NAME="quoted,
// value"), the quotes taken off.
func Attributes(list string) map[string]string {
	out := map[string]string{}
	for list != "" {
		name, rest, ok := strings.Cut(list, "=")
		if !ok {
			break
		}
		var value string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				value, rest = rest[1:], ""
			} else {
				value, rest = rest[1:1+end], rest[2+end:]
			}
			rest = strings.TrimPrefix(rest, ",")
		} else {
			value, rest, _ = strings.Cut(rest, ",")
		}
		out[strings.ToUpper(strings.TrimSpace(name))] = strings.TrimSpace(value)
		list = strings.TrimSpace(rest)
	}
	return out
}
