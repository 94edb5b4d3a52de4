package rtmp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/bluenviron/gortmplib/pkg/amf0"
	"github.com/bluenviron/gortmplib/pkg/bytecounter"
	"github.com/bluenviron/gortmplib/pkg/chunk"
	"github.com/bluenviron/gortmplib/pkg/handshake"
	"github.com/bluenviron/gortmplib/pkg/message"
	"github.com/bluenviron/gortmplib/pkg/rawmessage"
)

// replayConn is a connection whose server side is a fixed byte string;
// what the client writes is dropped.
type replayConn struct {
	net.Conn // nil: the session only reads and writes
	r        io.Reader
}

func (c *replayConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c *replayConn) Write(p []byte) (int, error) { return len(p), nil }

// replay returns a session past the RTMP handshake, as the prober makes
// it, whose server then sends data. The handshake is valid (version 3 and
// S1, S2 of the right length, whose content a plain client does not check)
// and counts against the read budget, as on a real connection.
func replay(t testing.TB, data []byte) *Session {
	t.Helper()
	s0s1s2 := make([]byte, 1+2*1536)
	s0s1s2[0] = 3
	s := NewSession(&replayConn{r: io.MultiReader(bytes.NewReader(s0s1s2), bytes.NewReader(data))})
	if _, _, err := handshake.DoClient(s.bc, false, false); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	return s
}

// serverSays frames what a server would send after the handshake, as
// gortmplib's writer frames it.
func serverSays(t testing.TB, msgs ...message.Message) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := message.NewWriter(&buf, bytecounter.NewWriter(io.Discard), false)
	for _, m := range msgs {
		if err := w.Write(m); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func status(name string, id int, code string) message.Message {
	return &message.CommandAMF0{ChunkStreamID: 5, MessageStreamID: 0x1000000, Name: name, CommandID: id, Arguments: []any{
		nil,
		amf0.Object{{Key: "level", Value: "status"}, {Key: "code", Value: code}, {Key: "description", Value: code}},
	}}
}

// tinyChunkAttack is what loopback.TinyChunkRTMP sends: chunk size 1, then
// onBWDone commands of size bytes, one byte a chunk (n chunks of them).
func tinyChunkAttack(t testing.TB, size, n int) []byte {
	t.Helper()
	out := serverSays(t, &message.SetChunkSize{Value: 1})
	head, err := chunk.Chunk0{ChunkStreamID: 3, Type: uint8(message.TypeCommandAMF0), BodyLen: uint32(size)}.Marshal(false)
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, head...)
	body, _ := amf0.Data{"onBWDone", float64(0)}.Marshal()
	for i := range n {
		b := byte(0x05) // AMF0 null
		if i%size < len(body) {
			b = body[i%size]
		}
		if i == 0 {
			out = append(out, b)
		} else {
			out = append(out, 3<<6|3, b)
		}
	}
	return out
}

// deepAMF is what loopback.DeepAMFRTMP sends, cut to the longest command
// the probe decodes: a _result whose argument is arrays nested over 3,000 deep.
func deepAMF(t testing.TB) []byte {
	t.Helper()
	body, err := amf0.Data{"_result", float64(1)}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for len(body)+5 <= maxCommand {
		body = append(body, 0x0A, 0, 0, 0, 1) // a strict array of one: the next
	}
	out := serverSays(t, &message.SetChunkSize{Value: maxCommand})
	n := len(body)
	out = append(out, 3, 0, 0, 0, byte(n>>16), byte(n>>8), byte(n), byte(message.TypeCommandAMF0), 0, 0, 0, 0)
	return append(out, body...)
}

// rtmpReplay is what a server sends after the handshake, and what the
// probe makes of it: "start", "redirect URL", or a part of its error.
type rtmpReplay struct {
	name string
	data []byte
	want string
}

