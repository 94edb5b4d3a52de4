package relay

import (
	"net/http"
	"strings"
)

// What the relay forwards. Only these of the player's headers go to a
// host: a cookie, an Authorization or anything else the player sends is
// the relay's client's, not the cluster's. Of a host's answer, only what
// describes the body comes back.
var (
	forwardRequest  = []string{"Range", "If-Range", "Accept"}
	forwardResponse = []string{"Content-Type", "Content-Length", "Content-Range", "Accept-Ranges",
		"ETag", "Last-Modified", "Cache-Control", "Expires", "Content-Disposition"}
)

// ServeHTTP checks that a request is one the relay may serve, then serves
// it from the cluster.
func (r *Relay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if !r.admit(w, req) {
		return
	}
	clip, status, why := r.route(req)
	if status != 0 {
		refuseConn(w, why, status) // a wrong token: closed, not kept alive
		return
	}
	r.serve(w, req, clip)
}

// route returns the clip a request asks for (its path under the token, and
// its query), or the status and reason to refuse it with.
func (r *Relay) route(req *http.Request) (clip string, status int, why string) {
	switch {
	case req.Method != http.MethodGet && req.Method != http.MethodHead:
		return "", http.StatusMethodNotAllowed, "only GET and HEAD"
	case !strings.HasPrefix(req.RequestURI, "/"):
		// An absolute URI (a proxy request) or CONNECT's authority form:
		// the relay is no proxy to anywhere but the cluster.
		return "", http.StatusBadRequest, "not a path"
	}
	path := req.URL.EscapedPath()
	if r.opts.Token != "" {
		rest, ok := strings.CutPrefix(path, "/"+r.opts.Token+"/")
		if !ok {
			return "", http.StatusNotFound, "not found"
		}
		path = "/" + rest
	}
	for _, seg := range strings.Split(path, "/") {
		if seg == ".." || strings.EqualFold(seg, "%2e%2e") || strings.EqualFold(seg, ".%2e") || strings.EqualFold(seg, "%2e.") {
			return "", http.StatusBadRequest, "no .. in paths"
		}
	}
	if strings.Trim(path, "/") == "" {
		return "", http.StatusNotFound, "no clip"
	}
	clip = strings.TrimLeft(path, "/")
	if req.URL.RawQuery != "" {
		clip += "?" + req.URL.RawQuery
	}
	return clip, 0, ""
}

// copyHeaders copies the listed headers that src has.
func copyHeaders(dst, src http.Header, names []string) {
	for _, n := range names {
		if v := src.Values(n); len(v) > 0 {
			dst[http.CanonicalHeaderKey(n)] = append([]string(nil), v...)
		}
	}
}
