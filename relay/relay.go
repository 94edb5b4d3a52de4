// Package relay puts the cluster between the player and the hosts: an HTTP
// server on loopback that answers every request the player makes (the
// first GET, each Range request after a seek, each playlist and segment of
// HLS or DASH) by fetching the same path from a host the engine picks, and
// that continues a response from another host when the one serving it dies
// mid-body (a splice), so that playback never notices.
package relay

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"clusterplay/abr"
	"clusterplay/clock"
	"clusterplay/cluster"
	"clusterplay/cmcd"
	"clusterplay/defaults"
	"clusterplay/events"
	"clusterplay/faults"
	"clusterplay/variants"
)

// Defaults of the relay's timeouts (--read-timeout's and --slow-timeout's,
// named in defaults).
const (
	// DefaultReadTimeout: an upstream that delivers no byte for this long,
	// while the player is still reading, is left for another host.
	DefaultReadTimeout = defaults.ReadTimeout
	// DefaultSlowTimeout: a player starved for this long by a host slower
	// than the stream moves to another host.
	DefaultSlowTimeout = defaults.SlowTimeout
)

// Options configure a relay.
type Options struct {
	Engine *cluster.Engine
	Bus    *events.Bus
	// Listen is the address to bind; "" is 127.0.0.1 on a free port.
	Listen string
	// Token, when set, is the first path segment every request must carry,
	// so that other local users cannot use the relay to reach the hosts.
	// NewToken makes one.
	Token string
	// ConnectTimeout bounds a connection and its response headers, as for
	// an attempt; 0 is the engine's default.
	ConnectTimeout time.Duration
	ReadTimeout    time.Duration
	SlowTimeout    time.Duration
	Insecure       bool
	// Header goes with every request to the hosts: the user's headers,
	// User-Agent and Referer (cluster.Options.Header).
	Header http.Header
	// CMCD adds Common Media Client Data to every request to the hosts;
	// nil adds none.
	CMCD *cmcd.Client
	Log  *slog.Logger
	// FailBack moves back to a recovered host the policy ranks above the
	// serving one (failback.go): probed every FailBackProbe, no sooner
	// than FailBackAfter after the last move.
	FailBack      bool
	FailBackProbe time.Duration
	FailBackAfter time.Duration
	// Clock times fail-back; nil is the engine's, which dates the
	// failures it judges by.
	Clock clock.Clock
	// Quality is --quality: "" shows the player every variant of a
	// manifest (clusterplay relay), else one fixed variant or, for auto,
	// one virtual variant the relay switches (variants_view.go);
	// QualityBounds bound auto.
	Quality       string
	QualityBounds variants.Bounds
	// PlayerAdapts: the player adapts on its own (clusterplay relay's),
	// so auto shows it every variant; a fixed quality still shows one.
	PlayerAdapts bool
	// Faults, when set, injects a fault plan's faults into what comes from
	// the hosts (faults.go).
	Faults *faults.Injector
	// Hedge sends a request whose first byte is late to a second host
	// too (hedge.go), at most HedgeBudget percent of the requests of the
	// last minute, plus a burst of 2.
	Hedge       bool
	HedgeBudget float64
	// PathwayPenalty is how long a stream's pathway whose request failed
	// is passed over (--pathway-penalty); 0 is steering.DefaultPenalty.
	PathwayPenalty time.Duration
	// SteeringOverride, when set, is a local steering manifest that
	// replaces the steering server's (--steering-override).
	SteeringOverride string
	// FailureExpiry is how long a DASH BaseURL that failed is excluded by
	// the DVB rules (steer_dash.go): the engine's failure memory's.
	FailureExpiry time.Duration
	// Rand draws DVB's weighted pick among BaseURLs; nil is the process's
	// own source.
	Rand *clock.Rand
}

// Relay is a running relay.
type Relay struct {
	opts   Options
	ln     net.Listener
	srv    *http.Server
	client *http.Client
	log    *slog.Logger

	mu       sync.Mutex
	current  *cluster.Host              // the host that served last
	noRange  map[*cluster.Host]bool     // answered 200 to a ranged request
	mismatch map[string][]*cluster.Host // per clip: hosts that serve another file
	starved  starvation
	// buffer is the player's, as the session last told it (buffer.go).
	buffer      PlayerBuffer
	bufferKnown bool
	meter       *abr.Meter      // every host's throughput (meter.go)
	said        map[string]bool // what sayOnce said

	lastPath   string        // the path last asked for: what fail-back probes
	movedAt    time.Time     // when current last changed
	failBackTo *cluster.Host // a planned fail-back, taken at the next boundary
	segmented  bool          // a manifest was served since the load: HLS or DASH
	stopLoops  chan struct{} // closed by Close: ends the fail-back loop
	stopOnce   sync.Once
	segments   map[string]segPos // by path: the place of each segment a playlist named

	alts      *altStream       // the stream's own alternatives (pathway.go); nil when none
	ladders   ladders          // --quality auto's virtual variants (variants_abr.go)
	abrRule   abr.Rule         // what auto switches by
	manifests manifestSlots    // manifests rewritten at once (manifestlimit.go)
	conns     *limitedListener // the connections held (limits.go)
	hedging   *hedging         // times to first byte, hedge budget (hedgeget.go)
}

