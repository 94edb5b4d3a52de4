package steering

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"clusterplay/clock"
)

// Options configure a steering client. HLS and DASH differ only in the
// query names and the value of the pathway parameter.
type Options struct {
	// HTTP is the client steering requests go through: the cluster's TLS,
	// timeouts and redirect rules.
	HTTP *http.Client
	// Prepare sets the cluster's headers on each request; nil sets none.
	Prepare func(*http.Request)
	// URL is the steering server's URI, absolute.
	URL string
	// PathwayParam and ThroughputParam name the query parameters
	// (_HLS_pathway and _HLS_throughput, or _DASH_pathway and
	// _DASH_throughput).
	PathwayParam, ThroughputParam string
	// Pathway is the parameter's value: the pathway in use (HLS), or the
	// quoted list of service locations in use (DASH).
	Pathway func() string
	// Throughput is the segment download throughput, bits/s; 0 while none
	// has been measured (the parameter is then left out).
	Throughput func() float64
	// Allowed refuses a URL the client must not fetch (another scheme than
	// http(s) is refused before it is asked); nil allows the rest.
	Allowed func(*url.URL) error
	// Timeout bounds one request, body included.
	Timeout time.Duration
	Clock   clock.Clock
}

// Answer is one steering request and what came of it, for the caller's
// event: the URL asked (with its query), the status, the manifest when it
// was valid, why not otherwise, and how long until the next request
// (Stopped: never).
type Answer struct {
	URL      string
	Status   int
	Manifest *Manifest
	Err      error
	Wait     time.Duration
	Stopped  bool
}

// Client asks a steering server, reloading as the manifests say.
type Client struct {
	opts Options

	mu   sync.Mutex
	next string        // the URL of the next request, without the client's query
	ttl  time.Duration // the TTL in force
}

// NewClient makes a client that asks opts.URL first.
func NewClient(opts Options) *Client {
	opts.Clock = clock.Or(opts.Clock)
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	return &Client{opts: opts, next: opts.URL, ttl: DefaultTTL}
}

// Fetch makes one steering request and applies the schedule's rule to
// what came of it.
func (c *Client) Fetch(ctx context.Context) Answer {
	c.mu.Lock()
	base, ttl := c.next, c.ttl
	c.mu.Unlock()
	a := c.ask(ctx, base)
	o := Outcome{Status: a.Status, Manifest: a.Manifest}
	if a.retryAfter > 0 {
		o.RetryAfter = a.retryAfter
	}
	a.Wait, a.Stopped = Next(ttl, o)
	if a.Manifest != nil {
		c.mu.Lock()
		c.ttl = a.Manifest.TTL
		if a.Manifest.ReloadURI != "" {
			if ref, err := url.Parse(a.Manifest.ReloadURI); err == nil {
				if b, err := url.Parse(base); err == nil {
					c.next = b.ResolveReference(ref).String()
				}
			}
		}
		c.mu.Unlock()
	}
	return a.Answer
}

type asked struct {
	Answer
	retryAfter time.Duration
}

func (c *Client) ask(ctx context.Context, base string) asked {
	u, err := url.Parse(base)
	if err != nil {
		return asked{Answer: Answer{URL: base, Err: fmt.Errorf("steering URL: %v", err)}}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return asked{Answer: Answer{URL: base, Err: fmt.Errorf("steering URL scheme %q: only http and https are fetched", u.Scheme)}}
	}
	if c.opts.Allowed != nil {
		if err := c.opts.Allowed(u); err != nil {
			return asked{Answer: Answer{URL: base, Err: err}}
		}
	}
	q := u.Query()
	if c.opts.Pathway != nil && c.opts.PathwayParam != "" {
		if p := c.opts.Pathway(); p != "" {
			q.Set(c.opts.PathwayParam, p)
		}
	}
	if c.opts.Throughput != nil && c.opts.ThroughputParam != "" {
		if bps := c.opts.Throughput(); bps > 0 {
			q.Set(c.opts.ThroughputParam, strconv.FormatInt(int64(bps), 10))
		}
	}
	u.RawQuery = q.Encode()
	a := asked{Answer: Answer{URL: u.String()}}
	rctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, a.URL, nil)
	if err != nil {
		a.Err = err
		return a
	}
	if c.opts.Prepare != nil {
		c.opts.Prepare(req)
	}
	resp, err := c.opts.HTTP.Do(req)
	if err != nil {
		a.Err = err
		return a
	}
	defer resp.Body.Close()
	a.Status = resp.StatusCode
	if resp.StatusCode != http.StatusOK {
		a.retryAfter = RetryAfter(resp.Header.Get("Retry-After"), c.opts.Clock.Now())
		a.Err = fmt.Errorf("HTTP %d", resp.StatusCode)
		return a
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxManifest+1))
	if err != nil {
		a.Err = err
		return a
	}
	m, err := Parse(body)
	if err != nil {
		a.Err = err
		return a
	}
	a.Manifest = &m
	return a
}

// ErrStopped is Run's end when the server answered 410.
var ErrStopped = errors.New("steering stopped: the server answered 410 Gone")

// Run asks again and again, after first, handing each answer to apply,
// until ctx ends or the server answers 410.
func (c *Client) Run(ctx context.Context, first time.Duration, apply func(Answer)) error {
	wait := first
	for {
		if err := c.opts.Clock.Sleep(ctx, wait); err != nil {
			return err
		}
		a := c.Fetch(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		apply(a)
		if a.Stopped {
			return ErrStopped
		}
		wait = a.Wait
	}
}
