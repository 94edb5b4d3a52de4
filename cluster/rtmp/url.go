package rtmp

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// RTMP URLs come in two forms. Hosts and players use the path form,
// rtmp://server/app/dir/clip.mp4, which is what mpv (ffmpeg) plays; but
// the path alone does not say where the application ends and the stream
// begins. gortmplib uses the fragment form, rtmp://server/app#dir/clip.mp4,
// which does, and so does this client. The engine knows the application
// from the host's base URL, so it can turn the one into the other without
// guessing (LibURL).

// Default ports, as ffmpeg and gortmplib use them: rtmp's, and rtmps'.
const (
	DefaultPort    = "1935"
	DefaultTLSPort = "443"
)

// IsScheme says whether s is rtmp or rtmps, in lower case.
func IsScheme(s string) bool { return s == "rtmp" || s == "rtmps" }

// IsServer says whether u names a server the probe can dial: an rtmp or
// rtmps URL with a host name that makes a host:port address, with a colon
// only inside the brackets of an IPv6 address. url.Parse is lenient with
// schemes it does not know: it takes "rtmp://::0/" as host ":" and port 0,
// and "rtmp://]/" as host "]", which no dialer understands.
func IsServer(u *url.URL) bool {
	h := u.Hostname()
	if !IsScheme(u.Scheme) || h == "" || (strings.Contains(h, ":") && !strings.HasPrefix(u.Host, "[")) {
		return false
	}
	host, _, err := net.SplitHostPort(net.JoinHostPort(h, DefaultPort))
	return err == nil && host == h
}

// CollapseSlashes turns every run of slashes in p into one: RTMP servers
// split names at every slash, so "a//b" names nothing that "a/b" does not.
func CollapseSlashes(p string) string {
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	return p
}

// LibURL splits a clip URL in path form into gortmplib's fragment form,
// rtmp://server/app#stream, given the application as the host's base URL
// has it (its path: "vod", or several segments as in "app/instance"). The
// stream is the rest of the path, unescaped, and the query. The user info
// is dropped: credentials never travel in tcUrl.
//
// Without a base, the application is every segment but the last.
func LibURL(base *url.URL, clipURL string) (*url.URL, error) {
	u, err := url.Parse(clipURL)
	if err != nil {
		return nil, fmt.Errorf("unparsable clip URL %q: %v", clipURL, bareURLError(err))
	}
	if !IsServer(u) {
		return nil, fmt.Errorf("clip URL %q is not an rtmp:// or rtmps:// URL with a host", clipURL)
	}
	rest := strings.TrimPrefix(CollapseSlashes(u.Path), "/")
	var app string
	if base != nil {
		app = strings.Trim(CollapseSlashes(base.Path), "/")
		if app != "" {
			var ok bool
			if rest, ok = strings.CutPrefix(rest, app+"/"); !ok {
				return nil, fmt.Errorf("clip URL %q is not under the application %q", clipURL, app)
			}
		}
	} else if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		app, rest = rest[:i], rest[i+1:]
	}
	if rest == "" {
		return nil, fmt.Errorf("clip URL %q names no stream", clipURL)
	}
	// A server splits the play command's stream name at its first '?' and
	// takes the rest as a query, so a name holding one (escaped in the
	// URL as %3F) would ask for another stream.
	if strings.Contains(rest, "?") {
		return nil, fmt.Errorf("clip URL %q names a stream with a '?', which RTMP cannot ask for", clipURL)
	}
	if u.RawQuery != "" {
		rest += "?" + u.RawQuery
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/" + app, Fragment: rest}, nil
}

// Request is what a play request puts on the wire, derived from the
// fragment form as gortmplib's own client derives it (the application is
// unescaped here, as servers compare it to their config).
type Request struct {
	Addr   string // host:port to dial
	TCURL  string // the connect command's tcUrl: the URL without the stream
	App    string // the connect command's app, with the URL's query if any
	Stream string // the play command's stream name (see PlayPath)
}

// SplitLibURL is the request that plays the fragment-form URL u.
func SplitLibURL(u *url.URL) Request {
	port := DefaultPort
	if u.Scheme == "rtmps" {
		port = DefaultTLSPort
	}
	if u.Port() != "" {
		port = u.Port()
	}
	addr := net.JoinHostPort(u.Hostname(), port)
	tc := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawQuery: u.RawQuery}
	app := strings.TrimPrefix(u.Path, "/")
	if u.RawQuery != "" {
		app += "?" + u.RawQuery
	}
	return Request{Addr: addr, TCURL: tc.String(), App: app, Stream: PlayPath(u.Fragment)}
}

// PlayPath is the stream name ffmpeg (so mpv) sends for a name in a URL:
// "mp4:" before .mp4 and .f4v names, no extension on .flv names, unless the
// name already has a "type:" prefix. The probe must ask for the very stream
// the player will: Wowza finds MP4 files only with the prefix, and
// nginx-rtmp accepts both forms.
func PlayPath(name string) string {
	if strings.Contains(name, ":") {
		return name
	}
	switch {
	case strings.HasSuffix(name, ".mp4"), strings.HasSuffix(name, ".f4v"):
		return "mp4:" + name
	case strings.HasSuffix(name, ".flv"):
		return strings.TrimSuffix(name, ".flv")
	}
	return name
}

