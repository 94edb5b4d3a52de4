package rtmp

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"net"
	"time"

	"github.com/bluenviron/gortmplib/pkg/amf0"
	"github.com/bluenviron/gortmplib/pkg/bytecounter"
	"github.com/bluenviron/gortmplib/pkg/handshake"
	"github.com/bluenviron/gortmplib/pkg/message"
)

// Memory limits of one RTMP attempt. A probe needs a few kilobytes: the
// handshake (3 KiB), the replies to connect and createStream, a few status
// messages. Limits far above that keep any real server working and any
// hostile one from making the attempt buffer what it claims to send.
const (
	// readBudget caps the bytes read from one connection, and so the
	// time a server that talks without end can hold an attempt. Memory is
	// bounded apart from it, by the chunk reader's limits (chunk.go).
	readBudget = 2 << 20
	// maxCommand caps a command message that is decoded. gortmplib's
	// AMF0 decoder recurses once per nesting level, about 128 bytes of stack
	// per byte of input: 16 KiB cost at most 2 MiB of stack.
	maxCommand = 16 << 10
)

var errReadBudget = fmt.Errorf("server sent more than %d MiB before the stream started", readBudget>>20)

// budgetReader fails once n bytes have been read.
type budgetReader struct {
	r    io.Reader
	left int
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, errReadBudget
	}
	if len(p) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= n
	return n, err
}

// Session is one connection's message layer: our chunk reader, which
// bounds what reassembly holds, gortmplib's message writer, and the few
// control messages a player must obey. Make it on a connected socket (TLS
// already shaken hands for rtmps), then call Handshake and Play.
type Session struct {
	bc *bytecounter.ReadWriter
	r  *chunkReader
	w  *message.Writer
	// mediaWait is how long the first media message came after
	// Play.Start: what proving a stream cost on top of the reply.
	mediaWait time.Duration
}

// NewSession makes the session of conn; it reads at most readBudget bytes
// from it.
func NewSession(conn net.Conn) *Session {
	in := &budgetReader{r: conn, left: readBudget}
	bc := bytecounter.NewReadWriter(struct {
		io.Reader
		io.Writer
	}{in, conn})
	// The reader sends no acknowledgements: the window (2.5 MB from every
	// server seen) is larger than the read budget.
	return &Session{bc: bc, r: newChunkReader(bc), w: message.NewWriter(bc, bc.Writer, false)}
}

// Handshake runs the RTMP handshake (C0-C2/S0-S2) as a plain client.
func (s *Session) Handshake() error {
	if _, _, err := handshake.DoClient(s.bc, false, false); err != nil {
		return &PhaseError{Phase: PhaseHandshake, Err: err}
	}
	return nil
}

// MediaWait is how long the first media message came after Play.Start,
// once Play has returned: what proving the stream cost on top of the
// reply (0 when media came first).
func (s *Session) MediaWait() time.Duration { return s.mediaWait }

// command is a decoded AMF command message.
type command struct {
	name string
	id   int
	args []any
}

// next returns the next command or media message, applying control
// messages on the way. Exactly one of cmd and media is set. Media is
// audio, video, an aggregate of them, or data that belongs to the stream
// (its metadata, text, cue points); a server sends those only for a stream
// that is there. The reader passes on no other types: acknowledgements,
// window and bandwidth settings and user control events do not matter to a
// probe, nor does data about the connection (|RtmpSampleAccess, which
// nginx sends on every play, onStatus).
func (s *Session) next() (cmd *command, media bool, err error) {
	for {
		m, err := s.r.Read()
		if err != nil {
			return nil, false, err
		}
		switch m.typ {
		case message.TypeSetChunkSize:
			if len(m.body) != 4 {
				return nil, false, errors.New("malformed SetChunkSize")
			}
			size := binary.BigEndian.Uint32(m.body) & 0x7fffffff // the top bit is reserved
			if size == 0 {
				return nil, false, errors.New("server set chunk size 0")
			}
			s.r.SetChunkSize(size)
		case message.TypeAbortMessage:
			if len(m.body) == 4 {
				s.r.Abort(binary.BigEndian.Uint32(m.body))
			}
		case message.TypeAudio, message.TypeVideo, typeAggregate:
			return nil, true, nil
		case message.TypeDataAMF0, message.TypeDataAMF3:
			if streamData[dataName(m)] {
				return nil, true, nil
			}
		case message.TypeCommandAMF0, message.TypeCommandAMF3:
			c, err := decodeCommand(m)
			return c, false, err
		}
	}
}

