package loopback

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// RedundantMaster is the multivariant playlist MakeRedundantStreams
// writes: the MPEG-TS variant once per host, the same attributes each
// time (redundant variants, no PATHWAY-IDs).
const RedundantMaster = "hls/redundant.m3u8"

// MakeRedundantStreams writes the streams of MakeStreams into every
// pathway's directory (made once with ffmpeg, copied; each manifest names
// its files under its own host), and into each the same RedundantMaster:
// the variant hls/v0 at every host, in the order given.
func MakeRedundantStreams(src string, hosts []Pathway) error {
	if len(hosts) == 0 {
		return fmt.Errorf("loopback: no hosts")
	}
	first := hosts[0]
	if err := MakeStreams(first.Dir, src, first.Origin); err != nil {
		return err
	}
	for _, h := range hosts[1:] {
		if err := copyStreams(first.Dir, h.Dir, strings.TrimSuffix(first.Origin, "/")+"/", strings.TrimSuffix(h.Origin, "/")+"/"); err != nil {
			return err
		}
	}
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n")
	for _, h := range hosts {
		fmt.Fprintf(&b, "#EXT-X-STREAM-INF:BANDWIDTH=500000,RESOLUTION=320x180\n%shls/v0/index.m3u8\n", strings.TrimSuffix(h.Origin, "/")+"/")
	}
	for _, h := range hosts {
		if err := os.WriteFile(filepath.Join(h.Dir, filepath.FromSlash(RedundantMaster)), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}
