package relay

import (
	"net"
	"net/http"
	"strings"

	"clusterplay/cluster"
)

// admit sets the headers every answer of the relay carries and refuses,
// closing the connection, a request the relay must not serve whatever its
// path:
//
//   - one that a clusterplay relay already relayed (Via: 1.1 clusterplay):
//     508, so that a redirect into a relay, its own or a second one, ends
//     at once instead of nesting requests;
//   - one for another Host than the relay's address or localhost: 421. A
//     web page that rebinds its own name to 127.0.0.1 could otherwise read
//     every path of the cluster, fetched with the user's credentials.
//
// Every answer is nosniff, and sandboxed should a browser render it: a
// host's HTML served on the relay's origin must not run there.
func (r *Relay) admit(w http.ResponseWriter, req *http.Request) bool {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox")
	switch {
	case cluster.HasVia(req.Header):
		refuseConn(w, "a loop: this request came through a clusterplay relay already", http.StatusLoopDetected)
		return false
	case !r.ownHost(req.Host):
		refuseConn(w, "this relay answers only for its own address", http.StatusMisdirectedRequest)
		return false
	}
	return true
}

// refuseConn answers status and closes the connection: a client refused
// once keeps no keep-alive connection open on the relay.
func refuseConn(w http.ResponseWriter, why string, status int) {
	w.Header().Set("Connection", "close")
	http.Error(w, why, status)
}

// ownHost reports whether a request's Host names the relay: the address
// it listens on (as given, or as bound) or localhost. A relay on an
// address other than loopback (--listen-public) answers whatever name the
// network knows it by: whoever reaches it may read it anyway, and the
// user asked for that. The port is not compared: a forwarded port reaches
// the relay under another. An HTTP/1.0 request without Host is no
// browser's.
func (r *Relay) ownHost(hostport string) bool {
	bound, _ := r.ln.Addr().(*net.TCPAddr)
	if hostport == "" || (bound != nil && !bound.IP.IsLoopback()) {
		return true
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if listen, _, err := net.SplitHostPort(r.opts.Listen); err == nil && listen != "" && strings.EqualFold(host, listen) {
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	return bound != nil && ip.Equal(bound.IP)
}
