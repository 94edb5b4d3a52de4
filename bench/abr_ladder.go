package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The ladder section 11 plays: an HLS VOD of three variants, made with
// ffmpeg from a noisy test pattern (noise keeps x264 near the asked
// bitrate, as a real picture would), key frames every 2 s in every
// variant so that the segments align, and one H.264 level for all three
// so that their CODECS match.
const (
	ladderDuration = 30 * time.Second
	ladderSegment  = 2 * time.Second
	ladderMaster   = "ladder/master.m3u8"
)

// ladderRungs are the variants' sizes and bitrates, lowest first.
var ladderRungs = []struct {
	size    string
	bitrate string
}{{"256x144", "400k"}, {"426x240", "1200k"}, {"640x360", "3000k"}}

// makeLadder writes the ladder under b.tmp and returns its directory (the
// host's root) and each variant's BANDWIDTH from the master playlist, in
// bits per second, lowest first.
func (b *bench) makeLadder() (string, []float64, error) {
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		return "", nil, fmt.Errorf("ffmpeg not found (apt-get install ffmpeg): %w", err)
	}
	root := filepath.Join(b.tmp, "ladder-src")
	out := filepath.Join(root, "ladder")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", nil, err
	}
	fps := 25
	gop := strconv.Itoa(int(ladderSegment.Seconds()) * fps)
	split := fmt.Sprintf("[0:v]noise=alls=30:allf=t,split=%d", len(ladderRungs))
	var scale []string
	args := []string{"-v", "error", "-f", "lavfi", "-i",
		fmt.Sprintf("testsrc2=size=640x360:rate=%d:duration=%d", fps, int(ladderDuration.Seconds()))}
	var maps, rates, streams []string
	for i, r := range ladderRungs {
		split += fmt.Sprintf("[s%d]", i)
		scale = append(scale, fmt.Sprintf("[s%d]scale=%s[v%d]", i, r.size, i))
		maps = append(maps, "-map", fmt.Sprintf("[v%d]", i))
		n := strconv.Itoa(i)
		rates = append(rates, "-b:v:"+n, r.bitrate, "-maxrate:v:"+n, r.bitrate, "-bufsize:v:"+n, r.bitrate)
		streams = append(streams, "v:"+n)
	}
	args = append(args, "-filter_complex", split+";"+strings.Join(scale, ";"))
	args = append(args, maps...)
	args = append(args, "-c:v", "libx264", "-preset", "ultrafast", "-level", "3.0", "-g", gop, "-keyint_min", gop, "-sc_threshold", "0")
	args = append(args, rates...)
	args = append(args, "-f", "hls", "-hls_time", strconv.Itoa(int(ladderSegment.Seconds())), "-hls_playlist_type", "vod",
		"-var_stream_map", strings.Join(streams, " "), "-master_pl_name", "master.m3u8",
		"-hls_segment_filename", filepath.Join(out, "v%v/seg%d.ts"), filepath.Join(out, "v%v/index.m3u8"))
	if msg, err := exec.Command(ffmpeg, args...).CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("ffmpeg making the ladder: %v\n%s", err, msg)
	}
	master, err := os.ReadFile(filepath.Join(root, ladderMaster))
	if err != nil {
		return "", nil, err
	}
	bw := bandwidths(string(master))
	if len(bw) != len(ladderRungs) {
		return "", nil, fmt.Errorf("the ladder's master names %d variants, want %d", len(bw), len(ladderRungs))
	}
	return root, bw, nil
}

var bandwidthAttr = regexp.MustCompile(`(?m)^#EXT-X-STREAM-INF:.*?\bBANDWIDTH=(\d+)`)

// bandwidths are the BANDWIDTH attributes of a master playlist, in order.
func bandwidths(master string) []float64 {
	var out []float64
	for _, m := range bandwidthAttr.FindAllStringSubmatch(master, -1) {
		v, _ := strconv.ParseFloat(m[1], 64)
		out = append(out, v)
	}
	return out
}

// variantOf is the variant index of a ladder segment's path
// (".../ladder/v1/seg3.ts" is 1), and false for a playlist.
func variantOf(path string) (int, bool) {
	if !strings.HasSuffix(path, ".ts") {
		return 0, false
	}
	dir := filepath.Base(filepath.Dir(path))
	n, err := strconv.Atoi(strings.TrimPrefix(dir, "v"))
	return n, err == nil && strings.HasPrefix(dir, "v")
}
