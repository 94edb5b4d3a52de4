package loopback

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// LadderAudio is the path of the ladder MakeAudioLadder writes: HLS over
// MPEG-TS whose video variants carry no audio, the audio in two groups
// of renditions (EXT-X-MEDIA) at two bitrates, as CDNs package it.
const LadderAudio = "ladder/audio/master.m3u8"

// AudioLadderVideo are MakeAudioLadder's video variants, video alone
// (Bandwidth is the video's bitrate), each naming the audio group of the
// same index of AudioLadderGroups: 240p the 64k group, 480p and 720p the
// 192k group. Its master's BANDWIDTH is the video's plus its group's.
var AudioLadderVideo = []LadderRung{{426, 240, 200_000}, {854, 480, 700_000}, {1280, 720, 1_600_000}}

// AudioGroup is one audio group of MakeAudioLadder: its GROUP-ID, the
// directory of its rendition below ladder/audio/, and its AAC bitrate.
type AudioGroup struct {
	ID, Dir string
	Bitrate int64 // bits/s
}

// AudioLadderGroups are the audio groups, one English stereo AAC
// rendition each, and AudioLadderGroupOf the group of each video variant.
var (
	AudioLadderGroups  = []AudioGroup{{"aac-64k", "a64", 64_000}, {"aac-192k", "a192", 192_000}}
	AudioLadderGroupOf = []int{0, 1, 1}
)

// MakeAudioLadder encodes seconds of a test picture at the rungs of
// AudioLadderVideo (without audio) and a tone at each of
// AudioLadderGroups into dir, 2 s segments aligned in every variant and
// rendition, and writes LadderAudio, every URI absolute under origin.
func MakeAudioLadder(dir, origin string, seconds int) error {
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		return fmt.Errorf("loopback: %w; install it with: %s", ErrFFmpegMissing, FFmpegPackages)
	}
	origin = strings.TrimSuffix(origin, "/") + "/"
	master := "#EXTM3U\n#EXT-X-VERSION:4\n#EXT-X-INDEPENDENT-SEGMENTS\n"
	for _, g := range AudioLadderGroups {
		sub := "ladder/audio/" + g.Dir + "/"
		rate := strconv.FormatInt(g.Bitrate, 10)
		if err := hlsRendition(bin, dir, origin, sub, seconds, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
			"-c:a", "aac", "-b:a", rate, "-ac", "2"); err != nil {
			return err
		}
		master += fmt.Sprintf("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=%q,NAME=\"English\",LANGUAGE=\"en\",CHANNELS=\"2\",DEFAULT=YES,AUTOSELECT=YES,URI=\"%sindex.m3u8\"\n",
			g.ID, origin+sub)
	}
	for i, r := range AudioLadderVideo {
		sub := fmt.Sprintf("ladder/audio/v%d/", i)
		video := strconv.FormatInt(r.Bandwidth, 10)
		if err := hlsRendition(bin, dir, origin, sub, seconds,
			"-f", "lavfi", "-i", fmt.Sprintf("testsrc2=size=%dx%d:rate=24", r.Width, r.Height), "-an",
			"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-aspect", "16:9",
			"-b:v", video, "-minrate", video, "-maxrate", video, "-bufsize", video, "-x264-params", "nal-hrd=cbr:repeat-headers=1",
			"-g", "48", "-keyint_min", "48", "-sc_threshold", "0"); err != nil {
			return err
		}
		g := AudioLadderGroups[AudioLadderGroupOf[i]]
		master += fmt.Sprintf("#EXT-X-STREAM-INF:BANDWIDTH=%d,RESOLUTION=%dx%d,CODECS=\"avc1.42c01f,mp4a.40.2\",AUDIO=%q\n%sindex.m3u8\n",
			r.Bandwidth+g.Bitrate, r.Width, r.Height, g.ID, origin+sub)
	}
	return os.WriteFile(filepath.Join(dir, filepath.FromSlash(LadderAudio)), []byte(master), 0o644)
}

// hlsRendition encodes seconds of the input and codec args into an HLS
// media playlist of 2 s MPEG-TS segments at dir/sub, its URIs under
// origin.
func hlsRendition(bin, dir, origin, sub string, seconds int, args ...string) error {
	out := filepath.Join(dir, filepath.FromSlash(sub))
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	args = append(args, "-t", strconv.Itoa(seconds), "-f", "hls", "-hls_time", strconv.Itoa(LadderSegment),
		"-hls_playlist_type", "vod", "-hls_base_url", origin+sub,
		"-hls_segment_filename", filepath.Join(out, "seg%d.ts"), filepath.Join(out, "index.m3u8"))
	return ffmpeg(bin, args...)
}
