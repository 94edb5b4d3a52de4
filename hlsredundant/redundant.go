// Package hlsredundant finds an HLS multivariant playlist's redundant
// variants: variants that differ only by where they are served (the same
// BANDWIDTH, RESOLUTION, CODECS, FRAME-RATE, VIDEO-RANGE and HDCP-LEVEL,
// the attributes hls.js compares), which are one variant on different
// pathways. The player is shown the first of each set; the others are its
// alternatives, in playlist order. Playlists that name PATHWAY-IDs are
// content steering's, not this package's. Pure: no network.
package hlsredundant

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"

	"clusterplay/variants"
)

// compared are the attributes that make two variants the same one.
var compared = []string{"BANDWIDTH", "RESOLUTION", "CODECS", "FRAME-RATE", "VIDEO-RANGE", "HDCP-LEVEL"}

// Variant is one #EXT-X-STREAM-INF and its URI line.
type Variant struct {
	URL *url.URL // the URI resolved against the playlist's URL
	// Start and End are the byte offsets of the tag line's start and the
	// URI line's end (its line break included).
	Start, End int
}

// Group is one variant on several pathways, in playlist order.
type Group struct {
	Key      string // the compared attributes, as written
	Variants []Variant
}

// ID names the group by its URLs, the same on every reload.
func (g Group) ID() string {
	h := sha256.New()
	for _, v := range g.Variants {
		h.Write([]byte(v.URL.String()))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// Find returns the sets of redundant variants of the playlist fetched
// from at, in the order of their first variant; none for a media
// playlist, one that names PATHWAY-IDs, or one with no repeats.
func Find(body []byte, at *url.URL) []Group {
	if !bytes.Contains(body, []byte("#EXT-X-STREAM-INF:")) || bytes.Contains(body, []byte("PATHWAY-ID=")) {
		return nil // a media playlist (every live reload), or steering's
	}
	var groups []*Group
	byKey := map[string]*Group{}
	pending, pendingStart := "", -1
	for off := 0; off < len(body); {
		end := bytes.IndexByte(body[off:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += off + 1
		}
		line := strings.TrimRight(string(body[off:end]), "\r\n")
		switch {
		case strings.HasPrefix(line, "#EXT-X-STREAM-INF:"):
			pending, pendingStart = key(line[len("#EXT-X-STREAM-INF:"):]), off
		case pendingStart >= 0 && line != "" && !strings.HasPrefix(line, "#"):
			if ref, err := url.Parse(strings.TrimSpace(line)); err == nil {
				g := byKey[pending]
				if g == nil {
					g = &Group{Key: pending}
					byKey[pending] = g
					groups = append(groups, g)
				}
				g.Variants = append(g.Variants, Variant{URL: at.ResolveReference(ref), Start: pendingStart, End: end})
			}
			pendingStart = -1
		}
		off = end
	}
	var out []Group
	for _, g := range groups {
		if len(g.Variants) > 1 {
			out = append(out, *g)
		}
	}
	return out
}

// Reduce returns body with each group shown as its first variant, whose
// URI line becomes point(group); the others are removed, tag and URI.
func Reduce(body []byte, groups []Group, point func(Group) string) []byte {
	drop := map[int]int{}      // start -> end of what goes
	replace := map[int]Group{} // start of a kept variant
	for _, g := range groups {
		replace[g.Variants[0].Start] = g
		for _, v := range g.Variants[1:] {
			drop[v.Start] = v.End
		}
	}
	var out bytes.Buffer
	for off := 0; off < len(body); {
		if end, ok := drop[off]; ok {
			off = end
			continue
		}
		if g, ok := replace[off]; ok {
			v := g.Variants[0]
			seg := body[v.Start:v.End]
			last := bytes.LastIndexByte(bytes.TrimRight(seg, "\r\n"), '\n') + 1 // the URI line
			out.Write(seg[:last])
			out.WriteString(point(g))
			out.Write(seg[len(bytes.TrimRight(seg, "\r\n")):]) // its line break as it was
			off = v.End
			continue
		}
		end := bytes.IndexByte(body[off:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += off + 1
		}
		out.Write(body[off:end])
		off = end
	}
	return out.Bytes()
}

// key is the compared attributes of a STREAM-INF, as written.
func key(attrs string) string {
	vals := variants.Attributes(attrs)
	var sb strings.Builder
	for _, name := range compared {
		sb.WriteString(name)
		sb.WriteByte('=')
		sb.WriteString(vals[name])
		sb.WriteByte(';')
	}
	return sb.String()
}