// PathForm turns the fragment form back into the path form, for events
// and for the player.
func PathForm(u *url.URL) string {
	stream, query, _ := strings.Cut(u.Fragment, "?")
	out := url.URL{Scheme: u.Scheme, Host: u.Host, Path: strings.TrimRight(u.Path, "/") + "/" + stream, RawQuery: u.RawQuery}
	switch {
	case out.RawQuery == "":
		out.RawQuery = query
	case query != "":
		out.RawQuery += "&" + query
	}
	return out.String()
}

// Redirected is where a redirect sends a play request: the server and
// application of the redirect URL (resolved against the current tcUrl when
// relative), the same stream.
func Redirected(from *url.URL, redirect string) (*url.URL, error) {
	ref, err := url.Parse(strings.TrimSpace(redirect))
	if err != nil {
		return nil, fmt.Errorf("unparsable redirect %q: %v", redirect, bareURLError(err))
	}
	cur := url.URL{Scheme: from.Scheme, Host: from.Host, Path: from.Path, RawQuery: from.RawQuery}
	to := cur.ResolveReference(ref)
	if !IsServer(to) {
		return nil, errors.New("redirect to " + redirect + " is not an rtmp:// or rtmps:// URL")
	}
	return &url.URL{
		Scheme: to.Scheme, Host: to.Host, RawQuery: to.RawQuery, Fragment: from.Fragment,
		Path: "/" + strings.Trim(CollapseSlashes(to.Path), "/"),
	}, nil
}

// Play is how to ask a player for the stream an RTMP probe checked.
type Play struct {
	URL      string // path form, e.g. rtmp://server/app/dir/clip.mp4
	TCURL    string // ffmpeg's rtmp_tcurl
	App      string // ffmpeg's rtmp_app
	PlayPath string // ffmpeg's rtmp_playpath
}

// PlayFor is what to tell a player to play the stream of a library-form
// URL (rtmp://server/app#stream), as the probe asked for it.
func PlayFor(u *url.URL) Play {
	r := SplitLibURL(u)
	return Play{URL: PathForm(u), TCURL: r.TCURL, App: r.App, PlayPath: r.Stream}
}

// PlayableURL is a URL that ffmpeg (so mpv, ffplay, VLC's ffmpeg input)
// splits into this very application and play path by itself, for
// --print-url: rtmp://server/app/dir/clip.mp4 would be split as
// application "app/dir". ffmpeg takes a ':' in the play path ("mp4:...")
// as the end of the application, and a "slist=" query as the play path;
// the path form, the "mp4:" form and the slist form are tried in turn.
func (p Play) PlayableURL() string {
	tc, err := url.Parse(p.TCURL)
	if err != nil || tc.RawQuery != "" {
		return p.URL // an application with a query: ffmpeg's own split
	}
	base := strings.TrimRight(p.TCURL, "/")
	for _, candidate := range []string{p.URL, base + "/" + p.PlayPath, base + "?slist=" + p.PlayPath} {
		if app, play, ok := ffmpegSplit(candidate); ok && app == p.App && play == p.PlayPath {
			return candidate
		}
	}
	return p.URL
}

// ffmpegSplit is how ffmpeg's RTMP protocol splits a URL into application
// and play path (rtmpproto.c's rtmp_open): the slist query, /ondemand/,
// else the first path segment, or the first two when a third follows
// unless a ':' comes before that third. The play path gets ffmpeg's type
// prefix as PlayPath gives it.
func ffmpegSplit(raw string) (app, play string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || !IsScheme(u.Scheme) {
		return "", "", false
	}
	path := u.EscapedPath()
	if unesc, err := url.PathUnescape(path); err == nil {
		path = unesc
	}
	if i := strings.Index(u.RawQuery, "slist="); i >= 0 {
		fname, _, _ := strings.Cut(u.RawQuery[i+len("slist="):], "&")
		return strings.TrimPrefix(path, "/"), PlayPath(fname), true
	}
	if rest, found := strings.CutPrefix(path, "/ondemand/"); found {
		return "ondemand", PlayPath(rest), true
	}
	next := strings.TrimPrefix(path, "/")
	first, after, found := strings.Cut(next, "/")
	if !found {
		return next, "", true
	}
	colon, slash := strings.IndexByte(after, ':'), strings.IndexByte(after, '/')
	if slash < 0 || (colon >= 0 && colon < slash) {
		app, play = first, after
	} else {
		app, play = first+"/"+after[:slash], after[slash+1:]
	}
	if u.RawQuery != "" {
		play += "?" + u.RawQuery
	}
	return app, PlayPath(play), true
}

// bareURLError drops url.Error's repetition of the operation and URL.
func bareURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
