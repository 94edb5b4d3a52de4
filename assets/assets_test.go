package assets

import (
	"encoding/binary"
	"testing"
)

// The clip must stay small (it is committed and served many times per test
// run) and start with its index (+faststart) so playback can begin before
// the download ends, as it would from a CDN.
func TestClipIsSmallFaststartMP4(t *testing.T) {
	if n := len(Clip); n < 50_000 || n > 400_000 {
		t.Fatalf("clip is %d bytes, want a few hundred KB at most", n)
	}
	var order []string
	for off := 0; off+8 <= len(Clip); {
		size := int(binary.BigEndian.Uint32(Clip[off:]))
		order = append(order, string(Clip[off+4:off+8]))
		if size < 8 {
			break // size 0/1 (to end / 64-bit) does not occur in this file
		}
		off += size
	}
	pos := map[string]int{}
	for i, box := range order {
		pos[box] = i
	}
	if len(order) == 0 || order[0] != "ftyp" {
		t.Fatalf("top-level boxes %v, want ftyp first", order)
	}
	moov, hasMoov := pos["moov"]
	mdat, hasMdat := pos["mdat"]
	if !hasMoov || !hasMdat || moov > mdat {
		t.Fatalf("top-level boxes %v, want moov before mdat", order)
	}
	if ClipName != "clip.mp4" || ClipDuration.Seconds() != 6 {
		t.Errorf("ClipName %q, ClipDuration %v", ClipName, ClipDuration)
	}
}