// NewToken returns a random token for a relay's path.
func NewToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Start listens and serves until Close.
func Start(opts Options) (*Relay, error) {
	if opts.Engine == nil || opts.Bus == nil {
		return nil, errors.New("relay: an engine and a bus are needed")
	}
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = cluster.DefaultConnectTimeout
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = DefaultReadTimeout
	}
	if opts.SlowTimeout <= 0 {
		opts.SlowTimeout = DefaultSlowTimeout
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.FailBackProbe <= 0 {
		opts.FailBackProbe = DefaultFailBackProbe
	}
	if opts.FailBackAfter <= 0 {
		opts.FailBackAfter = DefaultFailBackAfter
	}
	if opts.Clock == nil {
		opts.Clock = opts.Engine.Clock()
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("relay: %v", err)
	}
	r := &Relay{
		opts:      opts,
		ln:        ln,
		log:       opts.Log,
		noRange:   map[*cluster.Host]bool{},
		mismatch:  map[string][]*cluster.Host{},
		meter:     abr.NewMeter(opts.Clock),
		abrRule:   abr.DefaultRule(),
		said:      map[string]bool{},
		segments:  map[string]segPos{},
		movedAt:   opts.Clock.Now(),
		stopLoops: make(chan struct{}),
		client:    newClient(opts.ConnectTimeout, opts.Insecure, redirectPolicy(ln.Addr(), opts.Header)),
	}
	r.manifests, r.conns = newManifestSlots(), limitConns(ln, maxConns)
	r.hedging = newHedging(opts.HedgeBudget)
	r.srv = newServer(r)
	go func() { _ = r.srv.Serve(r.conns) }()
	if opts.FailBack {
		go r.failBackLoop(r.stopLoops)
	}
	return r, nil
}

// newClient is the relay's upstream client: it follows redirects as
// redirect.go says, and gives up on a host that does not answer within the
// connect timeout.
func newClient(connectTimeout time.Duration, insecure bool, redirect func(*http.Request, []*http.Request) error) *http.Client {
	dialer := &net.Dialer{Timeout: connectTimeout}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           watchDial(dialer),
			TLSClientConfig:       &tls.Config{InsecureSkipVerify: insecure}, //nolint:gosec // only with --insecure
			TLSHandshakeTimeout:   connectTimeout,
			ResponseHeaderTimeout: connectTimeout,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       30 * time.Second,
			// Bodies are relayed as they come: a gzip layer would hide
			// the byte offsets a splice resumes at.
			DisableCompression: true,
		},
		CheckRedirect: redirect,
	}
}

// URL is where a player asks for clip (a path, with its query).
func (r *Relay) URL(clip string) string {
	return clipURL(r.ln.Addr().String(), r.opts.Token, clip)
}

// Addr is the address the relay listens on.
func (r *Relay) Addr() net.Addr { return r.ln.Addr() }

// SetCurrent tells the relay that the player loads the clip anew, from
// the host the engine chose, so that the first request goes there without
// another resolution. A new load reads the file from its start: which
// hosts served another file than the last load's is forgotten, and the
// file of this load is the one the next splice must continue.
func (r *Relay) SetCurrent(h *cluster.Host) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.current, r.movedAt, r.failBackTo, r.segmented = h, r.opts.Clock.Now(), nil, false
	clear(r.mismatch)
}

// Current is the host that served last.
func (r *Relay) Current() *cluster.Host {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.current
}

// Close stops serving at once; Shutdown drains first.
func (r *Relay) Close() error {
	r.stopOnce.Do(func() { close(r.stopLoops) })
	r.stopSteering()
	return r.srv.Close()
}

// Shutdown stops accepting and waits for the responses under way until ctx
// ends, then closes what is left.
func (r *Relay) Shutdown(ctx context.Context) error {
	r.stopOnce.Do(func() { close(r.stopLoops) })
	r.stopSteering()
	err := r.srv.Shutdown(ctx)
	if err != nil {
		r.srv.Close()
	}
	return err
}
