package loopback

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Clip names of the steered HLS masters MakeSteeredStreams writes.
const (
	SteeredTS   = "hls/steered-ts.m3u8"   // one MPEG-TS variant per pathway
	SteeredFMP4 = "hls/steered-fmp4.m3u8" // one fMP4 variant per pathway
)

// Pathway is one pathway of a steered stream: its PATHWAY-ID, the
// directory its host serves and the host's base URL.
type Pathway struct {
	ID, Dir, Origin string
}

// MakeSteeredStreams writes the streams of MakeStreams for every pathway,
// one host per pathway: the same bytes (made once with ffmpeg, copied)
// under each pathway's directory, each manifest naming its files by
// absolute URLs under that pathway's origin, as CDNs serve one stream.
// Into every directory it writes the steered masters (SteeredTS,
// SteeredFMP4): an #EXT-X-CONTENT-STEERING tag naming steeringURI (none
// when ""), the first pathway as the default, and the variant once per
// pathway with its PATHWAY-ID, so the master may be loaded from any host.
func MakeSteeredStreams(src, steeringURI string, pathways []Pathway) error {
	if len(pathways) == 0 {
		return fmt.Errorf("loopback: no pathways")
	}
	first := pathways[0]
	if err := MakeStreams(first.Dir, src, first.Origin); err != nil {
		return err
	}
	for _, p := range pathways[1:] {
		if err := copyStreams(first.Dir, p.Dir, strings.TrimSuffix(first.Origin, "/")+"/", strings.TrimSuffix(p.Origin, "/")+"/"); err != nil {
			return err
		}
	}
	masters := map[string]string{SteeredTS: "hls/v0/index.m3u8", SteeredFMP4: "hls/v1/index.m3u8"}
	for name, variant := range masters {
		var b strings.Builder
		b.WriteString("#EXTM3U\n#EXT-X-VERSION:7\n")
		if steeringURI != "" {
			fmt.Fprintf(&b, "#EXT-X-CONTENT-STEERING:SERVER-URI=%q,PATHWAY-ID=%q\n", steeringURI, first.ID)
		}
		for _, p := range pathways {
			fmt.Fprintf(&b, "#EXT-X-STREAM-INF:BANDWIDTH=500000,RESOLUTION=320x180,PATHWAY-ID=%q\n%s%s\n",
				p.ID, strings.TrimSuffix(p.Origin, "/")+"/", variant)
		}
		for _, p := range pathways {
			if err := os.WriteFile(filepath.Join(p.Dir, filepath.FromSlash(name)), []byte(b.String()), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyStreams copies the files below from into to, the manifests with
// oldOrigin replaced by newOrigin.
func copyStreams(from, to, oldOrigin, newOrigin string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if ext := filepath.Ext(p); ext == ".m3u8" || ext == ".mpd" {
			b = bytes.ReplaceAll(b, []byte(oldOrigin), []byte(newOrigin))
		}
		return os.WriteFile(dst, b, 0o644)
	})
}
