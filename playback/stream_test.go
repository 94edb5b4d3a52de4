package playback

import (
	"testing"

	"clusterplay/cluster"
)

func TestStreamOptions(t *testing.T) {
	t.Parallel()
	if o := streamOptions(cluster.Result{URL: "http://s/media/dir/clip.mp4"}); o != nil {
		t.Errorf("HTTP load got options %q", o)
	}
	play := &cluster.RTMPPlay{URL: "rtmp://s/vod/dir/clip.mp4", App: "vod", PlayPath: "mp4:dir/clip.mp4", TCURL: "rtmp://s/vod"}
	o := streamOptions(cluster.Result{URL: play.URL, RTMP: play})
	want := [][2]string{{"rtmp_app", "vod"}, {"rtmp_playpath", "mp4:dir/clip.mp4"}, {"rtmp_tcurl", "rtmp://s/vod"}}
	if len(o) != len(want) || o[0] != want[0] || o[1] != want[1] || o[2] != want[2] {
		t.Errorf("RTMP load got options %q, want %q", o, want)
	}
}
