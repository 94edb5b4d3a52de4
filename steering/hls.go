package steering

import (
	"bytes"
	"strings"

	"clusterplay/variants"
)

// DefaultPathway is an HLS variant's PATHWAY-ID when it names none.
const DefaultPathway = "."

// Variant is one #EXT-X-STREAM-INF of a multivariant playlist and its URI.
type Variant struct {
	TagLine, URILine int
	URI              string
	Pathway          string
	StableID         string
	// Key is what makes two variants the same variant on two pathways:
	// the attributes hls.js compares, group names left out.
	Key string
	// Groups are the rendition groups it names, by type (AUDIO,
	// SUBTITLES, VIDEO, CLOSED-CAPTIONS).
	Groups map[string]string
}

// Rendition is one #EXT-X-MEDIA with a URI: an alternative audio,
// subtitle or video playlist of a group.
type Rendition struct {
	Line               int
	URI                string
	Type, Group, Name  string
	Language, StableID string
}

// Master is an HLS multivariant playlist that names alternatives: a
// steering server, or variants on more than one pathway.
type Master struct {
	Lines          []string
	ServerURI      string
	DefaultPathway string
	SteeringLine   int // -1 when there is no #EXT-X-CONTENT-STEERING
	Variants       []Variant
	Renditions     []Rendition
}

// sameVariant are the attributes two variants must share to be one.
var sameVariant = []string{"BANDWIDTH", "AVERAGE-BANDWIDTH", "RESOLUTION", "CODECS", "FRAME-RATE",
	"HDCP-LEVEL", "VIDEO-RANGE", "SCORE", "SUPPLEMENTAL-CODECS"}

// ParseHLS reads body as a multivariant playlist; nil when it is none, or
// names no steering server and a single pathway.
func ParseHLS(body []byte) *Master {
	if !bytes.HasPrefix(bytes.TrimLeft(body, "\ufeff \t\r\n"), []byte("#EXTM3U")) {
		return nil
	}
	m := &Master{Lines: strings.Split(string(body), "\n"), SteeringLine: -1}
	pathways := map[string]bool{}
	for i := 0; i < len(m.Lines); i++ {
		line := strings.TrimRight(m.Lines[i], "\r")
		switch {
		case strings.HasPrefix(line, "#EXT-X-CONTENT-STEERING:"):
			a := variants.Attributes(strings.TrimPrefix(line, "#EXT-X-CONTENT-STEERING:"))
			m.ServerURI, m.DefaultPathway, m.SteeringLine = a["SERVER-URI"], a["PATHWAY-ID"], i
		case strings.HasPrefix(line, "#EXT-X-MEDIA:"):
			a := variants.Attributes(strings.TrimPrefix(line, "#EXT-X-MEDIA:"))
			if a["URI"] != "" {
				m.Renditions = append(m.Renditions, Rendition{Line: i, URI: a["URI"], Type: a["TYPE"], Group: a["GROUP-ID"],
					Name: a["NAME"], Language: a["LANGUAGE"], StableID: a["STABLE-RENDITION-ID"]})
			}
		case strings.HasPrefix(line, "#EXT-X-STREAM-INF:"):
			v := variantAt(m.Lines, i)
			if v == nil {
				continue
			}
			m.Variants = append(m.Variants, *v)
			pathways[v.Pathway] = true
			i = v.URILine
		}
	}
	if len(m.Variants) == 0 || (m.ServerURI == "" && len(pathways) < 2) {
		return nil
	}
	return m
}

func variantAt(lines []string, i int) *Variant {
	a := variants.Attributes(strings.TrimPrefix(strings.TrimRight(lines[i], "\r"), "#EXT-X-STREAM-INF:"))
	for j := i + 1; j < len(lines); j++ {
		uri := strings.TrimSpace(lines[j])
		if uri == "" || strings.HasPrefix(uri, "#") {
			continue
		}
		v := &Variant{TagLine: i, URILine: j, URI: uri, Pathway: a["PATHWAY-ID"], StableID: a["STABLE-VARIANT-ID"]}
		if v.Pathway == "" {
			v.Pathway = DefaultPathway
		}
		var key []string
		for _, k := range sameVariant {
			key = append(key, a[k])
		}
		v.Key = strings.Join(key, "\x00")
		v.Groups = map[string]string{}
		for _, typ := range []string{"AUDIO", "SUBTITLES", "VIDEO", "CLOSED-CAPTIONS"} {
			if g := a[typ]; g != "" {
				v.Groups[typ] = g
			}
		}
		return v
	}
	return nil
}

// Pathways are the pathway IDs the variants name, in playlist order.
func (m *Master) Pathways() []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range m.Variants {
		if !seen[v.Pathway] {
			out = append(out, v.Pathway)
			seen[v.Pathway] = true
		}
	}
	return out
}

// On is the variants of one pathway, in playlist order.
func (m *Master) On(pathway string) []Variant {
	var out []Variant
	for _, v := range m.Variants {
		if v.Pathway == pathway {
			out = append(out, v)
		}
	}
	return out
}

// Match is the variant of others that is shown's alternative: the same
// STABLE-VARIANT-ID, else the same attributes, else the one at the same
// place k. ok is false when others is empty.
func Match(shown Variant, k int, others []Variant) (Variant, bool) {
	if len(others) == 0 {
		return Variant{}, false
	}
	for _, o := range others {
		if shown.StableID != "" && o.StableID == shown.StableID {
			return o, true
		}
	}
	for _, o := range others {
		if o.Key == shown.Key {
			return o, true
		}
	}
	return others[min(k, len(others)-1)], true
}

// Show is the playlist with only pathway's variants, their URIs replaced
// by uri(k) (k their place among them), its renditions' by
// renditionURI(j), and without the steering tag: the player sees one
// pathway, and the relay steers.
func (m *Master) Show(pathway string, uri, renditionURI func(int) string) []byte {
	drop := map[int]bool{}
	if m.SteeringLine >= 0 {
		drop[m.SteeringLine] = true
	}
	replace := map[int]string{}
	k := 0
	for _, v := range m.Variants {
		if v.Pathway != pathway {
			for l := v.TagLine; l <= v.URILine; l++ {
				drop[l] = true
			}
			continue
		}
		replace[v.URILine] = uri(k)
		k++
	}
	m.showRenditions(pathway, renditionURI, drop, replace)
	var out bytes.Buffer
	for i, line := range m.Lines {
		if drop[i] {
			continue
		}
		if r, ok := replace[i]; ok {
			line = r
		}
		out.WriteString(line)
		if i < len(m.Lines)-1 {
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}
