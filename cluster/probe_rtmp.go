package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"syscall"

	"clusterplay/cluster/rtmp"
	"clusterplay/events"
	"clusterplay/logging"
)

// RTMPProber checks an RTMP(S) host the way a player starts: TCP connect,
// RTMP handshake, connect to the application, createStream, and play of the
// clip, until the server sends the first media message (audio, video, or
// the stream's metadata), before or after NetStream.Play.Start: a live
// application may answer Play.Start for a stream nobody publishes. It then
// closes the connection: the player connects on its own.
//
// gortmplib's Client cannot be used as is: it reports a rejected connect or
// a failed play only as the text of its error, so the info object (code,
// description, a redirect) is lost, and its chunk reassembly holds memory
// in proportion to the number of chunks a server sends. The prober
// therefore drives gortmplib's lower layers (handshake, message writer,
// amf0) itself, with its own chunk reader: package cluster/rtmp. This file
// is the engine's side: dialing, TLS, timing the phases, following
// redirects, and classing what the client returns.
type RTMPProber struct {
	insecure bool
	roots    *x509.CertPool // nil: the system's; tests set their own CA
	dialer   net.Dialer
}

// NewRTMPProber returns a prober. With insecure, rtmps certificates are not
// verified; that must be asked for explicitly.
func NewRTMPProber(insecure bool) *RTMPProber {
	// Keep-alives are pointless on a connection that lives a second.
	return &RTMPProber{insecure: insecure, dialer: net.Dialer{KeepAlive: -1}}
}

// Probe implements Prober.
func (p *RTMPProber) Probe(ctx context.Context, a *Attempt) error {
	var base *url.URL
	if a.Host != nil {
		base = a.Host.base
	}
	target, err := rtmp.LibURL(base, a.URL)
	if err != nil {
		return &ProbeError{Class: events.ClassProtocol, Err: err}
	}
	sw := newStopwatch()
	defer func() { a.Phases = sw.phases() }()
	log := logging.Or(a.Log)
	for redirects := 0; ; redirects++ {
		redirect, err := p.playOnce(ctx, target, sw, log)
		if err != nil {
			return err
		}
		if redirect == "" {
			// The player is told the application and stream the server
			// accepted, after any redirect: ffmpeg would guess them from the
			// URL, and it does not follow RTMP redirects itself.
			play := rtmp.PlayFor(target)
			a.RTMP = &play
			if redirects > 0 {
				a.FinalURL = play.URL
			}
			return nil
		}
		if redirects == MaxRedirects {
			return &ProbeError{Class: events.ClassRedirects, Err: fmt.Errorf("more than %d redirects", MaxRedirects)}
		}
		if target, err = rtmp.Redirected(target, redirect); err != nil {
			return &ProbeError{Class: events.ClassProtocol, Err: err}
		}
		if a.Redirected != nil {
			a.Redirected(rtmp.PathForm(target))
		}
	}
}

