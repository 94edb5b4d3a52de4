package rtmp

import (
	"context"
	"errors"
	"net"
)

// Phase is a step of playing a stream, for error messages, and for the
// engine to tell what a dropped connection means in each.
type Phase string

const (
	PhaseTLS       Phase = "TLS handshake" // rtmps only; the caller's, before NewSession
	PhaseHandshake Phase = "RTMP handshake"
	PhaseConnect   Phase = "connect"
	PhaseCreate    Phase = "createStream"
	PhasePlay      Phase = "play"
)

// PhaseError is the connection failing in a phase: the error is what the
// socket or the message reader said, a timeout, a reset, a server that
// hung up or spoke something else. The engine classes it.
type PhaseError struct {
	Phase Phase
	Err   error
}

func (e *PhaseError) Error() string { return string(e.Phase) + ": " + e.Err.Error() }
func (e *PhaseError) Unwrap() error { return e.Err }

// Refusal is the server's verdict that the stream cannot be played: it
// rejected the connect, createStream or play, or the stream is not there.
type Refusal struct {
	// NotFound: there is no such stream (NetStream.Play.StreamNotFound, or
	// Play.Start and then no media); else the server rejected a command.
	NotFound bool
	// AtDeadline: the verdict is that nothing came before the attempt's
	// deadline, so it stands when the deadline strikes.
	AtDeadline bool
	Err        error
}

func (e *Refusal) Error() string { return e.Err.Error() }
func (e *Refusal) Unwrap() error { return e.Err }

// timedOut tells a stream that started but sent nothing from an attempt
// cut short: the attempt's own deadline passed (the socket's deadline is
// the attempt's, so the read may fail a moment before the context says
// so). A cancelled attempt, another host having won, is not the stream's
// fault.
func timedOut(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return errors.Is(ctx.Err(), context.DeadlineExceeded)
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
