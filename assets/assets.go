// Package assets holds media embedded in the binary: a short clip for the
// demo mode and for tests that need real media over real sockets.
package assets

import (
	_ "embed"
	"time"
)

// Clip is a 6.000 s, 320x180, 25 fps H.264 (main profile) + mono AAC 440 Hz
// sine MP4 with the moov atom first (+faststart), 268830 bytes. The testsrc2
// pattern carries a burnt-in "hh:mm:ss.mmm #frame" timestamp so a seek or a
// resume is visible on screen.
//
// It was made by make-clip.sh (ffmpeg 5.1, libx264), which ran:
//
//	ffmpeg -hide_banner -loglevel error -y \
//		-f lavfi -i "testsrc2=size=320x180:rate=25:duration=6" \
//		-f lavfi -i "sine=frequency=440:sample_rate=44100:duration=6" \
//		-vf "drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf:text='%{pts\:hms} #%{frame_num}':x=8:y=h-th-8:fontsize=18:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4" \
//		-c:v libx264 -preset veryslow -profile:v main -pix_fmt yuv420p -b:v 300k -maxrate 400k -bufsize 800k -g 25 -x264-params threads=1 \
//		-c:a aac -b:a 64k -ac 1 \
//		-map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact \
//		-movflags +faststart -shortest \
//		clip.mp4
//
// The output is byte-identical when re-run with the same ffmpeg build. Tests
// must not modify the slice.
//
//go:embed clip.mp4
var Clip []byte

// ClipName is the file name under which the clip is served.
const ClipName = "clip.mp4"

// ClipDuration is the container duration as measured with ffprobe
// (format=duration 6.000000; 150 video frames, 260 AAC frames).
const ClipDuration = 6 * time.Second
