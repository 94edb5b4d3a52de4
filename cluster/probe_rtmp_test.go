package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"clusterplay/cluster/rtmp"
	"clusterplay/events"
)

// TestRTMPClassed: what the RTMP client says becomes the engine's class
// and sentence. A connection dropped in the handshake is a reset, one
// dropped in reply to connect or play a refusal (nginx-rtmp hangs up on an
// unknown application); a server that speaks something else is a protocol
// failure; the attempt's own end wins over whatever the socket said.
func TestRTMPClassed(t *testing.T) {
	t.Parallel()
	live := context.Background()
	cancelled, cancel := context.WithCancel(live)
	cancel()
	timeout := fmt.Errorf("read tcp: %w", os.ErrDeadlineExceeded)
	for _, tc := range []struct {
		name  string
		ctx   context.Context
		err   error
		class events.Class
		text  string
	}{
		{"refused", live, &rtmp.Refusal{Err: errors.New("connect to application \"x\" rejected: NetConnection.Connect.Rejected")},
			events.ClassRejected, "connect to application \"x\" rejected"},
		{"not found", live, &rtmp.Refusal{NotFound: true, Err: errors.New("stream \"s\" not found")},
			events.ClassNotFound, "stream \"s\" not found"},
		{"dropped in the handshake", live, &rtmp.PhaseError{Phase: rtmp.PhaseHandshake, Err: syscall.ECONNRESET},
			events.ClassReset, "server closed the connection during the RTMP handshake"},
		{"dropped in reply to connect", live, &rtmp.PhaseError{Phase: rtmp.PhaseConnect, Err: io.EOF},
			events.ClassRejected, "in reply to connect: application unknown or refused (EOF)"},
		{"dropped in reply to play", live, &rtmp.PhaseError{Phase: rtmp.PhasePlay, Err: io.ErrUnexpectedEOF},
			events.ClassRejected, "server closed the connection in reply to play"},
		{"a socket timeout", live, &rtmp.PhaseError{Phase: rtmp.PhaseCreate, Err: timeout},
			events.ClassTimeout, "createStream: read tcp"},
		{"another protocol", live, &rtmp.PhaseError{Phase: rtmp.PhaseConnect, Err: errors.New("undecodable command")},
			events.ClassProtocol, "connect: undecodable command"},
		{"cancelled meanwhile", cancelled, &rtmp.PhaseError{Phase: rtmp.PhasePlay, Err: io.EOF},
			events.ClassCancelled, "play: context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := classed(tc.ctx, tc.err)
			if Classify(got) != tc.class || !strings.Contains(got.Error(), tc.text) {
				t.Errorf("%v: class %s, want %s; %q lacks %q", tc.err, Classify(got), tc.class, got, tc.text)
			}
		})
	}
	// A verdict of waiting out the deadline stands when the deadline strikes.
	var pe *ProbeError
	err := classed(live, &rtmp.Refusal{NotFound: true, AtDeadline: true, Err: errors.New("no media")})
	if !errors.As(err, &pe) || !pe.atDeadline {
		t.Errorf("%v lost its deadline verdict", err)
	}
}
