package relay

import (
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"

	"clusterplay/variants"
)

// mediaList is what the ladder needs of an HLS media playlist: its
// segments (clip paths under the relay), their durations and init
// segments, and what makes a switch impossible.
type mediaList struct {
	version, target int
	sequence        int64
	vod, ended      bool
	keyed           bool // EXT-X-KEY other than NONE: segments need their own keys
	segs            []mediaSeg
}

type mediaSeg struct {
	dur      float64
	extinf   string // the EXTINF value as written
	clip     string
	rng      byteRange
	init     string // the EXT-X-MAP's clip, "" for TS
	initRng  byteRange
	discont  bool
	hasRange bool
}

// parseMedia reads a media playlist whose URIs the rewriter pointed at
// the relay; self is the playlist's own clip path, base the relay's URL
// and token its path token.
func parseMedia(body []byte, self, base, token string) (*mediaList, error) {
	m := &mediaList{}
	var cur mediaSeg
	var init string
	var initRng byteRange
	var nextOffset int64
	for _, line := range strings.Split(string(body), "\n") {
		line = strings.TrimSpace(line)
		tag, value, _ := strings.Cut(line, ":")
		switch tag {
		case "#EXT-X-VERSION":
			m.version, _ = strconv.Atoi(value)
		case "#EXT-X-TARGETDURATION":
			m.target, _ = strconv.Atoi(value)
		case "#EXT-X-MEDIA-SEQUENCE":
			m.sequence, _ = strconv.ParseInt(value, 10, 64)
		case "#EXT-X-PLAYLIST-TYPE":
			m.vod = value == "VOD"
		case "#EXT-X-ENDLIST":
			m.ended = true
		case "#EXT-X-DISCONTINUITY":
			cur.discont = true
		case "#EXT-X-KEY":
			if a := variants.Attributes(value); a["METHOD"] != "NONE" {
				m.keyed = true
			}
		case "#EXT-X-MAP":
			a := variants.Attributes(value)
			init = clipOf(a["URI"], self, base, token)
			initRng = byteRange{end: -1}
			if br := a["BYTERANGE"]; br != "" {
				initRng, _ = parseByteRange(br, 0)
			}
		case "#EXTINF":
			d, _, _ := strings.Cut(value, ",")
			cur.extinf = d
			cur.dur, _ = strconv.ParseFloat(d, 64)
		case "#EXT-X-BYTERANGE":
			cur.rng, nextOffset = parseByteRange(value, nextOffset)
			cur.hasRange = true
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cur.clip = clipOf(line, self, base, token)
		if cur.clip == "" {
			return nil, fmt.Errorf("a segment outside the cluster: %s", line)
		}
		if !cur.hasRange {
			cur.rng = byteRange{end: -1}
		}
		cur.init, cur.initRng = init, initRng
		m.segs = append(m.segs, cur)
		cur = mediaSeg{}
	}
	return m, nil
}

// parseByteRange reads HLS's "LENGTH[@OFFSET]"; an absent offset follows
// the previous range. It returns the range and the offset after it.
func parseByteRange(s string, next int64) (byteRange, int64) {
	n, o, hasOffset := strings.Cut(s, "@")
	length, _ := strconv.ParseInt(n, 10, 64)
	start := next
	if hasOffset {
		start, _ = strconv.ParseInt(o, 10, 64)
	}
	return byteRange{asked: true, start: start, end: start + length - 1}, start + length
}

// clipOf is the clip path under the relay a playlist's URI names: an
// absolute URL at base, a path under the token, or a path relative to
// self; "" for a URL outside the cluster.
func clipOf(uri, self, base, token string) string {
	switch {
	case uri == "":
		return ""
	case strings.HasPrefix(uri, base):
		return strings.TrimPrefix(uri, base)
	case strings.Contains(uri, "://"):
		return ""
	case strings.HasPrefix(uri, "/"):
		if token != "" {
			rest, ok := strings.CutPrefix(uri, "/"+token+"/")
			if !ok {
				return ""
			}
			return rest
		}
		return strings.TrimPrefix(uri, "/")
	}
	selfPath, _, _ := strings.Cut(self, "?")
	return strings.TrimPrefix(path.Join(path.Dir("/"+selfPath), uri), "/")
}

// aligned reports whether b's segments are a's: the same media sequence
// numbers and durations (within 10 ms), and both TS or both fMP4.
func aligned(a, b *mediaList) bool {
	if a.sequence != b.sequence || len(a.segs) != len(b.segs) || a.keyed || b.keyed {
		return false
	}
	for i := range a.segs {
		if math.Abs(a.segs[i].dur-b.segs[i].dur) > 0.01 || (a.segs[i].init == "") != (b.segs[i].init == "") {
			return false
		}
	}
	return true
}
