package variants

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// A representation's segments, as a static MPD addresses them: a
// SegmentList (media, mediaRange), a SegmentTemplate expanded ($Number$,
// $Time$, $Bandwidth$, $RepresentationID$, widths such as $Number%05d$,
// a SegmentTimeline), or a SegmentBase, whose segments are listed in its
// file's sidx box (Index says where; ParseSidx reads it). Attributes a
// level does not say are the enclosing level's (Period, AdaptationSet,
// Representation); BaseURLs resolve from the MPD's down.

// Segment is one segment or initialization: its URL as the manifest
// resolves it (relative to the MPD unless absolute), its byte range
// (End -1: the whole resource) and its duration in seconds.
type Segment struct {
	URL        string
	Start, End int64
	Seconds    float64
}

// Segments are a representation's initialization and media segments.
// For a SegmentBase, Media is empty and Index is the sidx's range in
// the representation's file.
type Segments struct {
	Init  Segment
	Media []Segment
	Index *Segment
}

type segURL struct {
	Source string `xml:"sourceURL,attr"`
	Range  string `xml:"range,attr"`
}

type timeline struct {
	S []struct {
		T string `xml:"t,attr"`
		D int64  `xml:"d,attr"`
		R int64  `xml:"r,attr"`
	} `xml:"S"`
}

// segInfo is any of SegmentTemplate, SegmentList and SegmentBase: the
// attributes they share and their children.
type segInfo struct {
	Media      string    `xml:"media,attr"`
	InitAttr   string    `xml:"initialization,attr"`
	Start      string    `xml:"startNumber,attr"`
	Timescale  string    `xml:"timescale,attr"`
	Duration   string    `xml:"duration,attr"`
	IndexRange string    `xml:"indexRange,attr"`
	Init       *segURL   `xml:"Initialization"`
	Timeline   *timeline `xml:"SegmentTimeline"`
	URLs       []struct {
		Media string `xml:"media,attr"`
		Range string `xml:"mediaRange,attr"`
	} `xml:"SegmentURL"`
}

// level is what a Period, an AdaptationSet or a Representation may say
// of its segments.
type level struct {
	Base     []string `xml:"BaseURL"`
	Template *segInfo `xml:"SegmentTemplate"`
	List     *segInfo `xml:"SegmentList"`
	SegBase  *segInfo `xml:"SegmentBase"`
}

type segMPD struct {
	Type     string   `xml:"type,attr"`
	Duration string   `xml:"mediaPresentationDuration,attr"`
	Base     []string `xml:"BaseURL"`
	Periods  []struct {
		level
		Duration string `xml:"duration,attr"`
		Sets     []struct {
			level
			Reps []struct {
				level
				ID        string `xml:"id,attr"`
				Bandwidth string `xml:"bandwidth,attr"`
			} `xml:"Representation"`
		} `xml:"AdaptationSet"`
	} `xml:"Period"`
}

// ErrNotStatic is a dynamic (live) MPD: its segments change.
var ErrNotStatic = errors.New("a live MPD: its segments are not listed once")

// RepresentationSegments lists the segments of the first period's
// representation id.
func RepresentationSegments(body []byte, id string) (Segments, error) {
	var m segMPD
	if err := xml.Unmarshal(body, &m); err != nil {
		return Segments{}, err
	}
	if m.Type == "dynamic" {
		return Segments{}, ErrNotStatic
	}
	if len(m.Periods) == 0 {
		return Segments{}, errors.New("no period")
	}
	p := m.Periods[0]
	total, _ := isoSeconds(or(p.Duration, m.Duration))
	base := joinBase("", m.Base)
	base = joinBase(base, p.Base)
	for _, set := range p.Sets {
		for _, rep := range set.Reps {
			if rep.ID != id {
				continue
			}
			b := joinBase(joinBase(base, set.Base), rep.Base)
			chain := []level{p.level, set.level, rep.level}
			if t := merge(chain, func(l level) *segInfo { return l.Template }); t != nil {
				return expandTemplate(*t, b, rep.ID, rep.Bandwidth, total)
			}
			if l := merge(chain, func(l level) *segInfo { return l.List }); l != nil {
				return listSegments(*l, b)
			}
			if sb := merge(chain, func(l level) *segInfo { return l.SegBase }); sb != nil && sb.IndexRange != "" {
				return baseSegments(*sb, b)
			}
			return Segments{}, errors.New("representation " + id + ": no segment addressing")
		}
	}
	return Segments{}, errors.New("no representation " + id)
}

