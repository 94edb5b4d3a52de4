// Package variants reads the variants of an HLS multivariant playlist or
// of a DASH manifest (bandwidth, resolution, codecs) and picks one by a
// quality name, as --quality gives it: best, worst, auto, a height
// (720p), a bitrate (1500k), or a comma list of fallbacks. It is pure:
// bytes in, variants out; the relay and the app do the fetching.
package variants

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Variant is one rendition of the clip the player may be shown.
type Variant struct {
	Name      string // the quality name: 720p, or 1426k when no height is said
	Width     int
	Height    int
	Bandwidth int64  // bits per second, as the manifest says it
	Codecs    string // as the manifest says it, "" when it does not
	// URI is an HLS variant's media playlist as the master names it; ID
	// a DASH representation's id.
	URI string
	ID  string
	// Audio is an HLS variant's AUDIO group; Set a DASH representation's
	// adaptation set, counted from 0 in the manifest's order.
	Audio string
	Set   int
}

// Kbps is the variant's bitrate as the list shows it: 1426k.
func (v Variant) Kbps() string { return strconv.FormatInt((v.Bandwidth+500)/1000, 10) + "k" }

// Size is WxH, or "-" when the manifest does not say it.
func (v Variant) Size() string {
	if v.Width == 0 || v.Height == 0 {
		return "-"
	}
	return fmt.Sprintf("%dx%d", v.Width, v.Height)
}

// Line is the variant as --quality list prints it: name, WxH, bitrate,
// codecs.
func (v Variant) Line() string {
	codecs := v.Codecs
	if codecs == "" {
		codecs = "-"
	}
	return fmt.Sprintf("%-10s %-10s %-7s %s", v.Name, v.Size(), v.Kbps(), codecs)
}

// name gives every variant its quality name, lowest bitrate first: its
// height (720p), or its bitrate (1426k) when it has none; a second
// variant of the same height is 720p_alt, then 720p_alt2, as Streamlink
// names them.
func name(vs []Variant) []Variant {
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].Bandwidth < vs[j].Bandwidth })
	seen := map[string]int{}
	// The best variant of a height keeps the plain name: name from the top.
	for i := len(vs) - 1; i >= 0; i-- {
		base := vs[i].Kbps()
		if vs[i].Height > 0 {
			base = strconv.Itoa(vs[i].Height) + "p"
		}
		n := seen[base]
		seen[base]++
		switch n {
		case 0:
			vs[i].Name = base
		case 1:
			vs[i].Name = base + "_alt"
		default:
			vs[i].Name = base + "_alt" + strconv.Itoa(n)
		}
	}
	return vs
}

// Parse reads the variants of a manifest: an HLS multivariant playlist or
// a DASH MPD's video representations (the audio's when it has no video),
// lowest bitrate first. A media playlist, a manifest with one variant
// or anything else gives what it has: none, or one.
func Parse(body []byte) []Variant {
	s := string(body)
	switch {
	case strings.Contains(s, "#EXT-X-STREAM-INF"):
		return name(parseHLS(s))
	case strings.Contains(s, "<MPD"):
		return name(parseDASH(body))
	}
	return nil
}

// sameCodec reports whether two codecs strings name the same codecs,
// profiles aside (avc1.64001f and avc1.4d401e are both avc1): the
// variants a switch may go between.
func sameCodec(a, b string) bool {
	return codecFamilies(a) == codecFamilies(b)
}

func codecFamilies(c string) string {
	var out []string
	for _, part := range strings.Split(c, ",") {
		fam, _, _ := strings.Cut(strings.TrimSpace(part), ".")
		if fam == "avc3" {
			fam = "avc1"
		}
		if fam == "hev1" {
			fam = "hvc1"
		}
		out = append(out, fam)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// Switchable is the variants a player may be switched between without
// noticing more than a new resolution: those whose codecs are v's.
func Switchable(vs []Variant, v Variant) []Variant {
	var out []Variant
	for _, o := range vs {
		if o.Set == v.Set && sameCodec(o.Codecs, v.Codecs) {
			out = append(out, o)
		}
	}
	return out
}
