package cluster

import (
	"context"
	"crypto/tls"
	"net"

	"clusterplay/cluster/rtmp"
	"clusterplay/events"
)

// Probe modes: how much of a host an attempt checks.
const (
	// ProbeFull asks for the clip itself: a byte of it over HTTP, the
	// RTMP play command (the default).
	ProbeFull = "full"
	// ProbeConnect judges a host by its TCP (and TLS) connect alone, for
	// servers that count or limit requests.
	ProbeConnect = "connect"
	// ProbeNone checks nothing: the player's load is the attempt, and a
	// failed load is the host's failure. For servers a probe would use up,
	// as ffmpeg's -listen 1 RTMP server is.
	ProbeNone = "none"
)

// ProbeModes lists the modes in the order --help gives them.
var ProbeModes = []string{ProbeFull, ProbeConnect, ProbeNone}

// connectProber dials the host, and shakes hands for TLS schemes.
type connectProber struct {
	insecure bool
}

func (p connectProber) Probe(ctx context.Context, a *Attempt) error {
	sw := newStopwatch()
	defer func() { a.Phases = sw.phases() }()
	ctx = sw.traced(ctx)
	u := a.Host.base
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443", "rtmp": rtmp.DefaultPort, "rtmps": rtmp.DefaultTLSPort}[u.Scheme]
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return err
	}
	defer conn.Close()
	if u.Scheme == "https" || u.Scheme == "rtmps" {
		tc := tls.Client(conn, &tls.Config{ServerName: u.Hostname(), InsecureSkipVerify: p.insecure}) //nolint:gosec // only with --insecure
		if err := tc.HandshakeContext(ctx); err != nil {
			return err
		}
	}
	return nil
}

// unprobed fills in, without a word to the host, what a prober would have
// learnt: for RTMP the application and stream a player must be told.
func unprobed(a *Attempt) error {
	if !rtmp.IsScheme(a.Host.Scheme()) {
		return nil
	}
	lib, err := rtmp.LibURL(a.Host.base, a.URL)
	if err != nil {
		return &ProbeError{Class: events.ClassProtocol, Err: err}
	}
	play := rtmp.PlayFor(lib)
	a.RTMP = &play
	return nil
}
