package relay

import (
	"net/http"
	"regexp"
	"strings"

	"clusterplay/variants"
)

// What the player is shown of a multivariant manifest (--quality): all of
// it for a relay without a quality (clusterplay relay: the player adapts
// itself), the one variant a fixed quality names, or for auto the one
// virtual variant whose segments the relay chooses (variants_abr.go).
// steer19's pathway view, where there is one, comes first: this sees the
// manifest the player would otherwise get.

// variantView returns the manifest body to serve for clip.
func (r *Relay) variantView(req *http.Request, clip string, body []byte) []byte {
	q := r.opts.Quality
	if q == "" {
		return body
	}
	vs := variants.Parse(body)
	auto := q == variants.Auto || strings.HasPrefix(q, variants.Auto+",")
	if len(vs) == 1 && auto && strings.Contains(string(body), "<MPD") {
		return r.dashAudio(req, clip, body, body, nil, vs[0].Bandwidth) // one video, several audio
	}
	if len(vs) < 2 {
		return body
	}
	if auto {
		vs = r.opts.QualityBounds.Allowed(vs)
	}
	chosen, auto, err := variants.Choose(q, vs)
	if err != nil || (auto && r.opts.PlayerAdapts) {
		// A name none matches: the app said so before the player started
		// (clusterplay relay serves any clip: its log says so). A player
		// that adapts on its own is shown every variant for auto.
		if err != nil {
			r.log.Info("quality: shown every variant", "clip", clip, "err", err)
		}
		return body
	}
	hls := strings.Contains(string(body), "#EXT-X-STREAM-INF")
	if auto && hls {
		if out, ok := r.ladderMaster(req, clip, body, vs, chosen); ok {
			return out
		}
	}
	if auto && !hls {
		return r.dashAuto(req, clip, body, vs, chosen)
	}
	if hls {
		return keepHLSVariant(body, chosen)
	}
	return keepRepresentation(body, chosen)
}

// keepHLSVariant is the master with v alone: its EXT-X-STREAM-INF and
// URI, the renditions of its audio group (and every other rendition:
// subtitles, captions), no I-frame playlists. Nothing of the other
// variants is named, so the player fetches nothing of them.
func keepHLSVariant(body []byte, v variants.Variant) []byte {
	lines := strings.Split(string(body), "\n")
	out := make([]string, 0, len(lines))
	kept := false
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(line, "#EXT-X-STREAM-INF:"):
			j := i + 1
			for j < len(lines) && (strings.TrimSpace(lines[j]) == "" || strings.HasPrefix(strings.TrimSpace(lines[j]), "#")) {
				j++
			}
			// A master may list a playlist once per audio group: the one
			// naming v's group, once.
			a := variants.Attributes(strings.TrimPrefix(line, "#EXT-X-STREAM-INF:"))
			if j < len(lines) && strings.TrimSpace(lines[j]) == v.URI && a["AUDIO"] == v.Audio && !kept {
				out = append(out, lines[i], lines[j])
				kept = true
			}
			i = j
		case strings.HasPrefix(line, "#EXT-X-I-FRAME-STREAM-INF:"):
		case strings.HasPrefix(line, "#EXT-X-MEDIA:"):
			a := variants.Attributes(strings.TrimPrefix(line, "#EXT-X-MEDIA:"))
			if a["TYPE"] == "AUDIO" && v.Audio != "" && a["GROUP-ID"] != v.Audio {
				continue
			}
			out = append(out, lines[i])
		default:
			out = append(out, lines[i])
		}
	}
	return []byte(strings.Join(out, "\n"))
}

var (
	dashTags = regexp.MustCompile(`<AdaptationSet\b|<Representation\b|</Period>`)
	idAttr   = regexp.MustCompile(`\sid\s*=\s*["']([^"']*)["']`)
)

// keepRepresentation is the MPD with v alone in its adaptation set (of
// the first period, where variants.Parse reads them): the other
// representations' elements are cut out whole, so neither their media
// nor their initialization is named. The rest of the text is left as the
// host wrote it (dvb: attributes and all).
func keepRepresentation(body []byte, v variants.Variant) []byte {
	s := string(body)
	var out strings.Builder
	set, at := -1, 0
	for {
		loc := dashTags.FindStringIndex(s[at:])
		if loc == nil {
			break
		}
		start := at + loc[0]
		out.WriteString(s[at:start])
		tag := s[start : at+loc[1]]
		if tag != "<Representation" {
			if tag == "<AdaptationSet" {
				set++
			}
			out.WriteString(tag)
			at = at + loc[1]
			if tag == "</Period>" {
				break // later periods are left as they are
			}
			continue
		}
		end := representationEnd(s, start)
		id := ""
		if m := idAttr.FindStringSubmatch(s[start:end]); m != nil {
			id = m[1]
		}
		if set != v.Set || id == v.ID {
			out.WriteString(s[start:end])
		}
		at = end
	}
	out.WriteString(s[at:])
	return []byte(out.String())
}

// representationEnd is the offset just past the Representation element
// that begins at start: its own "/>" or its "</Representation>".
func representationEnd(s string, start int) int {
	gt := strings.IndexByte(s[start:], '>')
	if gt < 0 {
		return len(s)
	}
	gt += start
	if s[gt-1] == '/' {
		return gt + 1
	}
	closeTag := strings.Index(s[gt:], "</Representation>")
	if closeTag < 0 {
		return len(s)
	}
	return gt + closeTag + len("</Representation>")
}
