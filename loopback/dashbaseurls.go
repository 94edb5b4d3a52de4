package loopback

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// DASHBaseURLs is the MPD WriteDASHBaseURLs writes: the stream of DASHTwo
// offered at several service locations.
const DASHBaseURLs = "dash/baseurls.mpd"

// ServiceLocation is one place a DASH stream is offered: a host's base
// URL (the dash/ directory below it serves the segments) with DVB's
// serviceLocation, priority and weight; Priority and Weight 0 leave the
// attribute out.
type ServiceLocation struct {
	Name     string
	Origin   string
	Dir      string // the directory the host serves (MakeDASHLocations)
	Priority int
	Weight   int
}

// DASHOptions say what else WriteDASHBaseURLs puts in the MPD.
type DASHOptions struct {
	// Steering, when set, is a <ContentSteering> server URL, its
	// defaultServiceLocation the first location, queryBeforeStart true.
	Steering string
	// Plain leaves every serviceLocation and dvb: attribute out: BaseURLs
	// that are tried in document order.
	Plain bool
}

var baseURLElement = regexp.MustCompile(`[ \t]*<BaseURL>[^<]*</BaseURL>\n`)

// WriteDASHBaseURLs writes DASHBaseURLs into dir, which MakeStreams filled:
// DASHTwo's MPD with its one BaseURL replaced by one absolute BaseURL per
// location, in the order given, as a multi-CDN MPD names them. Every host
// serving dir then serves the same MPD.
func WriteDASHBaseURLs(dir string, locs []ServiceLocation, opts DASHOptions) error {
	two, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(DASHTwo)))
	if err != nil {
		return err
	}
	at := baseURLElement.FindIndex(two)
	if at == nil {
		return fmt.Errorf("loopback: %s has no BaseURL to replace", DASHTwo)
	}
	var sb strings.Builder
	for _, l := range locs {
		sb.WriteString("\t<BaseURL")
		if !opts.Plain {
			fmt.Fprintf(&sb, ` serviceLocation="%s"`, escapeXML(l.Name))
			if l.Priority > 0 {
				fmt.Fprintf(&sb, ` dvb:priority="%d"`, l.Priority)
			}
			if l.Weight > 0 {
				fmt.Fprintf(&sb, ` dvb:weight="%d"`, l.Weight)
			}
		}
		fmt.Fprintf(&sb, ">%s</BaseURL>\n", escapeXML(strings.TrimSuffix(l.Origin, "/")+"/dash/"))
	}
	if opts.Steering != "" && len(locs) > 0 {
		fmt.Fprintf(&sb, "\t<ContentSteering defaultServiceLocation=\"%s\" queryBeforeStart=\"true\">%s</ContentSteering>\n",
			escapeXML(locs[0].Name), escapeXML(opts.Steering))
	}
	out := string(two[:at[0]]) + sb.String() + string(two[at[1]:])
	out = strings.Replace(out, "<MPD ", `<MPD xmlns:dvb="urn:dvb:dash-extensions:2014-1" `, 1)
	return os.WriteFile(filepath.Join(dir, filepath.FromSlash(DASHBaseURLs)), []byte(out), 0o644)
}

func escapeXML(s string) string {
	var sb strings.Builder
	_ = xml.EscapeText(&sb, []byte(s))
	return sb.String()
}

// MakeDASHLocations makes the DASH stream of MakeStreams once with ffmpeg
// and copies it into every location's directory (one host each), then
// writes DASHBaseURLs into each: the same MPD, naming every location, so
// that it may be loaded from any of them.
func MakeDASHLocations(src string, locs []ServiceLocation, opts DASHOptions) error {
	if len(locs) == 0 {
		return fmt.Errorf("loopback: no service locations")
	}
	first := locs[0]
	if err := MakeStreams(first.Dir, src, first.Origin); err != nil {
		return err
	}
	for _, l := range locs[1:] {
		if err := copyStreams(first.Dir, l.Dir, strings.TrimSuffix(first.Origin, "/")+"/", strings.TrimSuffix(l.Origin, "/")+"/"); err != nil {
			return err
		}
	}
	for _, l := range locs {
		if err := WriteDASHBaseURLs(l.Dir, locs, opts); err != nil {
			return err
		}
	}
	return nil
}
