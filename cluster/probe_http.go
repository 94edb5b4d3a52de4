package cluster

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"

	"clusterplay/cmcd"
	"clusterplay/events"
	"clusterplay/logging"
)

// Prober makes one connection attempt to a host for a clip. It returns nil
// when the host can serve the clip. The context carries the attempt's
// deadline and is cancelled when another host wins the race. A prober
// closes everything it opened before it returns.
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
	// FinalURL is set by a prober whose protocol the player cannot follow
	// redirects in (RTMP): the URL to play instead of URL.
	FinalURL string
	// RTMP is set by the RTMP prober on success: how to ask a player for
	// the very stream the server accepted.
	RTMP *RTMPPlay
	// Phases is set by the prober as it returns: where the attempt's time
	// went, whatever its outcome.
	Phases events.Phases
	// Log is where the prober tells its steps (request and status lines,
	// RTMP commands and replies) at debug; nil discards.
	Log *slog.Logger
}

// MaxRedirects bounds the redirects an attempt follows.
const MaxRedirects = 5

// HTTPProber checks an HTTP(S) host with a one-byte ranged GET: the host
// answered for this very clip, not just for "/", and no more than a byte of
// the body is transferred.
type HTTPProber struct {
	tls    *tls.Config
	header http.Header
	cmcd   *cmcd.Client // nil: no CMCD
}

// NewHTTPProber returns a prober. With insecure, TLS certificates are not
// verified; that must be asked for explicitly.
// header goes with every request (nil: none beyond clusterplay's own
// User-Agent).
func NewHTTPProber(insecure bool, header http.Header) *HTTPProber {
	return &HTTPProber{tls: &tls.Config{InsecureSkipVerify: insecure}, header: header} //nolint:gosec // only with --insecure
}

// DefaultUserAgent is the User-Agent of every request to the hosts when
// the user names none: the probes', the relay's and the player's.
const DefaultUserAgent = "clusterplay"

// SetRequestHeader puts header (the user's headers, User-Agent, Referer)
// on req, with clusterplay's own User-Agent when the user names none.
func SetRequestHeader(req *http.Request, header http.Header) {
	req.Header.Set("User-Agent", DefaultUserAgent)
	for k, v := range header {
		req.Header[k] = append([]string(nil), v...)
	}
}

// Probe implements Prober. Each probe has a transport of its own with
// keep-alives off, so every attempt opens a fresh connection and reaches
// the DNS (for a name) and connect phases: a reused connection would show
// neither, and would hide a host that has just died.
func (p *HTTPProber) Probe(ctx context.Context, a *Attempt) error {
	sw := newStopwatch()
	defer func() { a.Phases = sw.phases() }()
	ctx = sw.traced(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL, nil)
	if err != nil {
		return &ProbeError{Class: events.ClassProtocol, Err: err}
	}
	SetRequestHeader(req, p.header)
	req.Header.Set("Range", "bytes=0-0")
	p.cmcd.Apply(req, cmcd.Request{Path: req.URL.Path})
	log := logging.Or(a.Log)
	last := req // the request under way: the first, or the latest redirect's

	conns := &connSet{}
	defer conns.closeAll()
	client := &http.Client{
		Transport: p.transport(ctx, conns),
		CheckRedirect: func(r *http.Request, via []*http.Request) error {
			if r.Response != nil {
				logExchange(log, via[len(via)-1], r.Response)
			}
			if len(via) > MaxRedirects {
				return &ProbeError{Class: events.ClassRedirects, Err: fmt.Errorf("more than %d redirects", MaxRedirects)}
			}
			last = r
			// net/http sends the URL redirected from as Referer, tokens
			// and all; curl and ffmpeg send none, and neither do we: only
			// the Referer the user configured goes on.
			r.Header.Del("Referer")
			if ref := p.header.Get("Referer"); ref != "" {
				r.Header.Set("Referer", ref)
			}
			DropOnCrossOrigin(r, via, p.header)
			// A probe redirected into a clusterplay relay is refused
			// there (508) rather than nesting resolutions for ever.
			r.Header.Set("Via", Via)
			if a.Redirected != nil {
				a.Redirected(r.URL.String())
			}
			return nil
		},
	}
	resp, err := client.Do(req)
	if err != nil {
		var pe *ProbeError
		if !errors.As(err, &pe) || pe.Class != events.ClassRedirects { // a redirect too many was answered
			log.Debug("HTTP request got no answer", "url", last.URL.String(), "request", requestLine(last, ""), "err", err)
		}
		return err
	}
	logExchange(log, resp.Request, resp)
	// Headers are the criterion: closing without reading the byte keeps a
	// host that answers and then stalls from holding the attempt.
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK, http.StatusPartialContent:
	case http.StatusNotFound, http.StatusGone:
		return &ProbeError{Class: events.ClassStatus, Err: &notFoundError{resp.StatusCode, resp.Request.URL.RequestURI()}}
	default:
		return &ProbeError{Class: events.ClassStatus, Err: fmt.Errorf("HTTP %d for %s", resp.StatusCode, resp.Request.URL.RequestURI())}
	}
	return nil
}

// transport returns a transport for one attempt. net/http dials in a
// goroutine of its own that outlives a cancelled request (it hopes to pool
// the connection), so a silent host would keep a socket and a goroutine
// for minutes after another host won. Dialing with the attempt's context,
// and closing every connection when the attempt ends, ties both to it.
func (p *HTTPProber) transport(ctx context.Context, conns *connSet) *http.Transport {
	dialer := &net.Dialer{KeepAlive: -1}
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: func(_ context.Context, network, addr string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return conns.add(c), nil
		},
		TLSClientConfig:   p.tls.Clone(),
		ForceAttemptHTTP2: true,
		// A kept-alive socket would hide a host that has just died.
		DisableKeepAlives: true,
	}
}

// connSet remembers the connections an attempt opened.
type connSet struct {
	mu     sync.Mutex
	conns  []net.Conn
	closed bool
}

func (s *connSet) add(c net.Conn) net.Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		c.Close()
	} else {
		s.conns = append(s.conns, c)
	}
	return c
}

func (s *connSet) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
}

var _ Prober = (*HTTPProber)(nil)