// streamData names the data messages that carry a stream's content.
var streamData = map[string]bool{"onMetaData": true, "onTextData": true, "onCuePoint": true}

// dataName is the name of a data message from its head: its first AMF0
// string, or the second after "@setDataFrame" (metadata as an encoder
// sends it, which some servers pass on). "" when the head holds none.
func dataName(m *chunkMessage) string {
	b := m.body
	if m.typ == message.TypeDataAMF3 && len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	name, rest := amfString(b)
	if name == "@setDataFrame" {
		name, _ = amfString(rest)
	}
	return name
}

// amfString reads an AMF0 string (marker 2, a 16-bit length, the bytes)
// and what follows it; "" when b does not start with a whole one.
func amfString(b []byte) (string, []byte) {
	if len(b) < 3 || b[0] != 0x02 {
		return "", nil
	}
	n := int(binary.BigEndian.Uint16(b[1:3]))
	if len(b) < 3+n {
		return "", nil
	}
	return string(b[3 : 3+n]), b[3+n:]
}

func decodeCommand(m *chunkMessage) (*command, error) {
	body := m.body
	if m.typ == message.TypeCommandAMF3 && len(body) > 0 && body[0] == 0 {
		body = body[1:] // an AMF3 command starts with a format byte, then AMF0
	}
	if len(body) > maxCommand {
		return nil, fmt.Errorf("%d byte command message (limit %d)", len(body), maxCommand)
	}
	data, err := amf0.Unmarshal(body)
	if err != nil {
		return nil, fmt.Errorf("undecodable command: %v", err)
	}
	if len(data) < 2 {
		return nil, errors.New("command without name and transaction ID")
	}
	name, ok1 := data[0].(string)
	id, ok2 := data[1].(float64)
	if !ok1 || !ok2 {
		return nil, errors.New("command without name and transaction ID")
	}
	return &command{name: name, id: int(id), args: data[2:]}, nil
}

// info is the status object of a reply (level, code, description, ex), the
// first object argument that has a code or a level.
func (c *command) info() amf0.Object {
	for _, a := range c.args {
		var o amf0.Object
		switch v := a.(type) {
		case amf0.Object:
			o = v
		case amf0.ECMAArray:
			o = amf0.Object(v)
		default:
			continue
		}
		_, hasCode := o.Get("code")
		_, hasLevel := o.Get("level")
		if hasCode || hasLevel {
			return o
		}
	}
	return nil
}

func (c *command) isError() bool {
	level, _ := c.info().GetString("level")
	return c.name == "_error" || c.name == "close" || level == "error"
}

// redirect is the URL of a redirecting rejection: ex.redirect as Wowza's
// load balancer sends it (with ex.code 302), or a top-level redirect.
func (c *command) redirect() string {
	info := c.info()
	if ex, ok := info.Get("ex"); ok {
		var o amf0.Object
		switch v := ex.(type) {
		case amf0.Object:
			o = v
		case amf0.ECMAArray:
			o = amf0.Object(v)
		}
		if r, ok := o.GetString("redirect"); ok && r != "" {
			return r
		}
	}
	r, _ := info.GetString("redirect")
	return r
}

// status is "code: description" of a reply, or its name when it has none.
func (c *command) status() string {
	info := c.info()
	code, _ := info.GetString("code")
	desc, _ := info.GetString("description")
	switch {
	case code != "" && desc != "":
		return code + ": " + desc
	case code != "":
		return code
	case desc != "":
		return c.name + ": " + desc
	}
	return c.name
}

func (c *command) code() string {
	code, _ := c.info().GetString("code")
	return code
}

// await reads until the reply to transaction id (some servers answer with
// ID 0), or an error status, arrives.
func (s *Session) await(id int) (*command, error) {
	for {
		c, _, err := s.next()
		if err != nil {
			return nil, err
		}
		if c == nil {
			continue
		}
		reply := (c.name == "_result" || c.name == "_error") && (c.id == id || c.id == 0)
		if reply || c.isError() {
			return c, nil
		}
	}
}

// Play runs connect, createStream and play, and returns a redirect URL,
// or "" for a stream that starts. Its errors are a *PhaseError when the
// connection failed and a *Refusal when the server said no.
func (s *Session) Play(ctx context.Context, req Request) (string, error) {
	redirect, err := s.connect(req)
	if err != nil || redirect != "" {
		return redirect, err
	}
	streamID, err := s.createStream()
	if err != nil {
		return "", err
	}
	return "", s.play(ctx, req, streamID)
}

