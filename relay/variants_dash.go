package relay

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"clusterplay/variants"
)

// --quality auto for DASH: the player is shown the starting
// representation alone, under a virtual id (q and the ladder's id). Its
// SegmentTemplate names segments by $RepresentationID$, so every segment
// the player asks for carries the virtual id in its path, and the relay
// fetches it from the representation the rule chooses then: the path
// with the real id. The representations must share the template's
// numbering (one SegmentTemplate, or the same one in each) and their
// codecs. The initialization the player asks for is the starting
// representation's; a segment from another is preceded by its own
// (variants_dashserve.go).

var (
	initAttr  = regexp.MustCompile(`initialization\s*=\s*"([^"]*)"`)
	templates = regexp.MustCompile(`<SegmentTemplate\b[^>]*>`)
)

// dashLadder registers the switchable representations of the manifest at
// clip and returns the manifest the player sees; ok is false when they
// cannot be switched by path (no $RepresentationID$ template, templates
// that differ).
func (r *Relay) dashLadder(clip string, body []byte, vs []variants.Variant, chosen variants.Variant) ([]byte, bool) {
	s := string(body)
	tpls := templates.FindAllString(s, -1)
	if len(tpls) == 0 || !strings.Contains(s, "$RepresentationID$") {
		return nil, false
	}
	for _, t := range tpls[1:] {
		if t != tpls[0] {
			return nil, false // another numbering per representation: not aligned by path
		}
	}
	l := &ladder{id: ladderID(clip), master: clip, cur: -1, forced: -1, inits: map[string][]byte{}}
	l.dash.mapped = -1
	for _, v := range variants.Switchable(vs, chosen) {
		if v.ID == chosen.ID {
			l.start = len(l.rungs)
		}
		l.rungs = append(l.rungs, v)
		l.lists = append(l.lists, &mediaList{})
	}
	l.marker = "q" + l.id[:8]
	if m := initAttr.FindStringSubmatch(tpls[0]); m != nil {
		l.initName = strings.ReplaceAll(m[1], "$RepresentationID$", l.marker)
	}
	l.segmentSeconds = templateSeconds(tpls[0])
	l.adopt(r.ladders.get(l.id)) // a live manifest's reload
	r.ladders.put(l)
	out := keepRepresentation(body, chosen)
	rep := regexp.MustCompile(`(<Representation\b[^>]*\sid\s*=\s*")` + regexp.QuoteMeta(chosen.ID) + `"`)
	return []byte(rep.ReplaceAllString(string(out), "${1}"+l.marker+`"`)), true
}

// serveDASHLadder answers a request whose path carries a DASH ladder's
// virtual id: its initialization from the starting representation, a
// segment from the one the rule chooses. false when clip is none.
func (r *Relay) serveDASHLadder(w http.ResponseWriter, req *http.Request, clip string) bool {
	l := r.ladders.byMarker(clip)
	if l == nil {
		return false
	}
	real := func(rung int) string { return strings.ReplaceAll(clip, l.marker, l.rungs[rung].ID) }
	name, _, _ := strings.Cut(clip, "?")
	if l.initName != "" && strings.HasSuffix(name, l.initName) {
		l.mu.Lock()
		l.dash.initClip = clip
		l.mu.Unlock()
		r.serveDASHInit(w, req, l, l.start)
		return true
	}
	l.mu.Lock()
	c := r.choose(l, -1)
	prev := l.cur
	lowest := r.lowestUsable(l)
	l.mu.Unlock()
	r.dashSegment(w, req, l, prev, c, lowest, l.segmentSeconds, func(rung int) (mediaSeg, bool) {
		return mediaSeg{clip: real(rung), rng: byteRange{end: -1}}, true
	})
	return true
}

var (
	durationAttr  = regexp.MustCompile(`\sduration\s*=\s*"(\d+)"`)
	timescaleAttr = regexp.MustCompile(`\stimescale\s*=\s*"(\d+)"`)
)

// templateSeconds is a SegmentTemplate's segment duration in seconds, 0
// when it says none (a SegmentTimeline).
func templateSeconds(tpl string) float64 {
	d := durationAttr.FindStringSubmatch(tpl)
	if d == nil {
		return 0
	}
	dur, _ := strconv.ParseFloat(d[1], 64)
	scale := 1.0
	if t := timescaleAttr.FindStringSubmatch(tpl); t != nil {
		scale, _ = strconv.ParseFloat(t[1], 64)
	}
	if scale <= 0 {
		return 0
	}
	return dur / scale
}

// byMarker is the DASH ladder whose virtual id clip carries, nil when
// none.
func (ls *ladders) byMarker(clip string) *ladder {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	for _, l := range ls.m {
		if l.marker != "" && strings.Contains(clip, l.marker) {
			return l
		}
	}
	return nil
}
