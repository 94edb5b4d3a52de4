package cluster

import (
	"fmt"
	"net/url"
	"strings"
)

// ClipURL joins a host base URL and a clip. Every directory of the clip path
// and its query string are kept (Flowplayer kept only the last path segment),
// with exactly one slash at the seam. A clip given as an absolute URL
// contributes only its path and query. A query on the base URL (an access
// token, say) is kept and the clip's query is appended to it.
func ClipURL(base *url.URL, clip string) (string, error) {
	ref, err := url.Parse(strings.TrimSpace(clip))
	if err != nil {
		return "", fmt.Errorf("unparsable clip %q: %v", clip, unwrapURLError(err))
	}
	clipPath := ref.EscapedPath()
	if ref.Opaque != "" {
		// "name:thing" parses as an opaque URL; treat it as a plain path.
		clipPath = url.PathEscape(ref.Scheme) + ":" + ref.Opaque
	}
	if strings.Trim(clipPath, "/") == "" {
		return "", fmt.Errorf("clip %q has no path", clip)
	}
	joined := *base
	joined.Fragment, joined.RawFragment = "", ""
	p := strings.TrimRight(base.EscapedPath(), "/") + "/" + strings.TrimLeft(clipPath, "/")
	unescaped, err := url.PathUnescape(p)
	if err != nil {
		return "", fmt.Errorf("clip %q: %v", clip, err)
	}
	joined.Path, joined.RawPath = unescaped, p
	switch {
	case base.RawQuery == "":
		joined.RawQuery = ref.RawQuery
	case ref.RawQuery != "":
		joined.RawQuery = base.RawQuery + "&" + ref.RawQuery
	}
	return joined.String(), nil
}

// clipURLFor returns the clip's URL on a host of any supported scheme.
func clipURLFor(h *Host, clip string) (string, error) {
	if isRTMPScheme(h.Scheme()) {
		// rtmp://server/app/<clip>, the form mpv plays (see rtmpurl.go).
		return rtmpClipURL(h.base, clip)
	}
	return ClipURL(h.base, clip)
}