// connect asks for the application; a redirecting rejection gives where
// to ask instead.
func (s *Session) connect(req Request) (string, error) {
	for _, m := range []message.Message{
		&message.SetWindowAckSize{Value: 2500000},
		&message.SetChunkSize{Value: 4096},
		&message.CommandAMF0{ChunkStreamID: 3, Name: "connect", CommandID: 1, Arguments: []any{amf0.Object{
			{Key: "app", Value: req.App},
			{Key: "flashVer", Value: "LNX 9,0,124,2"},
			{Key: "tcUrl", Value: req.TCURL},
			{Key: "fpad", Value: false},
			{Key: "capabilities", Value: float64(15)},
			{Key: "audioCodecs", Value: float64(4071)}, // what ffmpeg offers
			{Key: "videoCodecs", Value: float64(252)},
			{Key: "videoFunction", Value: float64(1)},
			{Key: "objectEncoding", Value: float64(0)},
		}}},
	} {
		if err := s.w.Write(m); err != nil {
			return "", &PhaseError{Phase: PhaseConnect, Err: err}
		}
	}
	res, err := s.await(1)
	if err != nil {
		return "", &PhaseError{Phase: PhaseConnect, Err: err}
	}
	if res.isError() {
		if r := res.redirect(); r != "" {
			return r, nil
		}
		return "", &Refusal{Err: fmt.Errorf("connect to application %q rejected: %s", req.App, res.status())}
	}
	return "", nil
}

// createStream asks for a message stream and returns its ID.
func (s *Session) createStream() (uint32, error) {
	if err := s.w.Write(&message.CommandAMF0{ChunkStreamID: 3, Name: "createStream", CommandID: 2, Arguments: []any{nil}}); err != nil {
		return 0, &PhaseError{Phase: PhaseCreate, Err: err}
	}
	res, err := s.await(2)
	if err != nil {
		return 0, &PhaseError{Phase: PhaseCreate, Err: err}
	}
	if res.isError() {
		return 0, &Refusal{Err: fmt.Errorf("createStream rejected: %s", res.status())}
	}
	streamID := uint32(1)
	if len(res.args) >= 2 {
		if id, ok := res.args[1].(float64); ok && id >= 0 && id < 1<<32 {
			streamID = uint32(id)
		}
	}
	return streamID, nil
}

// play asks for the stream on streamID and waits for its first media
// message.
func (s *Session) play(ctx context.Context, req Request, streamID uint32) error {
	// gortmplib writes message stream IDs big-endian; the wire wants them
	// little-endian (it sends stream 1 as 0x1000000), hence the swap.
	for _, m := range []message.Message{
		&message.UserControlSetBufferLength{StreamID: streamID, BufferLength: 3000},
		&message.CommandAMF0{ChunkStreamID: 8, MessageStreamID: bits.ReverseBytes32(streamID),
			Name: "play", CommandID: 3, Arguments: []any{nil, req.Stream}},
	} {
		if err := s.w.Write(m); err != nil {
			return &PhaseError{Phase: PhasePlay, Err: err}
		}
	}
	// Play.Start alone proves nothing: a live application answers it for a
	// stream nobody publishes (nginx-rtmp's idle_streams, on by default),
	// and the player would then wait for media that never comes. The
	// first media message proves the stream; a VOD server sends it right
	// after Play.Start, so waiting costs a VOD host next to nothing.
	var started time.Time
	for {
		c, media, err := s.next()
		switch {
		case err != nil && !started.IsZero() && timedOut(ctx, err):
			return &Refusal{NotFound: true, AtDeadline: true, Err: fmt.Errorf(
				"stream %q: NetStream.Play.Start, but no media within the connect timeout (%s after it): nobody publishes it",
				req.Stream, time.Since(started).Round(time.Millisecond))}
		case err != nil:
			return &PhaseError{Phase: PhasePlay, Err: err}
		case media:
			if !started.IsZero() {
				s.mediaWait = time.Since(started)
			}
			return nil // some servers send media before, or instead of, Play.Start
		case c.code() == "NetStream.Play.Start":
			if started.IsZero() {
				started = time.Now()
			}
		case c.code() == "NetStream.Play.StreamNotFound":
			return &Refusal{NotFound: true, Err: fmt.Errorf("stream %q not found: %s", req.Stream, c.status())}
		case c.isError():
			// NetStream.Play.Failed, an _error to play, a "close".
			return &Refusal{Err: fmt.Errorf("play of %q rejected: %s", req.Stream, c.status())}
		}
	}
}
