package relay

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"clusterplay/cluster"
	"clusterplay/events"
)

// redirectPolicy is how the relay's upstream client follows a host's
// redirect: at most cluster.MaxRedirects of them, never into the relay
// itself (whose every request would redirect again, nesting requests until
// descriptors run out), with the user's headers dropped when the target is
// another origin, the Referer the user configured and no other, and the
// Via mark kept, so that a second relay that leads back is caught too.
func redirectPolicy(self net.Addr, user http.Header) func(*http.Request, []*http.Request) error {
	referer := user.Get("Referer")
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > cluster.MaxRedirects {
			return &cluster.ProbeError{Class: events.ClassRedirects, Err: fmt.Errorf("more than %d redirects", cluster.MaxRedirects)}
		}
		if pointsAt(self, req.URL.Hostname(), req.URL.Port(), req.URL.Scheme) {
			return &cluster.ProbeError{Class: events.ClassRedirects, Err: errors.New("redirected to the relay itself")}
		}
		if onLoopback(req.URL.Hostname()) && !onLoopback(via[0].URL.Hostname()) {
			// A host elsewhere has no business on this machine: the
			// relay would serve a local service's answers as the clip.
			return &cluster.ProbeError{Class: events.ClassRedirects, Err: errors.New("a host elsewhere redirected to this machine")}
		}
		cluster.DropOnCrossOrigin(req, via, user)
		req.Header.Del("Referer")
		if referer != "" {
			req.Header.Set("Referer", referer)
		}
		req.Header.Set("Via", cluster.Via)
		return nil
	}
}

// pointsAt reports whether host:port (of scheme) reaches the relay
// listening at self: its port, on its own address, on loopback or on
// "localhost" (or any address when it listens on all of them).
func pointsAt(self net.Addr, host, port, scheme string) bool {
	tcp, ok := self.(*net.TCPAddr)
	if !ok {
		return false
	}
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(scheme)]
	}
	if port != fmt.Sprint(tcp.Port) {
		return false
	}
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		// A name: resolving it here would be a second lookup the
		// transport makes again; the Via mark catches a name that
		// leads back.
		return false
	}
	return ip.IsLoopback() || ip.IsUnspecified() || ip.Equal(tcp.IP) || tcp.IP.IsUnspecified()
}

// onLoopback reports whether host names this machine by itself: localhost,
// a loopback address, or the unspecified address (which connects here).
func onLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}
