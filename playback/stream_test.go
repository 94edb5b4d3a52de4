package playback

import (
	"testing"

	"clusterplay/cluster"
)

func TestRTMPParams(t *testing.T) {
	tests := []struct {
		name                   string
		host, clipURL, playURL string
		app, playPath, tcURL   string
		unsplittable           bool
	}{
		{name: "clip in a directory",
			host: "rtmp://s/vod", clipURL: "rtmp://s/vod/dir/clip.mp4", playURL: "rtmp://s/vod/dir/clip.mp4",
			app: "vod", playPath: "mp4:dir/clip.mp4", tcURL: "rtmp://s/vod"},
		{name: "two-segment application",
			host: "rtmp://s:1936/app/inst", clipURL: "rtmp://s:1936/app/inst/a/b.flv", playURL: "rtmp://s:1936/app/inst/a/b.flv",
			app: "app/inst", playPath: "a/b", tcURL: "rtmp://s:1936/app/inst"},
		{name: "query stays with the stream",
			host: "rtmp://s/vod", clipURL: "rtmp://s/vod/clip.mp4?t=1", playURL: "rtmp://s/vod/clip.mp4?t=1",
			app: "vod", playPath: "clip.mp4?t=1", tcURL: "rtmp://s/vod"},
		{name: "redirected to a two-segment application",
			host: "rtmp://lb/vod", clipURL: "rtmp://lb/vod/dir/clip.mp4", playURL: "rtmp://edge:1937/vod/inst/dir/clip.mp4",
			app: "vod/inst", playPath: "mp4:dir/clip.mp4", tcURL: "rtmp://edge:1937/vod/inst"},
		{name: "redirected, the stream's query kept",
			host: "rtmp://lb/vod", clipURL: "rtmp://lb/vod/dir/clip.mp4?t=1", playURL: "rtmp://edge/live/dir/clip.mp4?t=1",
			app: "live", playPath: "dir/clip.mp4?t=1", tcURL: "rtmp://edge/live"},
		{name: "redirect with its own query: cannot be split",
			host: "rtmp://lb/vod", clipURL: "rtmp://lb/vod/clip.mp4?t=1", playURL: "rtmp://edge/vod/clip.mp4?edge=2&t=1",
			unsplittable: true},
		{name: "redirect to no application: cannot be split",
			host: "rtmp://lb/vod", clipURL: "rtmp://lb/vod/clip.mp4", playURL: "rtmp://edge/clip.mp4",
			unsplittable: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := rtmpParams(tt.host, tt.clipURL, tt.playURL)
			if tt.unsplittable {
				if err == nil {
					t.Fatalf("split %q as %+v, want an error", tt.playURL, p)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.App != tt.app || p.PlayPath != tt.playPath || p.TCURL != tt.tcURL {
				t.Errorf("app %q playpath %q tcurl %q, want %q %q %q", p.App, p.PlayPath, p.TCURL, tt.app, tt.playPath, tt.tcURL)
			}
		})
	}
}

func TestStreamOptionsByScheme(t *testing.T) {
	hosts, err := cluster.NewHosts([]cluster.HostSpec{{URL: "http://s/media"}, {URL: "rtmp://s/vod"}})
	if err != nil {
		t.Fatal(err)
	}
	if o := streamOptions(hosts[0], "http://s/media/dir/clip.mp4", "http://s/media/dir/clip.mp4"); o != nil {
		t.Errorf("HTTP host got options %q", o)
	}
	o := streamOptions(hosts[1], "rtmp://s/vod/dir/clip.mp4", "rtmp://s/vod/dir/clip.mp4")
	if len(o) != 3 || o[0] != [2]string{"rtmp_app", "vod"} || o[1] != [2]string{"rtmp_playpath", "mp4:dir/clip.mp4"} {
		t.Errorf("RTMP host got options %q", o)
	}
	// Unsplittable: no options, ffmpeg guesses.
	if o := streamOptions(hosts[1], "rtmp://s/vod/clip.mp4", "rtmp://e/clip.mp4"); o != nil {
		t.Errorf("unsplittable redirect got options %q", o)
	}
}
