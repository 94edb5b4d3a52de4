package cluster

import (
	"strings"
	"testing"
)

func TestClipURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		base, clip, want string
	}{
		{"http://h/video", "clip.mp4", "http://h/video/clip.mp4"},
		{"http://h/video/", "clip.mp4", "http://h/video/clip.mp4"},
		{"http://h/video//", "/clip.mp4", "http://h/video/clip.mp4"},
		{"http://h", "clip.mp4", "http://h/clip.mp4"},
		{"http://h/", "/a/b/clip.mp4", "http://h/a/b/clip.mp4"},
		// Every directory of the clip path is kept (Flowplayer kept the last segment only).
		{"http://h/vod", "2024/june/clip.mp4", "http://h/vod/2024/june/clip.mp4"},
		// The clip's query string is kept.
		{"http://h/vod", "a/clip.mp4?start=10&token=x", "http://h/vod/a/clip.mp4?start=10&token=x"},
		// A base query (an access token) is kept and the clip's appended.
		{"http://h/vod?key=k", "clip.mp4?start=10", "http://h/vod/clip.mp4?key=k&start=10"},
		{"http://h/vod?key=k", "clip.mp4", "http://h/vod/clip.mp4?key=k"},
		// An absolute clip URL contributes its path and query only.
		{"https://edge2.example/cdn", "http://origin.example/media/clip.mp4?x=1", "https://edge2.example/cdn/media/clip.mp4?x=1"},
		// Escapes survive, spaces are escaped.
		{"http://h/v", "my%20clip.mp4", "http://h/v/my%20clip.mp4"},
		{"http://h/v", "my clip.mp4", "http://h/v/my%20clip.mp4"},
		{"http://127.0.0.1:8080/v", "clip.mp4", "http://127.0.0.1:8080/v/clip.mp4"},
		{"http://h/v#frag", "clip.mp4", "http://h/v/clip.mp4"},
		// A clip is a path, colons and all, unless it is an absolute URL
		// of a scheme the cluster speaks.
		{"http://h/v", "Show:S01E02.mp4", "http://h/v/Show:S01E02.mp4"},
		{"http://h/v", "10:30.mp4", "http://h/v/10:30.mp4"},
		{"http://h/v", "Meeting 10:30.mp4", "http://h/v/Meeting%2010:30.mp4"},
		{"http://h/v", "mailto:x.mp4", "http://h/v/mailto:x.mp4"},
		{"http://h/v", "http:clip.mp4", "http://h/v/http:clip.mp4"},
		{"http://h/v", "a#b.mp4", "http://h/v/a%23b.mp4"},
		{"http://h/v", "HTTPS://origin/x/clip.mp4", "http://h/v/x/clip.mp4"},
		{"http://h/v", "rtmp://origin/vod/clip.mp4", "http://h/v/vod/clip.mp4"},
		{"http://h/v", "dir/clip.mp4?t=a b", "http://h/v/dir/clip.mp4?t=a%20b"},
		{"http://h/v", "clip.mp4?t=1#2", "http://h/v/clip.mp4?t=1%232"},
		{"http://h/v?key=k", "clip.mp4?t=1#2", "http://h/v/clip.mp4?key=k&t=1%232"},
	}
	for _, tt := range tests {
		t.Run(tt.base+"+"+tt.clip, func(t *testing.T) {
			base, err := ParseHostURL(tt.base)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ClipURL(base, tt.clip)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ClipURL(%q, %q) = %q, want %q", tt.base, tt.clip, got, tt.want)
			}
		})
	}
}

func TestClipURLRejects(t *testing.T) {
	t.Parallel()
	base, _ := ParseHostURL("http://h/v")
	for _, clip := range []string{"", "  ", "/", "http://h/", "%zz", "a\nb.mp4", "a\x00.mp4", "clip\r", "\tclip.mp4x\x7f"} {
		if got, err := ClipURL(base, clip); err == nil {
			t.Errorf("ClipURL(%q) = %q, want an error", clip, got)
		}
	}
}

func TestParseHostURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw     string
		wantErr string
	}{
		{"http://h/v", ""},
		{"HTTPS://h/v", ""},
		{"rtmp://h/app", ""},
		{"rtmps://h/app", ""},
		{"", "empty"},
		{"h/v", "no scheme"},
		{"ftp://h/v", `unsupported scheme "ftp"`},
		{"http:///v", "no host name"},
		{"http://[::1", "unparsable"},
		{"http://user:pw@h/v", "credentials"},
		{"http://h:1/v", ""},
		{"rtmp://h:65535/app", ""},
		{"http://h:/v", ""}, // an empty port is the scheme's default
		{"http://[::1]:8080/v", ""},
		{"http://h:99999/v", "(h) has port 99999, want 1 to 65535"},
		{"http://h:65536/v", "port 65536"},
		{"https://h:0/v", "(h) has port 0"},
		{"rtmp://h:00000/app", "port 00000"},
		{"http://[::1]:0/v", "(::1) has port 0"},
		{"http://h:99999999999999999999/v", "port 99999999999999999999"},
		{"rtmp://]/app", "no usable host name"},
		{"rtmp://::0/app", "no usable host name"},
		{"rtmp://[::1]/app", ""},
	}
	for _, tt := range tests {
		_, err := ParseHostURL(tt.raw)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("ParseHostURL(%q): %v", tt.raw, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseHostURL(%q) = %v, want error containing %q", tt.raw, err, tt.wantErr)
		}
	}
}

func TestValidateClip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		clip, want string // want: "" = usable, else part of the error
	}{
		{"clip.mp4", ""},
		{"Meeting 10:30.mp4", ""},
		{"", "empty"},
		{" \t ", "empty"},
		{"a\nb.mp4", "control character (U+000A)"},
		{"a\x00b", "control character (U+0000)"},
		{"a\u0085b", "control character (U+0085)"},
	}
	for _, tt := range tests {
		err := ValidateClip(tt.clip)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("ValidateClip(%q) = %v, want nil", tt.clip, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("ValidateClip(%q) = %v, want an error with %q", tt.clip, err, tt.want)
		}
	}
}

// TestRefusedClipHidesItsSecrets: an error about a clip names it, but
// never with its token, whichever check refused it.
func TestRefusedClipHidesItsSecrets(t *testing.T) {
	base, _ := ParseHostURL("http://h/v")
	for _, clip := range []string{
		"clip.mp4?x=1;token=S3CRET\n",
		"clip.mp4?token=S3CRET&t=1\x00",
		"http://h/v/clip.mp4?sig=S3CRET\r",
		"http://h/v/clip.mp4?x=1;token=S3CRET\x7f",
		"bad%zz.mp4?token=S3CRET",
	} {
		err := ValidateClip(clip)
		if err == nil {
			_, err = ClipURL(base, clip)
		}
		switch {
		case err == nil:
			t.Errorf("%q: no error", clip)
		case strings.Contains(err.Error(), "S3CRET"):
			t.Errorf("%q: the error shows the secret: %v", clip, err)
		case !strings.Contains(err.Error(), "REDACTED"):
			t.Errorf("%q: the error does not name the clip: %v", clip, err)
		}
	}
}