// merge is the chain's element of one kind, each attribute the deepest
// level's that says it, nil when no level has one.
func merge(chain []level, of func(level) *segInfo) *segInfo {
	var out *segInfo
	for _, l := range chain {
		s := of(l)
		if s == nil {
			continue
		}
		if out == nil {
			c := *s
			out = &c
			continue
		}
		out.Media, out.InitAttr, out.Start = or(s.Media, out.Media), or(s.InitAttr, out.InitAttr), or(s.Start, out.Start)
		out.Timescale, out.Duration, out.IndexRange = or(s.Timescale, out.Timescale), or(s.Duration, out.Duration), or(s.IndexRange, out.IndexRange)
		if s.Init != nil {
			out.Init = s.Init
		}
		if s.Timeline != nil {
			out.Timeline = s.Timeline
		}
		if len(s.URLs) > 0 {
			out.URLs = s.URLs
		}
	}
	return out
}

// joinBase resolves BaseURLs (the first of each level) against base.
func joinBase(base string, urls []string) string {
	if len(urls) == 0 {
		return base
	}
	return resolve(base, strings.TrimSpace(urls[0]))
}

// resolve is ref against base, both references relative to the MPD
// unless absolute.
func resolve(base, ref string) string {
	switch {
	case ref == "":
		return base
	case strings.Contains(ref, "://"):
		return ref
	case strings.HasPrefix(ref, "/"):
		if i := strings.Index(base, "://"); i >= 0 {
			if j := strings.IndexByte(base[i+3:], '/'); j >= 0 {
				return base[:i+3+j] + ref
			}
			return base + ref
		}
		return ref
	}
	return base[:strings.LastIndexByte(base, '/')+1] + ref
}

// byteRange reads "first-last"; "" is the whole resource.
func byteRange(s string) (int64, int64, error) {
	if s == "" {
		return 0, -1, nil
	}
	a, b, ok := strings.Cut(s, "-")
	first, err1 := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
	last, err2 := strconv.ParseInt(strings.TrimSpace(b), 10, 64)
	if !ok || err1 != nil || err2 != nil || last < first {
		return 0, 0, fmt.Errorf("no byte range: %q", s)
	}
	return first, last, nil
}

func timescale(s *segInfo) float64 {
	if t, err := strconv.ParseFloat(s.Timescale, 64); err == nil && t > 0 {
		return t
	}
	return 1
}

func listSegments(l segInfo, base string) (Segments, error) {
	var out Segments
	if l.Init != nil {
		st, end, err := byteRange(l.Init.Range)
		if err != nil {
			return out, err
		}
		out.Init = Segment{URL: resolve(base, l.Init.Source), Start: st, End: end}
	}
	durs := timelineDurations(l.Timeline, timescale(&l), len(l.URLs))
	each, _ := strconv.ParseFloat(l.Duration, 64)
	for i, u := range l.URLs {
		st, end, err := byteRange(u.Range)
		if err != nil {
			return out, err
		}
		s := Segment{URL: resolve(base, u.Media), Start: st, End: end, Seconds: each / timescale(&l)}
		if i < len(durs) {
			s.Seconds = durs[i]
		}
		out.Media = append(out.Media, s)
	}
	if len(out.Media) == 0 {
		return out, errors.New("an empty SegmentList")
	}
	return out, nil
}

// timelineDurations are a SegmentTimeline's durations in seconds, at
// most n (r -1 repeats up to n).
func timelineDurations(t *timeline, scale float64, n int) []float64 {
	if t == nil {
		return nil
	}
	var out []float64
	for _, s := range t.S {
		for k := int64(0); (k <= s.R || s.R < 0) && len(out) < n; k++ {
			out = append(out, float64(s.D)/scale)
		}
	}
	return out
}

func baseSegments(b segInfo, base string) (Segments, error) {
	st, end, err := byteRange(b.IndexRange)
	if err != nil {
		return Segments{}, err
	}
	out := Segments{Index: &Segment{URL: base, Start: st, End: end}}
	out.Init = Segment{URL: base, Start: 0, End: st - 1}
	if b.Init != nil {
		if out.Init.Start, out.Init.End, err = byteRange(b.Init.Range); err != nil {
			return Segments{}, err
		}
		out.Init.URL = resolve(base, b.Init.Source)
	}
	return out, nil
}
