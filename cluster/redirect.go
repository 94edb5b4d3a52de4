package cluster

import (
	"net/http"
	"net/url"
	"strings"
)

// Via is what every relayed request carries, and what a redirected probe
// carries: a clusterplay relay answers 508 to a request that bears it, so
// that a redirect into a relay (its own, or a second one that leads back)
// ends at once instead of nesting requests until the machine runs out.
const Via = "1.1 clusterplay"

// HasVia reports whether h's Via header names clusterplay as a relay the
// request went through.
func HasVia(h http.Header) bool {
	for _, v := range h.Values("Via") {
		for _, hop := range strings.Split(v, ",") {
			fields := strings.Fields(hop)
			if len(fields) >= 2 && strings.EqualFold(fields[1], "clusterplay") {
				return true
			}
		}
	}
	return false
}

// credentialHeaders are dropped on a redirect to another origin whatever
// their source: net/http keeps Authorization and Cookie for another port
// of the same host name.
var credentialHeaders = []string{"Authorization", "Cookie", "Proxy-Authorization"}

// DropOnCrossOrigin removes from a redirect's request the user's headers
// (--http-header values, Authorization, Cookie) when it goes to another
// origin (scheme, host or port) than the first request, as browsers and
// curl do: a host must not be able to collect the credentials meant for
// the cluster by redirecting elsewhere. User-Agent and Referer stay: they
// name the client, not the user's rights.
func DropOnCrossOrigin(req *http.Request, via []*http.Request, user http.Header) {
	if len(via) == 0 || SameOrigin(req.URL, via[0].URL) {
		return
	}
	for k := range user {
		switch http.CanonicalHeaderKey(k) {
		case "User-Agent", "Referer":
			continue
		}
		req.Header.Del(k)
	}
	for _, k := range credentialHeaders {
		req.Header.Del(k)
	}
}

// SameOrigin reports whether a and b have the same scheme, host and port,
// the default port of the scheme written or not.
func SameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) &&
		portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}
