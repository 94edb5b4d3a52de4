#!/bin/sh
# Regenerates clip.mp4, the 6 s test/demo clip embedded by package assets.
#
# The clip is small on purpose (a few hundred KB): tests serve it over
# loopback HTTP and RTMP many times, and it is committed to the repository.
# +faststart puts the moov atom first so a player can start before the whole
# file has arrived, as it would from a CDN. The output is bit-exact for a
# given ffmpeg build (single-threaded x264, no encoder/creation metadata) so
# re-running the script does not churn the committed file.
#
# Usage: assets/make-clip.sh [output]   (default: clip.mp4 next to this script)
set -eu

out=${1:-"$(dirname "$0")/clip.mp4"}

# Prefer H.264; fall back to MPEG-4 part 2 where libx264 is not built in.
if ffmpeg -hide_banner -encoders 2>/dev/null | grep -q ' libx264 '; then
	vcodec="-c:v libx264 -preset veryslow -profile:v main -pix_fmt yuv420p -b:v 300k -maxrate 400k -bufsize 800k -g 25 -x264-params threads=1"
else
	vcodec="-c:v mpeg4 -q:v 6 -g 25 -threads 1"
fi

# A running timestamp makes seeks and resumes visible; drawtext needs a font.
font=/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf
vf=null
if [ -f "$font" ] && ffmpeg -hide_banner -filters 2>/dev/null | grep -q ' drawtext '; then
	vf="drawtext=fontfile=$font:text='%{pts\\:hms} #%{frame_num}':x=8:y=h-th-8:fontsize=18:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4"
fi

# shellcheck disable=SC2086 # vcodec is a word list on purpose
ffmpeg -hide_banner -loglevel error -y \
	-f lavfi -i "testsrc2=size=320x180:rate=25:duration=6" \
	-f lavfi -i "sine=frequency=440:sample_rate=44100:duration=6" \
	-vf "$vf" $vcodec \
	-c:a aac -b:a 64k -ac 1 \
	-map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact \
	-movflags +faststart -shortest \
	"$out"
