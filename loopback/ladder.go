package loopback

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Paths of the ladders MakeLadder writes, below the directory a host
// serves: clip names for the cluster.
const (
	LadderTS   = "ladder/ts/master.m3u8"   // three MPEG-TS variants
	LadderFMP4 = "ladder/fmp4/master.m3u8" // the same as fMP4, each with its init segment
	LadderDASH = "ladder/dash/ladder.mpd"  // three representations, SegmentTemplate
)

// LadderRung is one variant MakeLadder encodes: its height and its whole
// bitrate (video and the 64 kb/s audio together), as its BANDWIDTH says.
type LadderRung struct {
	Width, Height int
	Bandwidth     int64 // bits/s
}

// Ladder is what MakeLadder encodes: 240p at 400k, 480p at 1200k, 720p
// at 3000k (constant bitrate, so that a link's rate says which variant
// it carries), 2 s segments whose boundaries are the same in every
// variant (a keyframe every 2 s, no scene-cut keyframes), the parameter
// sets in band before every keyframe, so that a player switched between
// fMP4 variants decodes the new one.
var Ladder = []LadderRung{{426, 240, 400_000}, {854, 480, 1_200_000}, {1280, 720, 3_000_000}}

// LadderSegment is the duration of a ladder's segments, seconds.
const LadderSegment = 2

// MakeLadder encodes seconds of a test picture with a tone into dir at
// the three rungs of Ladder, and writes them as HLS over MPEG-TS, HLS
// over fMP4 and DASH (LadderTS, LadderFMP4, LadderDASH, and
// LadderDASHList, LadderDASHReps, LadderDASHBase with two audio
// representations), every URI of the
// HLS masters and playlists absolute under origin (a host's base URL), as
// CDN manifests are.
func MakeLadder(dir, origin string, seconds int) error {
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		return fmt.Errorf("loopback: %w; install it with: %s", ErrFFmpegMissing, FFmpegPackages)
	}
	origin = strings.TrimSuffix(origin, "/") + "/"
	work := filepath.Join(dir, "ladder", "src")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	defer os.RemoveAll(work)
	var sources []string
	for i, r := range Ladder {
		src := filepath.Join(work, fmt.Sprintf("v%d.mp4", i))
		if err := encodeRung(bin, src, r, seconds); err != nil {
			return err
		}
		sources = append(sources, src)
	}
	for _, kind := range []string{"ts", "fmp4"} {
		if err := writeHLSLadder(bin, dir, origin, kind, sources); err != nil {
			return err
		}
	}
	if err := writeDASHLadder(bin, dir, sources); err != nil {
		return err
	}
	return writeOtherDASHLadders(bin, dir, work, sources, seconds) // ladder_dash.go
}

// encodeRung encodes the rung at a constant bitrate, the audio at 64k.
func encodeRung(bin, out string, r LadderRung, seconds int) error {
	video := strconv.FormatInt(r.Bandwidth-64_000, 10)
	return ffmpeg(bin, "-f", "lavfi", "-i", fmt.Sprintf("testsrc2=size=%dx%d:rate=24", r.Width, r.Height),
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", strconv.Itoa(seconds),
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-aspect", "16:9",
		"-b:v", video, "-minrate", video, "-maxrate", video, "-bufsize", video, "-x264-params", "nal-hrd=cbr:repeat-headers=1",
		"-g", "48", "-keyint_min", "48", "-sc_threshold", "0",
		"-c:a", "aac", "-b:a", "64k", "-ac", "2", out)
}

func writeHLSLadder(bin, dir, origin, kind string, sources []string) error {
	master := "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n"
	for i, src := range sources {
		sub := fmt.Sprintf("ladder/%s/v%d/", kind, i)
		out := filepath.Join(dir, filepath.FromSlash(sub))
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		args := []string{"-i", src, "-c", "copy", "-f", "hls", "-hls_time", strconv.Itoa(LadderSegment),
			"-hls_playlist_type", "vod", "-hls_base_url", origin + sub}
		ext := "ts"
		if kind == "fmp4" {
			ext = "m4s"
			args = append(args, "-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", "init.mp4")
		} else {
			args = append(args, "-bsf:v", "h264_mp4toannexb")
		}
		playlist := filepath.Join(out, "index.m3u8")
		args = append(args, "-hls_segment_filename", filepath.Join(out, "seg%d."+ext), playlist)
		if err := ffmpeg(bin, args...); err != nil {
			return err
		}
		if kind == "fmp4" {
			if err := rewriteFile(playlist, `URI="init.mp4"`, `URI="`+origin+sub+`init.mp4"`); err != nil {
				return err
			}
		}
		r := Ladder[i]
		master += fmt.Sprintf("#EXT-X-STREAM-INF:BANDWIDTH=%d,RESOLUTION=%dx%d,CODECS=\"avc1.42c01f,mp4a.40.2\"\n%sindex.m3u8\n",
			r.Bandwidth, r.Width, r.Height, origin+sub)
	}
	return os.WriteFile(filepath.Join(dir, "ladder", kind, "master.m3u8"), []byte(master), 0o644)
}

func writeDASHLadder(bin, dir string, sources []string) error {
	mpd := filepath.Join(dir, filepath.FromSlash(LadderDASH))
	if err := os.MkdirAll(filepath.Dir(mpd), 0o755); err != nil {
		return err
	}
	args := []string{}
	for _, s := range sources {
		args = append(args, "-i", s)
	}
	args = append(args, "-map", "0:v", "-map", "1:v", "-map", "2:v", "-map", "0:a", "-c", "copy",
		"-f", "dash", "-seg_duration", strconv.Itoa(LadderSegment), "-use_template", "1", "-use_timeline", "0",
		"-adaptation_sets", "id=0,streams=v id=1,streams=a", mpd)
	return ffmpeg(bin, args...)
}