func rtmpReplays(t testing.TB) []rtmpReplay {
	connected := []message.Message{
		&message.SetWindowAckSize{Value: 2500000},
		&message.SetPeerBandwidth{Value: 2500000, Type: 2},
		&message.SetChunkSize{Value: 4096},
		&message.CommandAMF0{ChunkStreamID: 3, Name: "_result", CommandID: 1, Arguments: []any{
			amf0.Object{{Key: "fmsVer", Value: "FMS/3,0,1,123"}, {Key: "capabilities", Value: float64(31)}},
			amf0.Object{{Key: "level", Value: "status"}, {Key: "code", Value: "NetConnection.Connect.Success"}},
		}},
		&message.CommandAMF0{ChunkStreamID: 3, Name: "onBWDone", Arguments: []any{nil}},
		&message.CommandAMF0{ChunkStreamID: 3, Name: "_result", CommandID: 2, Arguments: []any{nil, float64(1)}},
		&message.UserControlStreamBegin{StreamID: 1},
	}
	plays := func(msgs ...message.Message) []byte {
		return serverSays(t, append(append([]message.Message{}, connected...), msgs...)...)
	}
	started := []message.Message{status("onStatus", 0, "NetStream.Play.Reset"), status("onStatus", 0, "NetStream.Play.Start"),
		&message.DataAMF0{ChunkStreamID: 5, MessageStreamID: 0x1000000, Payload: []any{"|RtmpSampleAccess", true, true}}}
	data := func(payload ...any) message.Message {
		return &message.DataAMF0{ChunkStreamID: 5, MessageStreamID: 0x1000000, Payload: payload}
	}
	meta := amf0.ECMAArray{{Key: "width", Value: float64(320)}}
	return []rtmpReplay{
		{"play starts", append(plays(started...),
			chunked(t, 4096, &rawmessage.Message{ChunkStreamID: 6, MessageStreamID: 0x1000000, Type: uint8(message.TypeAudio), Body: []byte{0xaf, 0}})...), "start"},
		// An idle live stream: Play.Start and the sample access nginx
		// sends on every play, then nothing; here the server hangs up.
		{"play starts, no media", plays(started...), "play: EOF"},
		{"play starts, metadata", plays(append(started, data("onMetaData", meta))...), "start"},
		{"play starts, encoder's metadata", plays(append(started, data("@setDataFrame", "onMetaData", meta))...), "start"},
		{"play starts, other data", plays(append(started, data("onStatus", amf0.Object{{Key: "code", Value: "NetStream.Data.Start"}}))...), "play: EOF"},
		{"play starts, aggregate", append(plays(started...),
			chunked(t, 4096, &rawmessage.Message{ChunkStreamID: 6, MessageStreamID: 0x1000000, Type: typeAggregate, Body: body(600000, 1)})...), "start"},
		{"not found", plays(status("onStatus", 0, "NetStream.Play.StreamNotFound")), "refused (not found true): stream \"mp4:clip.mp4\" not found: NetStream.Play.StreamNotFound"},
		{"media before Play.Start", append(plays(&message.DataAMF0{ChunkStreamID: 5, MessageStreamID: 0x1000000, Payload: []any{"onMetaData", amf0.ECMAArray{{Key: "duration", Value: float64(10)}}}}),
			chunked(t, 4096, &rawmessage.Message{ChunkStreamID: 6, MessageStreamID: 0x1000000, Type: uint8(message.TypeVideo), Body: bytes.Repeat([]byte{0x17}, 5000)})...), "start"},
		{"redirect", serverSays(t, &message.CommandAMF0{ChunkStreamID: 3, Name: "_error", CommandID: 1, Arguments: []any{nil, amf0.Object{
			{Key: "level", Value: "error"}, {Key: "code", Value: "NetConnection.Connect.Rejected"},
			{Key: "ex", Value: amf0.Object{{Key: "code", Value: float64(302)}, {Key: "redirect", Value: "rtmp://edge/vod"}}},
		}}}), "redirect rtmp://edge/vod"},
		// The attacks of the hostile loopback hosts, as far as they fit.
		{"tiny chunks, 10 MiB", tinyChunkAttack(t, 10<<20, 4096), "announced a 10485760 byte command message"},
		{"tiny chunks, 100 bytes", tinyChunkAttack(t, 100, 300), "connect: EOF"},
		{"huge chunk", append(serverSays(t, &message.SetChunkSize{Value: 1<<31 - 1}),
			3, 0, 0, 0, 0xff, 0xff, 0xff, byte(message.TypeCommandAMF0), 0, 0, 0, 0), "announced a 16777215 byte command message"},
		{"deep AMF", deepAMF(t), "undecodable command"},
		// Two- and three-byte chunk stream IDs and an extended timestamp:
		// a data message on stream 74, then a one-byte command on stream 65.
		{"long IDs", []byte{
			0, 10, 0xff, 0xff, 0xff, 0, 0, 2, byte(message.TypeDataAMF0), 0, 0, 0, 0, 0, 0, 0, 1, 'x', 'y',
			1<<6 | 1, 1, 0, 0, 0, 0, 0, 0, 1, byte(message.TypeCommandAMF0), 0x05,
		}, "command without name"},
		// An abort of a partial message on stream 3, at chunk size 1: the
		// next message on stream 3 starts afresh.
		{"abort", append(serverSays(t, &message.SetChunkSize{Value: 1}),
			3, 0, 0, 0, 0, 0, 200, byte(message.TypeCommandAMF0), 0, 0, 0, 0, 'x',
			2, 0, 0, 0, 0, 0, 4, byte(message.TypeAbortMessage), 0, 0, 0, 0, 0, 3<<6|2, 0, 3<<6|2, 0, 3<<6|2, 3,
			3, 0, 0, 0, 0, 0, 1, byte(message.TypeCommandAMF0), 0, 0, 0, 0, 0x05,
		), "command without name"},
		{"nothing", nil, "connect: EOF"},
	}
}

