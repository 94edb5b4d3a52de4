package playback

import (
	"errors"
	"net/url"
	"strings"

	"clusterplay/cluster"
)

// ffmpeg splits an RTMP URL into application and stream by guessing: the
// first path segment is the application, or the first two when more
// follow. rtmp://server/vod/dir/clip.mp4 thus asks for the application
// "vod/dir", which nginx does not have. The engine knows better (the host's
// base URL ends where the application ends), so every RTMP load says the
// application, stream and tcUrl explicitly: the very ones the probe sent
// and the server accepted.

// streamOptions are the ffmpeg options to play url, which the engine
// resolved clip to on host; nil when the URL says all (HTTP), or when the
// split cannot be known (see rtmpRedirectParams).
func streamOptions(host *cluster.Host, clipURL, playURL string) [][2]string {
	if s := host.Scheme(); s != "rtmp" && s != "rtmps" {
		return nil
	}
	p, err := rtmpParams(host.URL, clipURL, playURL)
	if err != nil {
		return nil
	}
	return [][2]string{{"rtmp_app", p.App}, {"rtmp_playpath", p.PlayPath}, {"rtmp_tcurl", p.TCURL}}
}

// rtmpParams splits playURL. clipURL is the clip's URL on the host itself;
// playURL differs from it when the host redirected the probe elsewhere.
func rtmpParams(hostURL, clipURL, playURL string) (cluster.RTMPPlay, error) {
	direct, err := cluster.RTMPPlayParams(hostURL, clipURL)
	if err != nil || playURL == clipURL {
		return direct, err
	}
	return rtmpRedirectParams(direct, playURL)
}

// errUnsplittable: the redirected URL cannot be split with certainty.
var errUnsplittable = errors.New("cannot tell the redirected application from the stream")

// rtmpRedirectParams splits a URL the probe was redirected to. A redirect
// names a new server and application and keeps the stream, so the final
// URL's path is the new application followed by the stream the host's own
// URL had: what is left once that stream is taken off the end is the
// application. A redirect that carries its own query is merged into the
// stream's query in the final URL, and which part belongs to the
// application can no longer be told: such loads go without explicit
// options, and ffmpeg's guess is right for one-segment applications and
// clips without directories.
func rtmpRedirectParams(direct cluster.RTMPPlay, playURL string) (cluster.RTMPPlay, error) {
	d, err := url.Parse(direct.URL)
	if err != nil {
		return cluster.RTMPPlay{}, err
	}
	f, err := url.Parse(playURL)
	if err != nil {
		return cluster.RTMPPlay{}, err
	}
	stream, ok := strings.CutPrefix(d.Path, "/"+direct.App+"/")
	if !ok || f.RawQuery != d.RawQuery {
		return cluster.RTMPPlay{}, errUnsplittable
	}
	app, ok := strings.CutSuffix(f.Path, "/"+stream)
	if !ok || strings.Trim(app, "/") == "" {
		return cluster.RTMPPlay{}, errUnsplittable
	}
	base := url.URL{Scheme: f.Scheme, Host: f.Host, Path: app}
	return cluster.RTMPPlayParams(base.String(), playURL)
}
