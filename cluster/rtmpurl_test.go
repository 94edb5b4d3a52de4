package cluster

import "testing"

// TestRTMPClipURL: a clip on an RTMP host is the host's application URL,
// a slash, and the clip, in the path form mpv plays.
func TestRTMPClipURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ base, clip, want string }{
		{"rtmp://h/vod", "clip.mp4", "rtmp://h/vod/clip.mp4"},
		{"rtmp://h:1936/vod/", "/clip.mp4", "rtmp://h:1936/vod/clip.mp4"},
		{"rtmps://h/vod", "clip.mp4", "rtmps://h/vod/clip.mp4"},
		{"rtmp://h/app/instance", "dir/clip.mp4", "rtmp://h/app/instance/dir/clip.mp4"},
		// Clip directories are kept; runs of slashes collapse.
		{"rtmp://h/vod//", "dir//sub///clip.mp4", "rtmp://h/vod/dir/sub/clip.mp4"},
		// An absolute clip URL contributes its path.
		{"rtmp://h/vod", "http://origin.example/media/clip.mp4", "rtmp://h/vod/media/clip.mp4"},
		{"rtmp://h/vod", "rtmp://other/vod2/clip.mp4", "rtmp://h/vod/vod2/clip.mp4"},
		// Queries go with the stream name, as ffmpeg sends them.
		{"rtmp://h/vod?token=x", "clip.mp4", "rtmp://h/vod/clip.mp4?token=x"},
		{"rtmp://h/vod", "clip.mp4?start=3", "rtmp://h/vod/clip.mp4?start=3"},
		{"rtmp://h/vod", "mp4:clip.mp4", "rtmp://h/vod/mp4:clip.mp4"},
		{"rtmp://h/vod", "live stream", "rtmp://h/vod/live%20stream"},
	}
	for _, tt := range tests {
		hosts, err := NewHosts([]HostSpec{{URL: tt.base}})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := clipURLFor(hosts[0], tt.clip); err != nil || got != tt.want {
			t.Errorf("clipURLFor(%q, %q) = %q, %v; want %q", tt.base, tt.clip, got, err, tt.want)
		}
	}
}