// TestRTMPSessionReplays: the fuzz seeds are what they say they are.
func TestRTMPSessionReplays(t *testing.T) {
	for _, r := range rtmpReplays(t) {
		s := replay(t, r.data)
		redirect, err := s.Play(context.Background(), Request{Addr: "h:1935", TCURL: "rtmp://h/vod", App: "vod", Stream: "mp4:clip.mp4"})
		got := "start"
		var failed *PhaseError
		var refused *Refusal
		switch {
		case errors.As(err, &refused):
			got = fmt.Sprintf("refused (not found %v): %v", refused.NotFound, err)
		case errors.As(err, &failed):
			got = err.Error()
		case err != nil:
			t.Errorf("%s: %v (%T), neither a refusal nor a failed phase", r.name, err, err)
		case redirect != "":
			got = "redirect " + redirect
		}
		if !strings.Contains(got, r.want) {
			t.Errorf("%s: %s, want %q", r.name, got, r.want)
		}
	}
}

// FuzzRTMPSession feeds arbitrary server bytes, after a valid handshake, to
// the probe's session: to its message reader, obeying
// control messages as the probe does, and to the whole connect,
// createStream and play exchange. Whatever the bytes, it returns messages
// or an error, never panics, and never holds more than its bounds: each
// message body at most maxKept, all of them together maxHeld.
//
// go test runs the seeds; to search further, one target at a time:
//
//	go test -run '^$' -fuzz '^FuzzRTMPSession$' -fuzztime 60s ./cluster/rtmp
func FuzzRTMPSession(f *testing.F) {
	for _, r := range rtmpReplays(f) {
		f.Add(r.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := replay(t, data)
		for {
			m, err := s.r.Read()
			if err != nil {
				break
			}
			if len(m.body) > maxKept {
				t.Fatalf("a %d byte message, over the %d byte limit", len(m.body), maxKept)
			}
			if n := s.r.held(); n > maxHeld {
				t.Fatalf("the reader holds %d bytes, over its %d byte bound", n, maxHeld)
			}
			if len(s.r.streams) > maxChunkStreams {
				t.Fatalf("%d chunk streams, over the limit of %d", len(s.r.streams), maxChunkStreams)
			}
			switch {
			case m.typ == message.TypeSetChunkSize && len(m.body) == 4:
				if size := uint32(m.body[0]&0x7f)<<24 | uint32(m.body[1])<<16 | uint32(m.body[2])<<8 | uint32(m.body[3]); size > 0 {
					s.r.SetChunkSize(size)
				}
			case m.typ == message.TypeAbortMessage && len(m.body) == 4:
				s.r.Abort(uint32(m.body[0])<<24 | uint32(m.body[1])<<16 | uint32(m.body[2])<<8 | uint32(m.body[3]))
			}
		}

		s = replay(t, data)
		req := Request{Addr: "h:1935", TCURL: "rtmp://h/vod", App: "vod", Stream: "mp4:clip.mp4"}
		redirect, err := s.Play(context.Background(), req)
		if err != nil && redirect != "" {
			t.Fatalf("play returned both a redirect %q and an error: %v", redirect, err)
		}
	})
}
