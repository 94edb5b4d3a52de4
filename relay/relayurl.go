package relay

import (
	"net/url"
	"strings"

	"clusterplay/cluster"
)

// clipURL is the relay's URL for clip at addr, under token: the clip's
// path and query escaped exactly as a host's URL for it is (cluster.ClipURL),
// so that the player asks the relay for the very path the probe asked the
// host for. Written raw, a '#' in a name ("x#clip.mp4") would start a
// fragment the player never sends, and the relay would ask the hosts for
// "x". A clip that cannot be joined (none: the base for manifests) is
// appended as it is.
func clipURL(addr, token, clip string) string {
	base := &url.URL{Scheme: "http", Host: addr, Path: "/"}
	if token != "" {
		base.Path = "/" + token + "/"
	}
	if strings.Trim(clip, "/") != "" {
		if u, err := cluster.ClipURL(base, clip); err == nil {
			return u
		}
	}
	return base.String() + strings.TrimLeft(clip, "/")
}
