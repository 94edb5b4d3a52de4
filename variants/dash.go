package variants

import (
	"encoding/xml"
	"sort"
	"strconv"
	"strings"
)

// The parts of an MPD that say what its representations are. Attributes
// the representation does not say are its adaptation set's.
type mpd struct {
	Periods []struct {
		Sets []struct {
			MimeType    string `xml:"mimeType,attr"`
			ContentType string `xml:"contentType,attr"`
			Codecs      string `xml:"codecs,attr"`
			Width       string `xml:"width,attr"`
			Height      string `xml:"height,attr"`
			Reps        []struct {
				ID        string `xml:"id,attr"`
				Bandwidth string `xml:"bandwidth,attr"`
				Width     string `xml:"width,attr"`
				Height    string `xml:"height,attr"`
				Codecs    string `xml:"codecs,attr"`
				MimeType  string `xml:"mimeType,attr"`
			} `xml:"Representation"`
		} `xml:"AdaptationSet"`
	} `xml:"Period"`
}

// parseDASH reads the first period's video representations, or its first
// adaptation set's when none is video (an audio-only clip).
func parseDASH(body []byte) []Variant {
	var m mpd
	if err := xml.Unmarshal(body, &m); err != nil || len(m.Periods) == 0 {
		return nil
	}
	var video, first []Variant
	for i, set := range m.Periods[0].Sets {
		for _, r := range set.Reps {
			v := Variant{ID: r.ID, Set: i, Codecs: or(r.Codecs, set.Codecs)}
			v.Bandwidth, _ = strconv.ParseInt(r.Bandwidth, 10, 64)
			v.Width, _ = strconv.Atoi(or(r.Width, set.Width))
			v.Height, _ = strconv.Atoi(or(r.Height, set.Height))
			kind := or(set.ContentType, or(r.MimeType, set.MimeType))
			if strings.HasPrefix(kind, "video") || v.Height > 0 {
				video = append(video, v)
			} else if i == 0 {
				first = append(first, v)
			}
		}
	}
	if len(video) > 0 {
		return video
	}
	return first
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Audio is the first period's first audio adaptation set with several
// representations, lowest bitrate first, each named by its bitrate
// (128k): what the relay switches on its own beside the video. None when
// the manifest has no video (Parse gives its audio then) or no such set.
func Audio(body []byte) []Variant {
	var m mpd
	if err := xml.Unmarshal(body, &m); err != nil || len(m.Periods) == 0 {
		return nil
	}
	video := false
	var audio []Variant
	for i, set := range m.Periods[0].Sets {
		var here []Variant
		for _, r := range set.Reps {
			kind := or(set.ContentType, or(r.MimeType, set.MimeType))
			v := Variant{ID: r.ID, Set: i, Codecs: or(r.Codecs, set.Codecs)}
			v.Bandwidth, _ = strconv.ParseInt(r.Bandwidth, 10, 64)
			v.Height, _ = strconv.Atoi(or(r.Height, set.Height))
			switch {
			case strings.HasPrefix(kind, "video") || v.Height > 0:
				video = true
			case strings.HasPrefix(kind, "audio"):
				here = append(here, v)
			}
		}
		if audio == nil && len(here) > 1 {
			audio = here
		}
	}
	if !video {
		return nil
	}
	sort.SliceStable(audio, func(i, j int) bool { return audio[i].Bandwidth < audio[j].Bandwidth })
	for i := range audio {
		audio[i].Name = audio[i].Kbps()
	}
	return audio
}
