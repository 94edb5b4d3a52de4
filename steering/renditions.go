package steering

import (
	"bytes"
	"strings"
)

// RenditionsOf are the renditions of the groups pathway's variants name,
// in playlist order: that pathway's alternative audio, subtitles and
// video.
func (m *Master) RenditionsOf(pathway string) []Rendition {
	groups := map[string]bool{}
	for _, v := range m.On(pathway) {
		for typ, g := range v.Groups {
			groups[typ+"\x00"+g] = true
		}
	}
	var out []Rendition
	for _, r := range m.Renditions {
		if groups[r.Type+"\x00"+r.Group] {
			out = append(out, r)
		}
	}
	return out
}

// MatchRendition is the rendition of others that is shown's alternative:
// the same STABLE-RENDITION-ID, else the same type, name and language,
// else the same type and language, else the one at the same place j.
func MatchRendition(shown Rendition, j int, others []Rendition) (Rendition, bool) {
	if len(others) == 0 {
		return Rendition{}, false
	}
	tests := []func(o Rendition) bool{
		func(o Rendition) bool { return shown.StableID != "" && o.StableID == shown.StableID },
		func(o Rendition) bool {
			return o.Type == shown.Type && o.Name == shown.Name && o.Language == shown.Language
		},
		func(o Rendition) bool { return o.Type == shown.Type && o.Language == shown.Language },
	}
	for _, same := range tests {
		for _, o := range others {
			if same(o) {
				return o, true
			}
		}
	}
	return others[min(j, len(others)-1)], true
}

// showRenditions rewrites the EXT-X-MEDIA lines of out's source: those of
// the groups the shown pathway names get uri(j) (j their place among
// them), those only other pathways name are dropped.
func (m *Master) showRenditions(pathway string, uri func(j int) string, drop map[int]bool, replace map[int]string) {
	shown := map[int]int{}
	for j, r := range m.RenditionsOf(pathway) {
		shown[r.Line] = j
	}
	for _, r := range m.Renditions {
		j, ok := shown[r.Line]
		if !ok {
			drop[r.Line] = true
			continue
		}
		replace[r.Line] = replaceAttr(m.Lines[r.Line], "URI", uri(j))
	}
}

// replaceAttr sets a quoted attribute's value in an HLS tag line.
func replaceAttr(line, name, value string) string {
	key := name + `="`
	i := strings.Index(line, key)
	for i > 0 && line[i-1] != ',' && line[i-1] != ':' {
		next := strings.Index(line[i+1:], key)
		if next < 0 {
			return line
		}
		i += 1 + next
	}
	if i < 0 {
		return line
	}
	start := i + len(key)
	end := strings.IndexByte(line[start:], '"')
	if end < 0 {
		return line
	}
	var b bytes.Buffer
	b.WriteString(line[:start])
	b.WriteString(value)
	b.WriteString(line[start+end:])
	return b.String()
}
