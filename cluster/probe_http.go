package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
)

// Prober makes one connection attempt to a host for a clip. It returns nil
// when the host can serve the clip. The context carries the attempt's
// deadline and is cancelled when another host wins the race.
type Prober interface {
	Probe(ctx context.Context, a *Attempt) error
}

// Attempt is what a prober is asked to check.
type Attempt struct {
	Host *Host
	URL  string // the clip URL on this host
	// Redirected is called when the host sends the attempt elsewhere, so the
	// redirect shows up as an event.
	Redirected func(to string)
}

// MaxRedirects bounds the redirects an attempt follows.
const MaxRedirects = 5

// HTTPProber checks an HTTP(S) host with a one-byte ranged GET: the host
// answered for this very clip, not just for "/", and no more than a byte of
// the body is transferred.
type HTTPProber struct {
	client *http.Client
}

// NewHTTPProber returns a prober. With insecure, TLS certificates are not
// verified; that must be asked for explicitly.
func NewHTTPProber(insecure bool) *HTTPProber {
	transport := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			KeepAlive: -1,
		}).DialContext,
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: insecure}, //nolint:gosec // only with --insecure
		ForceAttemptHTTP2: true,
		// Every attempt opens its own connection: a kept-alive socket would
		// hide a host that has just died, and would outlive the process's
		// need for it.
		DisableKeepAlives:     true,
		ResponseHeaderTimeout: 0, // the attempt's context is the only deadline
	}
	return &HTTPProber{client: &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > MaxRedirects {
				return &ProbeError{Class: ClassRedirects, Err: fmt.Errorf("more than %d redirects", MaxRedirects)}
			}
			return nil
		},
	}}
}

// SetRootCAs makes the prober trust only the given pool, as a system with
// that CA installed would.
func (p *HTTPProber) SetRootCAs(pool *x509.CertPool) { p.transport().TLSClientConfig.RootCAs = pool }

func (p *HTTPProber) transport() *http.Transport { return p.client.Transport.(*http.Transport) }

// Probe implements Prober.
func (p *HTTPProber) Probe(ctx context.Context, a *Attempt) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL, nil)
	if err != nil {
		return &ProbeError{Class: ClassProtocol, Err: err}
	}
	req.Header.Set("Range", "bytes=0-0")
	req.Header.Set("User-Agent", "clusterplay")
	client := *p.client
	if a.Redirected != nil {
		check := client.CheckRedirect
		client.CheckRedirect = func(r *http.Request, via []*http.Request) error {
			if err := check(r, via); err != nil {
				return err
			}
			a.Redirected(r.URL.String())
			return nil
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	// Headers are the criterion: closing without reading the byte keeps a
	// host that answers and then stalls from holding the attempt.
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent {
		return &ProbeError{Class: ClassStatus, Err: errors.New("HTTP " + resp.Status)}
	}
	return nil
}

// CloseIdle releases any connection the prober still holds.
func (p *HTTPProber) CloseIdle() { p.transport().CloseIdleConnections() }

var _ Prober = (*HTTPProber)(nil)
