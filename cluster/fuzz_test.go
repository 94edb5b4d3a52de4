package cluster

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"clusterplay/cluster/rtmp"
)

// The fuzz targets hold host URLs and clip joining to what the engine and
// the user rely on whatever the input; `go test` runs the seeds, and the
// README says how to fuzz longer.

var hostSeeds = []string{
	"http://h/v", "HTTPS://h/v", "rtmp://h/app", "rtmps://user:pw@h:443/app", "http://127.0.0.1:8080/v?token=t#f",
	"http://[::1]:8080/v", "http://[fe80::1%25eth0]/v", "", " ", "h/v", "ftp://h/v", "http:///v", "http://[::1",
	"http://user:pw@h/v", "http://h:99999/v", "http://h:0/v", "http://h:/v", "http://h:65535/v", "http://h:65536/v",
	"http://h:00080/v", "http://h:99999999999999999999/v", "http://h\n/v", "http://%41/v", "http://h:8080:80/v",
	"mailto:x@h", "http:opaque", "//h/v",
}

// FuzzParseHostURL: an accepted URL has a supported scheme, a host name, a
// port the network can dial and no credentials the events would show; a
// refusal is one printable line.
func FuzzParseHostURL(f *testing.F) {
	for _, s := range hostSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ParseHostURL(raw)
		if err != nil {
			if strings.ContainsFunc(err.Error(), unicode.IsControl) {
				t.Fatalf("ParseHostURL(%q): message is not one printable line: %q", raw, err)
			}
			return
		}
		if !slices.Contains(SupportedSchemes, u.Scheme) {
			t.Fatalf("ParseHostURL(%q): scheme %q", raw, u.Scheme)
		}
		if u.Hostname() == "" {
			t.Fatalf("ParseHostURL(%q): no host name", raw)
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				t.Fatalf("ParseHostURL(%q): port %q", raw, p)
			}
		}
		if u.User != nil && !rtmp.IsScheme(u.Scheme) {
			t.Fatalf("ParseHostURL(%q): credentials in %s", raw, u.Scheme)
		}
	})
}

// FuzzClipURL: a clip joined to a host is a URL on that host, with the
// host's path and query in front of the clip's, and no control character
// to forge a log line or an HTTP request; a clip ValidateClip refuses is
// never joined.
func FuzzClipURL(f *testing.F) {
	clips := []string{"clip.mp4", "/a/b/clip.mp4", "2024/june/clip.mp4?start=10&token=x", "my clip.mp4", "my%20clip.mp4",
		"Show:S01E02.mp4", "10:30.mp4", "Meeting 10:30.mp4", "mailto:x.mp4", "http:clip.mp4", "a#b.mp4", "HTTPS://origin/x/clip.mp4",
		"rtmp://origin/vod/clip.mp4", "http://origin/", "dir/clip.mp4?t=a b", "", "  ", "/", "%zz", "%2F", "a\nb.mp4", "a\x00.mp4",
		"clip\r", "a\u0085b", "../../etc/passwd", "?x=1", "//evil.example/clip.mp4", "http://evil.example@h/x", "\\\\evil\\x"}
	bases := []string{"http://h/video", "http://h/vod?key=k", "https://h:8443/a%20b/", "http://h", "http://[::1]:8080/v#frag"}
	for i, c := range clips {
		f.Add(bases[i%len(bases)], c)
	}
	f.Fuzz(func(t *testing.T, rawBase, clip string) {
		base, err := ParseHostURL(rawBase)
		if err != nil {
			return
		}
		joined, err := ClipURL(base, clip)
		if err != nil {
			if strings.ContainsFunc(err.Error(), unicode.IsControl) {
				t.Fatalf("ClipURL(%q, %q): message is not one printable line: %q", rawBase, clip, err)
			}
			return
		}
		if verr := ValidateClip(clip); verr != nil {
			t.Fatalf("ClipURL(%q, %q) = %q, but ValidateClip says %v", rawBase, clip, joined, verr)
		}
		if strings.ContainsFunc(joined, unicode.IsControl) || strings.ContainsAny(joined, " ") {
			t.Fatalf("ClipURL(%q, %q) = %q holds a control character or a space", rawBase, clip, joined)
		}
		u, err := url.Parse(joined)
		if err != nil {
			t.Fatalf("ClipURL(%q, %q) = %q, which does not parse: %v", rawBase, clip, joined, err)
		}
		if u.Scheme != base.Scheme || u.Host != base.Host || u.User.String() != base.User.String() {
			t.Fatalf("ClipURL(%q, %q) = %q leaves the host %q", rawBase, clip, joined, base.Host)
		}
		if !strings.HasPrefix(u.EscapedPath(), strings.TrimRight(base.EscapedPath(), "/")+"/") {
			t.Fatalf("ClipURL(%q, %q) = %q does not start with the host's path", rawBase, clip, joined)
		}
		if !strings.HasPrefix(u.RawQuery, base.RawQuery) {
			t.Fatalf("ClipURL(%q, %q) = %q drops the host's query %q", rawBase, clip, joined, base.RawQuery)
		}
		if u.Fragment != "" {
			t.Fatalf("ClipURL(%q, %q) = %q has a fragment", rawBase, clip, joined)
		}
	})
}
