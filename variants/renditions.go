package variants

import (
	"strings"
)

// Rendition is one EXT-X-MEDIA of TYPE=AUDIO of an HLS multivariant
// playlist: an audio track of a group that variants name by AUDIO.
type Rendition struct {
	Group, Name, Language, Channels string
	// URI is the rendition's media playlist as the master names it; ""
	// when the audio travels in the variants' own segments.
	URI string
	// Codecs is the audio part of the CODECS of the first variant that
	// names the group (mp4a.40.2), "" when it says none.
	Codecs string
	// Position is the rendition's place in its group, from 0.
	Position int
}

// AudioKind is one audio track the player may be switched between
// groups for: the same rendition in every group that has it.
type AudioKind struct {
	// Key names the kind: its language and name in the starting group.
	Key string
	// Start is the starting group's rendition; Renditions the kind in
	// every group that has it, Start among them, in the master's order.
	Start      Rendition
	Renditions []Rendition
}

// AudioRenditions are the master's audio renditions in its order.
func AudioRenditions(body []byte) []Rendition {
	groupCodecs := map[string]string{}
	for _, v := range parseHLS(string(body)) {
		if _, seen := groupCodecs[v.Audio]; v.Audio != "" && !seen {
			groupCodecs[v.Audio] = audioCodecs(v.Codecs)
		}
	}
	var out []Rendition
	count := map[string]int{}
	for _, line := range strings.Split(string(body), "\n") {
		attrs, ok := strings.CutPrefix(strings.TrimSpace(line), "#EXT-X-MEDIA:")
		if !ok {
			continue
		}
		a := Attributes(attrs)
		if a["TYPE"] != "AUDIO" {
			continue
		}
		g := a["GROUP-ID"]
		out = append(out, Rendition{Group: g, Name: a["NAME"], Language: a["LANGUAGE"], Channels: a["CHANNELS"],
			URI: a["URI"], Codecs: groupCodecs[g], Position: count[g]})
		count[g]++
	}
	return out
}

// audioFamilies are the codec families of audio a CODECS list may name.
var audioFamilies = map[string]bool{"mp4a": true, "ac-3": true, "ec-3": true, "ac-4": true, "opus": true, "flac": true, "mp3": true, "alac": true}

// audioCodecs is the audio part of a CODECS list.
func audioCodecs(codecs string) string {
	var out []string
	for _, c := range strings.Split(codecs, ",") {
		c = strings.TrimSpace(c)
		fam, _, _ := strings.Cut(c, ".")
		if audioFamilies[strings.ToLower(fam)] {
			out = append(out, c)
		}
	}
	return strings.Join(out, ",")
}

// AudioKinds are the audio tracks of the master that a player on group
// start may be switched between groups for: for each rendition of start
// with its own playlist, the rendition of each other group with the same
// LANGUAGE and the same NAME (else the one at the same position of its
// group, of that LANGUAGE), whose CHANNELS and codec families are the
// same (the codecs when both groups are named by a variant that says
// them). A kind found in start alone is none: there is nothing to switch.
func AudioKinds(body []byte, start string) []AudioKind {
	all := AudioRenditions(body)
	var groups []string
	byGroup := map[string][]Rendition{}
	for _, r := range all {
		if _, seen := byGroup[r.Group]; !seen {
			groups = append(groups, r.Group)
		}
		byGroup[r.Group] = append(byGroup[r.Group], r)
	}
	var out []AudioKind
	for _, s := range byGroup[start] {
		if s.URI == "" {
			continue
		}
		k := AudioKind{Key: s.Language + "/" + s.Name, Start: s}
		uris := map[string]bool{}
		for _, g := range groups {
			r, ok := s, g == start
			if !ok {
				r, ok = sameKind(s, byGroup[g])
			}
			if ok && !uris[r.URI] {
				uris[r.URI] = true
				k.Renditions = append(k.Renditions, r)
			}
		}
		if len(k.Renditions) > 1 {
			out = append(out, k)
		}
	}
	return out
}

// sameKind is the rendition of group that is s's kind, if one is.
func sameKind(s Rendition, group []Rendition) (Rendition, bool) {
	match := func(r Rendition) bool {
		// A group no variant names has no CODECS to compare.
		codecs := r.Codecs == "" || s.Codecs == "" || sameCodec(r.Codecs, s.Codecs)
		return r.URI != "" && r.Language == s.Language && r.Channels == s.Channels && codecs
	}
	for _, r := range group {
		if r.Name == s.Name && match(r) {
			return r, true
		}
	}
	for _, r := range group {
		if r.Position == s.Position && match(r) {
			return r, true
		}
	}
	return Rendition{}, false
}
