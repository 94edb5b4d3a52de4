package relay

import (
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strings"

	"clusterplay/variants"
)

// --quality auto for a static DASH manifest whose representations are
// not numbered by one $RepresentationID$ template: SegmentList,
// SegmentBase (segments from each file's sidx) or a SegmentTemplate per
// representation. The relay lists every rung's segments (clip, byte
// range, duration), keeps the rungs whose segments align with the
// starting one's, and shows the player one virtual representation with
// a SegmentList of the relay's own paths: _quality/ID/init.mp4 and
// _quality/ID/seg-N.m4s. Each segment is served whole from the rung the
// rule chooses then (variants_dashserve.go), after that rung's
// initialization when the player last read another's.

// dashState is what a DASH ladder adds to a ladder.
type dashState struct {
	// list: the virtual representation lists its segments at ladder
	// paths (this file); false for the $RepresentationID$ ladder.
	list bool
	// initClip is the $RepresentationID$ ladder's initialization as the
	// player asked for it (with the virtual id).
	initClip string
	// mapped is the rung whose initialization the player read last, -1
	// before it read one.
	mapped int
}

// dashListLadder registers the switchable representations of the
// manifest at clip as a ladder of listed segments and returns the
// manifest the player sees; ok is false when they cannot be listed (a
// live manifest, addressing that does not resolve, no aligned rung).
func (r *Relay) dashListLadder(req *http.Request, clip string, body []byte, vs []variants.Variant, chosen variants.Variant) ([]byte, *ladder, bool) {
	if periodAddressing(body) {
		return nil, nil, false // the player would read the period's, not the virtual list
	}
	l := r.listLadder(req, clip, clip, body, variants.Switchable(vs, chosen), chosen)
	if l == nil {
		return nil, nil, false
	}
	l.adopt(r.ladders.get(l.id))
	r.ladders.put(l)
	return virtualRepresentation(keepRepresentation(body, chosen), chosen, l, r.baseFor(req)), l, true
}

// listLadder reads each rung's segments (a SegmentBase's sidx through
// the cluster) and returns the ladder, nil when the starting rung's
// cannot be read or no other rung aligns with it.
func (r *Relay) listLadder(req *http.Request, clip, key string, body []byte, rungs []variants.Variant, chosen variants.Variant) *ladder {
	l := &ladder{id: ladderID(key), master: clip, cur: -1, forced: -1, inits: map[string][]byte{}}
	l.dash.list, l.dash.mapped = true, -1
	base := r.baseFor(req)
	for _, v := range rungs {
		if v.ID == chosen.ID {
			l.start = len(l.rungs)
		}
		m, err := r.rungSegments(req, clip, body, v.ID, base)
		if err != nil {
			r.log.Debug("quality: a representation's segments are not listed", "id", v.ID, "err", err)
		}
		l.rungs, l.lists = append(l.rungs, v), append(l.lists, m)
	}
	start := l.lists[l.start]
	if start == nil {
		return nil
	}
	for i, m := range l.lists {
		if m != nil && !timesAlign(start, m) {
			l.lists[i] = nil
		}
	}
	l.segmentSeconds = start.segs[0].dur
	return l
}

// rungSegments lists representation id's segments as clip paths.
func (r *Relay) rungSegments(req *http.Request, clip string, body []byte, id, base string) (*mediaList, error) {
	s, err := variants.RepresentationSegments(body, id)
	if err != nil {
		return nil, err
	}
	where := func(u string) (string, error) {
		p := clipOf(u, clip, base, r.opts.Token)
		if p == "" {
			return "", fmt.Errorf("a segment outside the cluster: %s", u)
		}
		return p, nil
	}
	if s.Index != nil {
		p, err := where(s.Index.URL)
		if err != nil {
			return nil, err
		}
		sidx, err := r.fetchWhole(req.Context(), req, p, segRange(*s.Index), nil)
		if err != nil {
			return nil, err
		}
		if s.Media, err = variants.ParseSidx(sidx, s.Index.End, s.Index.URL); err != nil {
			return nil, err
		}
	}
	m := &mediaList{vod: true, ended: true}
	var init string
	if s.Init.URL != "" {
		if init, err = where(s.Init.URL); err != nil {
			return nil, err
		}
	}
	for _, seg := range s.Media {
		p, err := where(seg.URL)
		if err != nil {
			return nil, err
		}
		m.segs = append(m.segs, mediaSeg{dur: seg.Seconds, clip: p, rng: segRange(seg), init: init, initRng: segRange(s.Init)})
	}
	if len(m.segs) == 0 {
		return nil, fmt.Errorf("representation %s has no segment", id)
	}
	return m, nil
}

func segRange(s variants.Segment) byteRange {
	if s.End < 0 {
		return byteRange{end: -1}
	}
	return byteRange{asked: true, start: s.Start, end: s.End}
}

// timesAlign reports whether b's segments are a's: as many, each
// starting at the same time within 10 ms.
func timesAlign(a, b *mediaList) bool {
	if len(a.segs) != len(b.segs) {
		return false
	}
	var ta, tb float64
	for i := range a.segs {
		if math.Abs(ta-tb) > 0.01 {
			return false
		}
		ta, tb = ta+a.segs[i].dur, tb+b.segs[i].dur
	}
	return math.Abs(ta-tb) <= 0.01
}

