package config

import (
	"reflect"
	"testing"

	"clusterplay/cluster"
)

// TestOneURLAndMirrors: a CLIP that is a URL, with no host configured, is
// a cluster of one host (its directory); --mirror adds hosts; several
// CLIPs are a playlist.
func TestOneURLAndMirrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args      []string
		hosts     []string
		clips     []string
		wantError string
	}{
		{[]string{"https://edge1.example.com/media/clip.mp4"},
			[]string{"https://edge1.example.com/media/"}, []string{"clip.mp4"}, ""},
		{[]string{"https://edge1.example.com/media/clip.mp4?token=t", "--mirror", "https://edge2.example.com/m/"},
			[]string{"https://edge1.example.com/media/", "https://edge2.example.com/m/"}, []string{"clip.mp4?token=t"}, ""},
		// A whole clip URL as a mirror is its directory.
		{[]string{"https://edge1.example.com/media/clip.mp4", "--mirror", "https://edge2.example.com/x/clip.mp4"},
			[]string{"https://edge1.example.com/media/", "https://edge2.example.com/x/"}, []string{"clip.mp4"}, ""},
		{[]string{"rtmp://r.example.com/vod/clip.mp4"}, []string{"rtmp://r.example.com/vod/"}, []string{"clip.mp4"}, ""},
		// Several CLIPs: a playlist; URLs under the first one's directory.
		{[]string{"https://e.example.com/m/a.mp4", "https://e.example.com/m/b.mp4", "c.mp4"},
			[]string{"https://e.example.com/m/"}, []string{"a.mp4", "b.mp4", "c.mp4"}, ""},
		{[]string{"https://e.example.com/m/a.mp4", "https://other.example.com/m/b.mp4"}, nil, nil, "not under https://e.example.com/m/"},
		// With hosts given, a URL CLIP stays as it is (its path joins each host).
		{[]string{"--host", "http://h.example.com/v", "https://e.example.com/m/a.mp4"},
			[]string{"http://h.example.com/v"}, []string{"https://e.example.com/m/a.mp4"}, ""},
		{[]string{"--host", "http://h.example.com/v", "--mirror", "http://h2.example.com/v", "a.mp4", "b.mp4"},
			[]string{"http://h.example.com/v", "http://h2.example.com/v"}, []string{"a.mp4", "b.mp4"}, ""},
		{[]string{"a.mp4"}, nil, nil, "no hosts"},
	}
	for _, tt := range tests {
		cfg, err := Load(tt.args, testEnv(t))
		if tt.wantError != "" {
			wantUsage(t, err, tt.wantError)
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		var hosts []string
		for _, h := range cfg.Hosts {
			hosts = append(hosts, h.URL)
		}
		if !reflect.DeepEqual(hosts, tt.hosts) || !reflect.DeepEqual(cfg.Clips, tt.clips) || cfg.Clip != tt.clips[0] {
			t.Errorf("%q: hosts %q clips %q (clip %q), want %q %q", tt.args, hosts, cfg.Clips, cfg.Clip, tt.hosts, tt.clips)
		}
	}
}

func TestSplitClipURL(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string][2]string{
		"https://e/m/clip.mp4":       {"https://e/m/", "clip.mp4"},
		"http://e/clip.mp4?x=1":      {"http://e/", "clip.mp4?x=1"},
		"http://e/a%20b/c%3F.mp4":    {"http://e/a%20b/", "c%3F.mp4"},
		"rtmp://r:1935/live/stream1": {"rtmp://r:1935/live/", "stream1"},
	} {
		dir, rest, ok := cluster.SplitClipURL(raw)
		if !ok || dir != want[0] || rest != want[1] {
			t.Errorf("SplitClipURL(%q) = %q, %q, %v", raw, dir, rest, ok)
		}
	}
	for _, raw := range []string{"clip.mp4", "https://e/m/", "ftp://e/a.mp4", "Show:S01E02.mp4", "http:/e/a.mp4"} {
		if _, _, ok := cluster.SplitClipURL(raw); ok {
			t.Errorf("SplitClipURL(%q) took it for a clip URL", raw)
		}
	}
}