// playOnce makes one connection and returns the redirect URL when the
// server sent one. Everything it opens is closed when it returns. sw times
// its steps; a step the connection fails in runs until the attempt ends.
func (p *RTMPProber) playOnce(ctx context.Context, target *url.URL, sw *stopwatch, log *slog.Logger) (string, error) {
	req := rtmp.SplitLibURL(target)
	// net.Dialer reports its name lookup and connects to the trace.
	raw, err := p.dialer.DialContext(sw.traced(ctx), "tcp", req.Addr)
	if err != nil {
		log.Debug("RTMP dial failed", "addr", req.Addr, "err", err)
		return "", err
	}
	log.Debug("RTMP connected", "addr", req.Addr, "local", raw.LocalAddr().String())
	defer raw.Close()
	// The deadline bounds every read and write, so a server that stalls
	// mid-handshake or mid-message cannot hold the attempt; closing on
	// cancellation ends it at once when another host wins the race.
	if deadline, ok := ctx.Deadline(); ok {
		raw.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()

	conn := rtmp.QuickAck(raw)
	if target.Scheme == "rtmps" {
		tc := tls.Client(conn, &tls.Config{
			ServerName:         target.Hostname(),
			RootCAs:            p.roots,
			InsecureSkipVerify: p.insecure, //nolint:gosec // only with --insecure
		})
		sw.begin(stepTLS)
		if err := tc.HandshakeContext(ctx); err != nil {
			return "", phaseError(ctx, rtmp.PhaseTLS, err)
		}
		sw.end(stepTLS, true)
		conn = tc
	}

	s := rtmp.NewSession(conn)
	sw.begin(stepHandshake)
	if err := s.Handshake(); err != nil {
		return "", classed(ctx, err)
	}
	sw.end(stepHandshake, true)
	log.Debug("RTMP handshake done; connect, createStream, play", "app", req.App, "tc_url", req.TCURL, "stream", req.Stream)
	sw.begin(stepPlay)
	redirect, err := s.Play(ctx, req)
	switch {
	case err != nil:
		err = classed(ctx, err)
		log.Debug("RTMP play failed", "stream", req.Stream, "err", err)
		return "", err
	case redirect != "":
		sw.end(stepPlay, true)
		log.Debug("RTMP redirected", "to", redirect)
	default:
		sw.end(stepPlay, true)
		log.Debug("RTMP stream started", "stream", req.Stream, "media_after_play_start", s.MediaWait())
	}
	return redirect, nil
}

// classed gives what the RTMP client returned the engine's classes: the
// server's refusals are rejections (or a missing stream), and a failed
// connection is classed by its phase.
func classed(ctx context.Context, err error) error {
	var refusal *rtmp.Refusal
	var failed *rtmp.PhaseError
	switch {
	case errors.As(err, &refusal):
		class := events.ClassRejected
		if refusal.NotFound {
			class = events.ClassNotFound
		}
		return &ProbeError{Class: class, atDeadline: refusal.AtDeadline, Err: refusal.Err}
	case errors.As(err, &failed):
		return phaseError(ctx, failed.Phase, failed.Err)
	}
	return err
}

// phaseError classes an I/O error of a phase. The attempt's own deadline or
// cancellation wins over whatever the socket said meanwhile. A connection
// the server drops in the RTMP handshake is a reset; one it drops in reply
// to connect or play is a refusal, as nginx-rtmp drops the connection for
// an unknown application instead of sending NetConnection.Connect.Rejected.
func phaseError(ctx context.Context, phase rtmp.Phase, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", phase, ctx.Err())
	}
	var pe *ProbeError
	if errors.As(err, &pe) {
		return err
	}
	switch class := Classify(err); {
	case class == events.ClassTimeout || class == events.ClassTLS:
		return &ProbeError{Class: class, Err: fmt.Errorf("%s: %w", phase, err)}
	case dropped(err):
		// No %w: describe() would print the bare "connection reset by peer"
		// of a wrapped net.OpError instead of this sentence.
		switch phase {
		case rtmp.PhaseTLS, rtmp.PhaseHandshake:
			return &ProbeError{Class: events.ClassReset, Err: fmt.Errorf("server closed the connection during the %s (%v)", phase, err)}
		case rtmp.PhaseConnect:
			return &ProbeError{Class: events.ClassRejected, Err: fmt.Errorf("server closed the connection in reply to connect: application unknown or refused (%v)", err)}
		default:
			return &ProbeError{Class: events.ClassRejected, Err: fmt.Errorf("server closed the connection in reply to %s (%v)", phase, err)}
		}
	}
	return &ProbeError{Class: events.ClassProtocol, Err: fmt.Errorf("%s: %v", phase, err)}
}

func dropped(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed)
}

var _ Prober = (*RTMPProber)(nil)

// RTMPPlay is how to ask a player for the stream an RTMP probe checked.
type RTMPPlay = rtmp.Play

// PlayURL is the URL to hand a player outside clusterplay: for RTMP one
// that ffmpeg splits as the probe asked (PlayableURL), else the clip's URL.
func (r Result) PlayURL() string {
	if r.RTMP != nil {
		return r.RTMP.PlayableURL()
	}
	return r.URL
}
