package playback

import "clusterplay/cluster"

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
