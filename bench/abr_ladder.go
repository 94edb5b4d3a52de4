package main

import (
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"clusterplay/loopback"
)

// The ladder section 11 plays: loopback's three-rung HLS ladder over
// MPEG-TS (made with ffmpeg at run time, aligned 2 s segments), served by
// one host whose link all its responses share.

// ladderSeconds is the ladder's length: long enough for the buffer to
// pass the rule's threshold and for a few switches.
const ladderSeconds = 30

// ladderHost makes the ladder below b.tmp and serves it from a host on a
// link of linkFactor × the middle variant's BANDWIDTH. Every URI of the
// ladder names that host, so the runs share it; each run reads the
// responses that ended after those of the runs before
// (link.Served()[from:]).
func (b *bench) ladderHost() (*loopback.Host, *loopback.Link, error) {
	dir := filepath.Join(b.tmp, "ladder-src")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, err
	}
	link, err := loopback.NewLink(linkRate())
	if err != nil {
		return nil, nil, err
	}
	host, err := loopback.LinkedDir(dir, link)
	if err != nil {
		return nil, nil, err
	}
	if err := loopback.MakeLadder(dir, host.URL, ladderSeconds); err != nil {
		host.Close()
		return nil, nil, err
	}
	return host, link, nil
}

// linkRate is the link's rate in bytes a second.
func linkRate() int64 {
	return int64(linkFactor * float64(loopback.Ladder[1].Bandwidth) / 8)
}

// playedRate is the mean BANDWIDTH of the segments played, read off the
// responses the host sent whole to a run: through the relay each segment
// the player plays is fetched whole once, from the variant that serves
// it (an abandoned one is cut short and fetched whole from a lower one).
// NaN when no segment came whole.
func playedRate(served []loopback.Served) float64 {
	last := map[int]int{} // segment -> variant
	for _, s := range served {
		if v, seg, ok := segmentOf(s.Path); ok && s.Whole {
			last[seg] = v
		}
	}
	if len(last) == 0 {
		return math.NaN()
	}
	sum := 0.0
	for _, v := range last {
		sum += float64(loopback.Ladder[v].Bandwidth)
	}
	return sum / float64(len(last))
}

// segmentOf reads a ladder segment's path (".../v1/seg3.ts" is variant 1,
// segment 3); ok is false for anything else.
func segmentOf(p string) (variant, segment int, ok bool) {
	name, dir := path.Base(p), path.Base(path.Dir(p))
	num, isSeg := strings.CutPrefix(strings.TrimSuffix(name, ".ts"), "seg")
	vnum, isVar := strings.CutPrefix(dir, "v")
	if !isSeg || !isVar || !strings.HasSuffix(name, ".ts") {
		return 0, 0, false
	}
	seg, err1 := strconv.Atoi(num)
	v, err2 := strconv.Atoi(vnum)
	if err1 != nil || err2 != nil || v < 0 || v >= len(loopback.Ladder) {
		return 0, 0, false
	}
	return v, seg, true
}