var segmentElements = []*regexp.Regexp{
	regexp.MustCompile(`(?s)<SegmentTemplate\b[^>]*/>|<SegmentTemplate\b[^>]*>.*?</SegmentTemplate>`),
	regexp.MustCompile(`(?s)<SegmentList\b[^>]*/>|<SegmentList\b[^>]*>.*?</SegmentList>`),
	regexp.MustCompile(`(?s)<SegmentBase\b[^>]*/>|<SegmentBase\b[^>]*>.*?</SegmentBase>`),
	regexp.MustCompile(`(?s)<BaseURL\b[^>]*>.*?</BaseURL>`),
}

// virtualRepresentation rewrites the adaptation set of v (alone in it
// already): its segment addressing (the set's and the
// representation's) and BaseURLs give way to a SegmentList of l's
// paths, and the representation's id is l's virtual one.
func virtualRepresentation(body []byte, v variants.Variant, l *ladder, base string) []byte {
	s := string(body)
	from, to := adaptationSpan(s, v.Set)
	if from < 0 {
		return body
	}
	set := s[from:to]
	for _, re := range segmentElements {
		set = re.ReplaceAllString(set, "")
	}
	rs := strings.Index(set, "<Representation")
	if rs < 0 {
		return body
	}
	re := representationEnd(set, rs)
	open := set[rs : rs+strings.IndexByte(set[rs:], '>')+1]
	inner := ""
	if !strings.HasSuffix(open, "/>") {
		inner = strings.TrimSuffix(set[rs+len(open):re], "</Representation>")
	} else {
		open = strings.TrimSuffix(open, "/>") + ">"
	}
	open = idAttr.ReplaceAllString(open, ` id="q`+l.id[:8]+`"`)
	prefix := base + ladderPrefix + l.id + "/"
	var list strings.Builder
	fmt.Fprintf(&list, "<SegmentList timescale=\"1000\" duration=\"%d\">\n", int64(math.Round(l.segmentSeconds*1000)))
	fmt.Fprintf(&list, "<Initialization sourceURL=\"%sinit.mp4\"/>\n", prefix)
	for i := range l.lists[l.start].segs {
		fmt.Fprintf(&list, "<SegmentURL media=\"%sseg-%d.m4s\"/>\n", prefix, i)
	}
	list.WriteString("</SegmentList>\n")
	set = set[:rs] + open + inner + list.String() + "</Representation>" + set[re:]
	return []byte(s[:from] + set + s[to:])
}

// adaptationSpan is the text of the first period's adaptation set n
// (counted from 0), -1 when there is none.
func adaptationSpan(s string, n int) (int, int) {
	at := 0
	for k := 0; ; k++ {
		i := strings.Index(s[at:], "<AdaptationSet")
		if i < 0 {
			return -1, -1
		}
		from := at + i
		end := strings.Index(s[from:], "</AdaptationSet>")
		if end < 0 {
			return -1, -1
		}
		to := from + end + len("</AdaptationSet>")
		if k == n {
			return from, to
		}
		at = to
	}
}

// dashAuto is the manifest a player of --quality auto sees of a DASH
// clip: video by $RepresentationID$ (variants_dash.go) or listed
// segments, else the starting representation alone; and an audio set of
// several representations switched on its own.
func (r *Relay) dashAuto(req *http.Request, clip string, body []byte, vs []variants.Variant, chosen variants.Variant) []byte {
	out, ok := r.dashLadder(clip, body, vs, chosen)
	var video *ladder
	if ok {
		video = r.ladders.latest()
	} else if out, video, ok = r.dashListLadder(req, clip, body, vs, chosen); !ok {
		out = keepRepresentation(body, chosen)
	}
	return r.dashAudio(req, clip, body, out, video, chosen.Bandwidth)
}

// dashAudio is shown (the manifest as the video's view left it) with the
// first audio set of several representations of body switched on its
// own, beside video's ladder (nil when video is not switched: then its
// bitrate is videoBandwidth).
func (r *Relay) dashAudio(req *http.Request, clip string, body, shown []byte, video *ladder, videoBandwidth int64) []byte {
	as := variants.Audio(body)
	if len(as) < 2 {
		return shown
	}
	start := as[len(as)/2]
	l := r.listLadder(req, clip, clip+"#audio", body, variants.Switchable(as, start), start)
	if l == nil || periodAddressing(body) {
		return shown
	}
	l.track, l.video, l.videoBandwidth = audioTrack, video, videoBandwidth
	l.adopt(r.ladders.get(l.id))
	r.ladders.put(l)
	return virtualRepresentation(keepRepresentation(shown, start), start, l, r.baseFor(req))
}

var segmentAddressing = regexp.MustCompile(`<Segment(Template|List|Base)\b`)

// periodAddressing reports whether the first period addresses segments
// itself (a SegmentTemplate, SegmentList or SegmentBase outside its
// adaptation sets), which ffmpeg reads before a representation's own.
func periodAddressing(body []byte) bool {
	s := string(body)
	p := strings.Index(s, "<Period")
	if p < 0 {
		return false
	}
	end := strings.Index(s[p:], "</Period>")
	if end < 0 {
		end = len(s) - p
	}
	period := s[p : p+end]
	for {
		from, to := adaptationSpan(period, 0)
		if from < 0 {
			break
		}
		period = period[:from] + period[to:]
	}
	return segmentAddressing.MatchString(period)
}
