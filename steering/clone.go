package steering

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// An Alternative is one rendition of a stream's variant (or rendition) on
// one pathway: the URI it is fetched by, and the stable ID a clone's
// PER-VARIANT-URIS or PER-RENDITION-URIS names it by.
type Alternative struct {
	URI       string
	StableID  string
	Rendition bool // a rendition (EXT-X-MEDIA), not a variant
}

// Expand makes the pathways that clones describe from those that exist:
// each clone's alternatives are its base's, with the replacements
// applied. A clone of an unknown pathway, one that loops back on itself,
// or one whose ID a pathway already has is refused: the reasons are
// returned, one per clone, and the others are made.
func Expand(pathways map[string][]Alternative, clones []Clone) (map[string][]Alternative, []string) {
	out := make(map[string][]Alternative, len(pathways)+len(clones))
	for id, alts := range pathways {
		out[id] = alts
	}
	var refused []string
	pending := append([]Clone(nil), clones...)
	for len(pending) > 0 {
		var left []Clone
		for _, c := range pending {
			base, ok := out[c.BaseID]
			switch {
			case pathways[c.ID] != nil || (ok && c.ID == c.BaseID):
				refused = append(refused, fmt.Sprintf("clone %s: the stream already has that pathway", c.ID))
			case out[c.ID] != nil:
				// Made by an earlier entry of the same name: the first wins.
			case ok:
				out[c.ID] = cloneAlternatives(base, c)
			default:
				left = append(left, c)
			}
		}
		if len(left) == len(pending) {
			for _, c := range left {
				refused = append(refused, cloneRefusal(c, left))
			}
			break
		}
		pending = left
	}
	return out, refused
}

// cloneRefusal says why c could not be made: its base chain among the
// other unmade clones loops, or ends at a pathway nobody has.
func cloneRefusal(c Clone, unmade []Clone) string {
	byID := map[string]Clone{}
	for _, u := range unmade {
		byID[u.ID] = u
	}
	seen := map[string]bool{c.ID: true}
	for at := c.BaseID; ; {
		if seen[at] {
			return fmt.Sprintf("clone %s: PATHWAY-CLONES loop through %s", c.ID, at)
		}
		seen[at] = true
		next, ok := byID[at]
		if !ok {
			return fmt.Sprintf("clone %s: unknown BASE-ID %s", c.ID, c.BaseID)
		}
		at = next.BaseID
	}
}

func cloneAlternatives(base []Alternative, c Clone) []Alternative {
	out := make([]Alternative, len(base))
	for i, a := range base {
		out[i] = a
		per := c.PerVariant
		if a.Rendition {
			per = c.PerRendition
		}
		if u, ok := per[a.StableID]; ok && a.StableID != "" {
			out[i].URI = u
			continue
		}
		out[i].URI = replaceURI(a.URI, c.Host, c.Params)
	}
	return out
}

// replaceURI puts host in place of raw's host (when given) and adds params
// to its query, as URI-REPLACEMENT says.
func replaceURI(raw, host string, params map[string]string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if host != "" {
		u.Host = host
	}
	if len(params) > 0 {
		keys := make([]string, 0, len(params))
		for k := range params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		q := u.Query()
		for _, k := range keys {
			q.Set(k, params[k])
		}
		u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	}
	return u.String()
}
