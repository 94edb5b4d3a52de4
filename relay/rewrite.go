package relay

import (
	"bytes"
	"net/url"
	"strings"

	"clusterplay/cluster"
)

// A manifest names its playlists, segments, keys and init segments by
// URLs: relative ones resolve against the manifest's own URL, which is the
// relay's, and so come back through the relay on their own; absolute ones
// name a host. Those that point into one of the cluster's HTTP hosts are
// pointed at the relay, whichever host the manifest came from, so that
// every segment follows the cluster. What a CDN writes in a manifest:
//
//   - HLS: variant and segment URI lines; URI="..." of EXT-X-MEDIA,
//     EXT-X-I-FRAME-STREAM-INF, EXT-X-MAP, EXT-X-KEY, EXT-X-SESSION-KEY;
//   - DASH: <BaseURL>, <Location>, SegmentTemplate's media= and
//     initialization=, SegmentURL's media=, Initialization's sourceURL=.
//
// Rather than know each of these, the rewriter finds every absolute URL
// in the text, wherever it stands, and keeps those outside the cluster as
// they are.

// rewriter points the URLs under any of the cluster's HTTP hosts at to.
// The hosts are indexed by origin and base path, so that each URL costs
// a few map lookups whatever the host count: the rewrite is one pass over
// the body, not one per host.
type rewriter struct {
	origins map[string]*originBases
	to      string // the relay's URL for clips, ending in "/"
}

// originBases are the base paths of the hosts of one origin ("/video/",
// with a trailing slash), and the longest of them.
type originBases struct {
	paths   map[string]bool
	longest int
}

func newRewriter(hosts []*cluster.Host, to string) *rewriter {
	rw := &rewriter{to: strings.TrimSuffix(to, "/") + "/", origins: map[string]*originBases{}}
	for _, h := range hosts {
		if !h.IsHTTP() {
			continue
		}
		u, err := url.Parse(h.Key())
		if err != nil {
			continue
		}
		o := origin(u)
		ob := rw.origins[o]
		if ob == nil {
			ob = &originBases{paths: map[string]bool{}}
			rw.origins[o] = ob
		}
		p := strings.TrimSuffix(u.EscapedPath(), "/") + "/"
		ob.paths[p] = true
		ob.longest = max(ob.longest, len(p))
	}
	return rw
}

// origin is scheme://host[:port] with the default port left out, in lower
// case, so that http://CDN:80/ and http://cdn/ compare equal.
func origin(u *url.URL) string {
	host := strings.ToLower(u.Host)
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	case scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	}
	return scheme + "://" + host
}

// rewrite returns body with every absolute URL into the cluster pointed
// at the relay.
func (rw *rewriter) rewrite(body []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(body))
	rest := body
	for {
		i := indexURL(rest)
		if i < 0 {
			out.Write(rest)
			return out.Bytes()
		}
		out.Write(rest[:i])
		rest = rest[i:]
		n := urlEnd(rest)
		out.WriteString(rw.point(string(rest[:n])))
		rest = rest[n:]
	}
}

// point returns the relay's URL for raw when raw is under one of the
// cluster's hosts (the longest base path wins), else raw.
func (rw *rewriter) point(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return raw
	}
	// The path and what follows it, as the manifest wrote them: the
	// query's escaping and any entity (&amp;) are kept byte for byte.
	schemeEnd := strings.Index(raw, "://") + 3
	tail := raw[schemeEnd:]
	if k := strings.IndexAny(tail, "/?#"); k >= 0 {
		tail = tail[k:]
	} else {
		tail = ""
	}
	ob := rw.origins[origin(u)]
	if ob == nil {
		return raw
	}
	p := tail
	if k := strings.IndexAny(p, "?#"); k >= 0 {
		p = p[:k]
	}
	// The longest base path that is a prefix of the path, ending at one of
	// its slashes: no longer than the longest base of the origin, so that
	// a URL of a million slashes costs no more than a short one.
	for i := min(len(p), ob.longest); i > 0; i-- {
		if p[i-1] == '/' && ob.paths[p[:i]] {
			return rw.to + tail[i:]
		}
	}
	return raw
}

// indexURL is where the next http:// or https:// URL begins in b, in any
// letter case, or -1.
func indexURL(b []byte) int {
	for i := 0; i < len(b); {
		k := bytes.IndexAny(b[i:], "hH")
		if k < 0 {
			return -1
		}
		i += k
		if hasPrefixFold(b[i:], "http://") || hasPrefixFold(b[i:], "https://") {
			return i
		}
		i++
	}
	return -1
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}

// urlEnd is the length of the URL that b begins with: up to a quote, an
// angle bracket or white space, which end a URL in an HLS line or
// attribute and in XML text or attributes alike.
func urlEnd(b []byte) int {
	if k := bytes.IndexAny(b, "\"'<> \t\r\n"); k >= 0 {
		return k
	}
	return len(b)
}
