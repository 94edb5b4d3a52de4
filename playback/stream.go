package playback

import (
	"time"

	"clusterplay/cluster"
	"clusterplay/player"
)

// streamOptions are the ffmpeg options a load of res needs. ffmpeg splits
// an RTMP URL into application and stream by guessing (the first path
// segment is the application, or the first two when more follow), so
// rtmp://server/vod/dir/clip.mp4 would ask nginx for the application
// "vod/dir". An RTMP load therefore names the application, stream and
// tcUrl that the probe sent and the server accepted, after any redirect.
// HTTP loads need none: nil also clears what an RTMP load before set.
func streamOptions(res cluster.Result) [][2]string {
	if res.RTMP == nil {
		return nil
	}
	p := res.RTMP
	return [][2]string{{"rtmp_app", p.App}, {"rtmp_playpath", p.PlayPath}, {"rtmp_tcurl", p.TCURL}}
}

// rtmpProbe is the demuxer probe of an RTMP load. ffmpeg's own reads a
// live stream for about 2.2 s before its first frame, mostly to guess a
// frame rate; this one stops once it knows every track, and waits at most
// 3 s for a track still missing: longer than the keyframe interval of
// live encoders (nginx sends a new player video from the next keyframe,
// and a probe that gives up before it plays the sound alone), and short
// of the stall timeout for a stream that has only one track. VOD streams
// send every track at once and are not slowed. See player/demuxprobe.go.
var rtmpProbe = player.DemuxerProbe{MaxDuration: 3 * time.Second, SkipFrameRate: true}

// demuxerProbe is the probe a load of res needs: rtmpProbe for RTMP, the
// player's own for HTTP (the zero value also undoes an RTMP load's).
func demuxerProbe(res cluster.Result) player.DemuxerProbe {
	if res.RTMP == nil {
		return player.DemuxerProbe{}
	}
	return rtmpProbe
}
