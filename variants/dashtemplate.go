package variants

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// A SegmentTemplate expanded, a sidx box read, an ISO 8601 duration.

// maxTemplateSegments bounds an expansion: hours of 1 s segments.
const maxTemplateSegments = 100_000

var identifier = regexp.MustCompile(`\$(RepresentationID|Number|Bandwidth|Time)(%0?\d*d)?\$|\$\$`)

// fill is a template with its identifiers replaced.
func fill(tpl, id, bandwidth string, number, t int64) string {
	return identifier.ReplaceAllStringFunc(tpl, func(m string) string {
		if m == "$$" {
			return "$"
		}
		name, format, _ := strings.Cut(strings.Trim(m, "$"), "%")
		var v int64
		switch name {
		case "RepresentationID":
			return id
		case "Bandwidth":
			v, _ = strconv.ParseInt(bandwidth, 10, 64)
		case "Number":
			v = number
		case "Time":
			v = t
		}
		if format == "" {
			return strconv.FormatInt(v, 10)
		}
		return fmt.Sprintf("%"+format, v)
	})
}

func expandTemplate(t segInfo, base, id, bandwidth string, total float64) (Segments, error) {
	var out Segments
	if t.Media == "" {
		return out, errors.New("a SegmentTemplate without media")
	}
	init := t.InitAttr
	if init == "" && t.Init != nil {
		init = t.Init.Source
	}
	if init != "" {
		out.Init = Segment{URL: resolve(base, fill(init, id, bandwidth, 0, 0)), End: -1}
	}
	number := int64(1)
	if t.Start != "" {
		number, _ = strconv.ParseInt(t.Start, 10, 64)
	}
	scale := timescale(&t)
	add := func(start, dur int64) {
		out.Media = append(out.Media, Segment{URL: resolve(base, fill(t.Media, id, bandwidth, number, start)), End: -1,
			Seconds: float64(dur) / scale})
		number++
	}
	if t.Timeline != nil {
		var at int64
		for i, s := range t.Timeline.S {
			if s.T != "" {
				at, _ = strconv.ParseInt(s.T, 10, 64)
			}
			repeat := s.R
			if repeat < 0 { // up to the next S's time, or the period's end
				end := int64(total * scale)
				if i+1 < len(t.Timeline.S) && t.Timeline.S[i+1].T != "" {
					end, _ = strconv.ParseInt(t.Timeline.S[i+1].T, 10, 64)
				}
				repeat = int64(math.Ceil(float64(end-at)/float64(s.D))) - 1
			}
			for k := int64(0); k <= repeat && s.D > 0 && len(out.Media) < maxTemplateSegments; k++ {
				add(at, s.D)
				at += s.D
			}
		}
		return out, nil
	}
	dur, _ := strconv.ParseInt(t.Duration, 10, 64)
	if dur <= 0 || total <= 0 {
		return out, errors.New("a SegmentTemplate with neither a timeline nor a duration and a period's length")
	}
	count := int(math.Ceil(total*scale/float64(dur) - 1e-6))
	for k := 0; k < count && k < maxTemplateSegments; k++ {
		last := dur
		if k == count-1 { // the last segment ends with the period
			last = int64(total*scale) - int64(k)*dur
		}
		add(int64(k)*dur, last)
	}
	return out, nil
}

var isoDuration = regexp.MustCompile(`^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$`)

// isoSeconds reads an MPD duration such as PT1M0.0S.
func isoSeconds(s string) (float64, bool) {
	m := isoDuration.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil || s == "" {
		return 0, false
	}
	total := 0.0
	for i, unit := range []float64{86400, 3600, 60, 1} {
		if v, err := strconv.ParseFloat(m[i+1], 64); err == nil {
			total += v * unit
		}
	}
	return total, true
}

// ParseSidx lists the segments a sidx box indexes: b is the box's bytes
// (as a SegmentBase's indexRange names them, indexEnd the range's last
// byte), url the file they are in. The first segment begins after the
// box, at its first_offset; each reference gives its size and duration.
func ParseSidx(b []byte, indexEnd int64, url string) ([]Segment, error) {
	if len(b) < 12 || string(b[4:8]) != "sidx" {
		return nil, errors.New("no sidx box")
	}
	version := b[8]
	p := 12 + 4 // reference_ID
	if len(b) < p+4 {
		return nil, errors.New("a short sidx box")
	}
	scale := float64(binary.BigEndian.Uint32(b[p:]))
	p += 4
	var first int64
	if version == 0 {
		if len(b) < p+8 {
			return nil, errors.New("a short sidx box")
		}
		first = int64(binary.BigEndian.Uint32(b[p+4:]))
		p += 8
	} else {
		if len(b) < p+16 {
			return nil, errors.New("a short sidx box")
		}
		first = int64(binary.BigEndian.Uint64(b[p+8:]))
		p += 16
	}
	if len(b) < p+4 || scale <= 0 {
		return nil, errors.New("a short sidx box")
	}
	count := int(binary.BigEndian.Uint16(b[p+2:]))
	p += 4
	if len(b) < p+12*count {
		return nil, errors.New("a sidx box shorter than its references")
	}
	at := indexEnd + 1 + first
	out := make([]Segment, 0, count)
	for k := 0; k < count; k++ {
		ref := binary.BigEndian.Uint32(b[p:])
		if ref>>31 != 0 {
			return nil, errors.New("a sidx referencing other sidx boxes")
		}
		size := int64(ref & 0x7fffffff)
		dur := float64(binary.BigEndian.Uint32(b[p+4:])) / scale
		out = append(out, Segment{URL: url, Start: at, End: at + size - 1, Seconds: dur})
		at += size
		p += 12
	}
	return out, nil
}
