package cluster

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"clusterplay/events"
)

// HostSpec is one configured host: a base URL, and the optional priority and
// weight that the weighted selection policy reads (DVB-DASH style).
type HostSpec struct {
	URL      string
	Priority int // lower is preferred; 0 when not given
	Weight   int // relative share within a priority group; 0 means 1
}

// Host is a validated host entry of a cluster.
type Host struct {
	HostSpec
	Index int // position in the configured list, from 0
	base  *url.URL
}

// Key is what the failure memory knows the host by: its base URL without
// user info, query or fragment. Two entries that differ only in an access
// token are one host to remember, and no token or password is written to
// the memory file.
func (h *Host) Key() string {
	u := *h.base
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

// Scheme returns the host's URL scheme in lower case (http, https, rtmp, rtmps).
func (h *Host) Scheme() string { return h.base.Scheme }

// SupportedSchemes lists the URL schemes a host may use.
var SupportedSchemes = []string{"http", "https", "rtmp", "rtmps"}

// ParseHostURL validates a host base URL: it must be absolute, carry a
// supported scheme, a host name and, if any, a port from 1 to 65535. The
// error says which of these is wrong.
func ParseHostURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("empty host URL")
	}
	u, err := url.Parse(raw)
	// The messages quote the URL as the events would: a password or a
	// token in it is not repeated to the terminal.
	raw = events.RedactURL(raw)
	if err != nil {
		return nil, fmt.Errorf("unparsable host URL %q: %v", raw, unwrapURLError(err))
	}
	if u.Scheme == "" {
		return nil, fmt.Errorf("host URL %q has no scheme (want one of %s)", raw, strings.Join(SupportedSchemes, ", "))
	}
	u.Scheme = strings.ToLower(u.Scheme)
	supported := false
	for _, s := range SupportedSchemes {
		supported = supported || s == u.Scheme
	}
	if !supported {
		return nil, fmt.Errorf("host URL %q has unsupported scheme %q (want one of %s)", raw, u.Scheme, strings.Join(SupportedSchemes, ", "))
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("host URL %q has no host name", raw)
	}
	// url.Parse lets through names no dialer takes ("rtmp://]/", a bare
	// IPv6 address without brackets): an IPv6 address must be bracketed,
	// and a name holds no bracket or colon.
	if name := u.Hostname(); strings.ContainsAny(name, "[]") ||
		(strings.Contains(name, ":") && (net.ParseIP(name) == nil || !strings.HasPrefix(u.Host, "["))) {
		return nil, fmt.Errorf("host URL %q has no usable host name (an IPv6 address goes in brackets)", raw)
	}
	// url.Parse checks only that a port is digits; an impossible one would
	// otherwise fail every attempt at run time as if the host were down.
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("host URL %q (%s) has port %s, want 1 to 65535", raw, u.Hostname(), p)
		}
	}
	if u.User != nil && u.Scheme != "rtmp" && u.Scheme != "rtmps" {
		// Credentials in an HTTP URL would leak into every event line.
		return nil, fmt.Errorf("host URL %q (%s) carries credentials; use a token in the path or query instead", raw, u.Hostname())
	}
	return u, nil
}

// unwrapURLError drops url.Error's repetition of the operation and URL.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// NewHosts validates specs and numbers them in order.
func NewHosts(specs []HostSpec) ([]*Host, error) {
	if len(specs) == 0 {
		return nil, fmt.Errorf("no hosts given")
	}
	hosts := make([]*Host, 0, len(specs))
	for i, s := range specs {
		u, err := ParseHostURL(s.URL)
		if err != nil {
			return nil, err
		}
		if s.Weight < 0 {
			return nil, fmt.Errorf("host %q: weight must not be negative", s.URL)
		}
		hosts = append(hosts, &Host{HostSpec: s, Index: i, base: u})
	}
	return hosts, nil
}
