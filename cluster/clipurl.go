package cluster

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"clusterplay/cluster/rtmp"
	"clusterplay/events"
)

// ValidateClip says why a clip cannot be used at all, whatever the host:
// it is empty, or it holds a control character (a newline, a NUL), which no
// server's path means and which would forge lines in logs.
func ValidateClip(clip string) error {
	if strings.TrimSpace(clip) == "" {
		return fmt.Errorf("the clip is empty")
	}
	for _, r := range clip {
		if unicode.IsControl(r) {
			return fmt.Errorf("clip %q holds a control character (%U)", shownClip(clip), r)
		}
	}
	return nil
}

// shownClip is the clip as an error names it: with its secrets hidden, as
// the events name it, since the error reaches the terminal, the log and
// the control socket's reply.
func shownClip(clip string) string { return events.RedactURL(clip) }

// splitClip returns the clip's path, escaped, and its raw query. A clip is
// a path (plus an optional query) unless it is an absolute URL with a
// scheme the cluster speaks and a host; anything else is a relative path,
// colons and all ("Show:S01E02.mp4", "10:30.mp4"), escaped as a path
// segment needs. Existing %XX escapes are kept.
func splitClip(clip string) (escPath, rawQuery string, err error) {
	if err := ValidateClip(clip); err != nil {
		return "", "", err
	}
	clip = strings.TrimSpace(clip)
	if scheme, _, ok := strings.Cut(clip, "://"); ok && slices.Contains(SupportedSchemes, strings.ToLower(scheme)) {
		ref, err := url.Parse(clip)
		if err != nil {
			return "", "", fmt.Errorf("unparsable clip %q: %v", shownClip(clip), unwrapURLError(err))
		}
		if ref.Host != "" {
			return ref.EscapedPath(), ref.RawQuery, nil
		}
	}
	p, q, _ := strings.Cut(clip, "?")
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		raw, err := url.PathUnescape(seg)
		if err != nil {
			return "", "", fmt.Errorf("clip %q: %v", shownClip(clip), err)
		}
		segs[i] = url.PathEscape(raw)
	}
	return strings.Join(segs, "/"), queryEscaper.Replace(q), nil
}

// queryEscaper escapes what a clip's query cannot hold as written: a space,
// and a '#', which would end the query and start a fragment that no
// server sees ("a.mp4?t=1#2" asks for t=1#2, as "a#b.mp4" asks for a#b.mp4).
var queryEscaper = strings.NewReplacer(" ", "%20", "#", "%23")

// ClipURL joins a host base URL and a clip. Every directory of the clip path
// and its query string are kept (Flowplayer kept only the last path segment),
// with exactly one slash at the seam. A clip given as an absolute URL
// contributes only its path and query. A query on the base URL (an access
// token, say) is kept and the clip's query is appended to it.
func ClipURL(base *url.URL, clip string) (string, error) {
	clipPath, clipQuery, err := splitClip(clip)
	if err != nil {
		return "", err
	}
	if strings.Trim(clipPath, "/") == "" {
		return "", fmt.Errorf("clip %q has no path", shownClip(clip))
	}
	joined := *base
	joined.Fragment, joined.RawFragment = "", ""
	p := strings.TrimRight(base.EscapedPath(), "/") + "/" + strings.TrimLeft(clipPath, "/")
	unescaped, err := url.PathUnescape(p)
	if err != nil {
		return "", fmt.Errorf("clip %q: %v", shownClip(clip), err)
	}
	joined.Path, joined.RawPath = unescaped, p
	switch {
	case base.RawQuery == "":
		joined.RawQuery = clipQuery
	case clipQuery != "":
		joined.RawQuery = base.RawQuery + "&" + clipQuery
	}
	return joined.String(), nil
}

// clipURLFor returns the clip's URL on a host of any supported scheme.
func clipURLFor(h *Host, clip string) (string, error) {
	if rtmp.IsScheme(h.Scheme()) {
		// rtmp://server/app/<clip>, the form mpv plays (see rtmp/url.go).
		return rtmpClipURL(h.base, clip)
	}
	return ClipURL(h.base, clip)
}

// rtmpClipURL is the clip's URL on an RTMP host: the application URL, one
// slash, the clip path with its directories and any query (the host's
// query, then the clip's, as for HTTP: ffmpeg passes it on with the stream
// name, where nginx-rtmp's on_play and token modules read it). Runs of
// slashes collapse, because RTMP servers split names at every slash.
func rtmpClipURL(base *url.URL, clip string) (string, error) {
	joined, err := ClipURL(base, clip)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(joined)
	if err != nil {
		return "", err
	}
	p := rtmp.CollapseSlashes(u.EscapedPath())
	if u.Path, err = url.PathUnescape(p); err != nil {
		return "", err
	}
	u.RawPath = p
	return u.String(), nil
}

// ClipURL is the clip's URL on this host.
func (h *Host) ClipURL(clip string) (string, error) { return clipURLFor(h, clip) }

// IsHTTP reports whether the host speaks HTTP or HTTPS (and so can be
// relayed), not RTMP.
func (h *Host) IsHTTP() bool { return !rtmp.IsScheme(h.Scheme()) }

// SplitClipURL splits an absolute clip URL of a scheme the cluster speaks
// into its directory (a host base URL, ending in "/") and the rest (the
// file name and query): "https://edge/media/clip.mp4?t=1" is
// "https://edge/media/" and "clip.mp4?t=1". ok is false for anything else.
func SplitClipURL(raw string) (dir, rest string, ok bool) {
	scheme, _, found := strings.Cut(raw, "://")
	if !found || !slices.Contains(SupportedSchemes, strings.ToLower(scheme)) {
		return "", "", false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", "", false
	}
	p := u.EscapedPath()
	i := strings.LastIndexByte(p, '/')
	if i < 0 || i == len(p)-1 {
		return "", "", false // no file name: a directory, not a clip
	}
	rest = p[i+1:]
	if u.RawQuery != "" {
		rest += "?" + u.RawQuery
	}
	d := *u
	d.RawQuery, d.Fragment, d.RawFragment = "", "", ""
	d.Path, _ = url.PathUnescape(p[:i+1])
	d.RawPath = p[:i+1]
	return d.String(), rest, true
}
