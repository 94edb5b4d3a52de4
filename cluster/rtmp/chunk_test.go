package rtmp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gortmplib/pkg/bytecounter"
	"github.com/bluenviron/gortmplib/pkg/message"
	"github.com/bluenviron/gortmplib/pkg/rawmessage"
)

// chunked frames msgs as gortmplib's writer does at the given chunk size,
// which uses every chunk format and extended timestamps.
func chunked(t testing.TB, chunkSize uint32, msgs ...*rawmessage.Message) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := rawmessage.NewWriter(&buf, bytecounter.NewWriter(io.Discard), false)
	w.SetChunkSize(chunkSize)
	for _, m := range msgs {
		if err := w.Write(m); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func body(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*7)
	}
	return b
}

// readAll reads messages until the input ends, which must be at a
// message boundary.
func readAll(t testing.TB, r *chunkReader) []*chunkMessage {
	t.Helper()
	var out []*chunkMessage
	for {
		m, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("after %d messages: %v", len(out), err)
		}
		out = append(out, m)
	}
}

// TestRTMPChunkReaderReassembles: what gortmplib's writer frames, at chunk
// sizes from 1 up, comes back whole: commands and control messages with
// their bodies, data messages with their head, audio, video and
// aggregates as their header alone, other messages not at all.
func TestRTMPChunkReaderReassembles(t *testing.T) {
	ms := time.Millisecond
	msgs := []*rawmessage.Message{
		{ChunkStreamID: 2, Type: uint8(message.TypeSetChunkSize), Body: []byte{0, 0, 16, 0}},
		{ChunkStreamID: 3, Type: uint8(message.TypeCommandAMF0), Body: body(0, 1)},
		{ChunkStreamID: 3, Type: uint8(message.TypeCommandAMF0), Timestamp: 10 * ms, Body: body(127, 2)},
		{ChunkStreamID: 3, Type: uint8(message.TypeCommandAMF0), Timestamp: 20 * ms, Body: body(127, 3)}, // type 3 header
		{ChunkStreamID: 3, Type: uint8(message.TypeCommandAMF3), Timestamp: 25 * ms, Body: body(maxKept, 4)},
		{ChunkStreamID: 5, Type: uint8(message.TypeDataAMF0), Body: body(3000, 5)},
		{ChunkStreamID: 5, Type: uint8(message.TypeDataAMF3), Body: body(20, 15)},
		{ChunkStreamID: 6, Type: uint8(message.TypeVideo), Body: body(70000, 6)},
		{ChunkStreamID: 6, Type: uint8(message.TypeVideo), Timestamp: 0x1000000 * ms, Body: body(300, 7)}, // extended timestamp
		{ChunkStreamID: 6, Type: uint8(message.TypeVideo), Timestamp: 0x1000010 * ms, Body: body(300, 8)},
		{ChunkStreamID: 4, Type: uint8(message.TypeCommandAMF0), Timestamp: 0xFFFFFF * ms, Body: body(400, 9)},
		{ChunkStreamID: 4, Type: uint8(message.TypeCommandAMF0), Timestamp: 0x1000000 * ms, Body: body(400, 10)},
		{ChunkStreamID: 7, Type: typeAggregate, Body: body(maxMessage+1, 11)},
		{ChunkStreamID: 8, Type: uint8(message.TypeAudio), Body: body(1, 12)},
		{ChunkStreamID: 3, Type: uint8(message.TypeCommandAMF0), Timestamp: 30 * ms, Body: body(5, 13)},
	}
	var want []string
	for _, m := range msgs {
		switch keep, _ := limitFor(message.Type(m.Type)); {
		case keep:
			want = append(want, fmt.Sprintf("type %d: %x", m.Type, m.Body))
		case isMediaType(message.Type(m.Type)):
			want = append(want, fmt.Sprintf("type %d: ", m.Type))
		case isDataType(message.Type(m.Type)):
			want = append(want, fmt.Sprintf("type %d: %x", m.Type, m.Body[:min(len(m.Body), dataHead)]))
		}
	}
	for _, size := range []uint32{1, 2, 127, 128, 4096, 1 << 20, 1<<31 - 1} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			r := newChunkReader(bytes.NewReader(chunked(t, size, msgs...)))
			r.SetChunkSize(size)
			var got []string
			for _, m := range readAll(t, r) {
				got = append(got, fmt.Sprintf("type %d: %x", m.typ, m.body))
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if n := r.held(); n != 0 {
				t.Errorf("%d bytes held between messages", n)
			}
		})
	}
}

// TestRTMPChunkReaderInterleaves: chunks of messages on different chunk
// streams may alternate, and chunk stream IDs may take two or three bytes.
func TestRTMPChunkReaderInterleaves(t *testing.T) {
	cmd := byte(message.TypeCommandAMF0)
	in := []byte{
		// stream 3, type 0: a 6-byte command, first 4 bytes
		3, 0, 0, 0, 0, 0, 6, cmd, 0, 0, 0, 0, 'a', 'b', 'c', 'd',
		// stream 64 + 200 (two-byte ID), type 0: a 5-byte command, first 4
		0, 200, 0, 0, 0, 0, 0, 5, cmd, 0, 0, 0, 0, 'v', 'w', 'x', 'y',
		// stream 3, type 3: the last 2 bytes
		3<<6 | 3, 'e', 'f',
		// stream 64 + 1 + 2*256 (three-byte ID), type 1: a 2-byte command
		1<<6 | 1, 1, 2, 0, 0, 0, 0, 0, 2, cmd, 'p', 'q',
		// stream 264 in its three-byte form, type 3: the last byte
		3<<6 | 1, 200, 0, 'z',
	}
	r := newChunkReader(bytes.NewReader(in))
	r.SetChunkSize(4)
	var got []string
	for _, m := range readAll(t, r) {
		got = append(got, string(m.body))
	}
	if want := "abcdef pq vwxyz"; strings.Join(got, " ") != want {
		t.Errorf("read %q, want %q", strings.Join(got, " "), want)
	}
}

// TestRTMPChunkReaderAbort: once the server aborts a partial message, the
// chunk stream starts the next one afresh; without the abort, a new
// message header in the middle of one is refused.
func TestRTMPChunkReaderAbort(t *testing.T) {
	cmd, abort := byte(message.TypeCommandAMF0), byte(message.TypeAbortMessage)
	in := []byte{
		3, 0, 0, 0, 0, 0, 200, cmd, 0, 0, 0, 0, 'x', 'x', 'x', 'x', // 4 bytes of 200
		2, 0, 0, 0, 0, 0, 4, abort, 0, 0, 0, 0, 0, 0, 0, 3, // abort stream 3
		3, 0, 0, 0, 0, 0, 2, cmd, 0, 0, 0, 0, 'o', 'k',
	}
	for _, obey := range []bool{true, false} {
		r := newChunkReader(bytes.NewReader(in))
		r.SetChunkSize(4)
		m, err := r.Read()
		if err != nil || m.typ != message.TypeAbortMessage {
			t.Fatalf("first message: %+v, %v; want the abort", m, err)
		}
		if obey {
			r.Abort(3)
		}
		m, err = r.Read()
		switch {
		case obey && (err != nil || string(m.body) != "ok"):
			t.Errorf("after the abort: %+v, %v; want the next message", m, err)
		case !obey && (err == nil || !strings.Contains(err.Error(), "middle of a message")):
			t.Errorf("without the abort: %+v, %v; want the new header refused", m, err)
		}
	}
}

// TestRTMPChunkReaderRefuses: announcements over the limits, chunk headers
// that lack what they inherit, and too many chunk streams end the read.
func TestRTMPChunkReaderRefuses(t *testing.T) {
	header := func(csid, typ byte, length int) []byte {
		return []byte{csid, 0, 0, 0, byte(length >> 16), byte(length >> 8), byte(length), typ, 0, 0, 0, 0}
	}
	var streams []byte
	for i := range maxChunkStreams + 1 {
		streams = append(streams, 0, byte(i)) // two-byte IDs
		streams = append(streams, header(0, byte(message.TypeUserControl), 1)[1:]...)
		streams = append(streams, 'd')
	}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"10 MiB command", header(3, byte(message.TypeCommandAMF0), 10<<20), "announced a 10485760 byte command message (limit 16385)"},
		{"command just over", header(3, byte(message.TypeCommandAMF3), maxKept+1), "announced a 16386 byte command message"},
		{"SetChunkSize", header(2, byte(message.TypeSetChunkSize), 1<<20), "byte SetChunkSize message"},
		{"metadata", header(5, byte(message.TypeDataAMF0), maxMessage+1), "announced a 524289 byte data message (limit 524288)"},
		{"type 2 first", []byte{2<<6 | 3, 0, 0, 1}, "chunk stream 3: a type 2 chunk before any message header"},
		{"type 3 first", []byte{3<<6 | 3}, "chunk stream 3: a type 3 chunk before any message header"},
		{"type 1 mid-message", append(header(3, 20, 300), append(make([]byte, 128), 1<<6|3, 0, 0, 0, 0, 0, 1, 20)...), "a type 1 chunk in the middle of a message"},
		{"chunk streams", streams, "more than 64 chunk streams"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newChunkReader(bytes.NewReader(tt.in))
			m, err := r.Read()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Read = %+v, %v; want an error with %q", m, err, tt.want)
			}
		})
	}
}

// TestRTMPChunkReaderMediaAtHeader: an audio or video message is reported
// at its header, however long it is announced, and the rest of it is read
// past without being kept.
func TestRTMPChunkReaderMediaAtHeader(t *testing.T) {
	in := chunked(t, 4096,
		&rawmessage.Message{ChunkStreamID: 6, Type: uint8(message.TypeVideo), Body: body(1<<20, 0)},
		&rawmessage.Message{ChunkStreamID: 3, Type: uint8(message.TypeCommandAMF0), Body: []byte("after")},
	)
	// Only the header and the first chunk are there: the reader must not
	// wait for the rest of the message, nor refuse it for its length.
	r := newChunkReader(bytes.NewReader(in[:12+4096]))
	r.SetChunkSize(4096)
	if m, err := r.Read(); err != nil || m.typ != message.TypeVideo || m.body != nil {
		t.Fatalf("Read = %+v, %v; want the video message's header", m, err)
	}
	r = newChunkReader(bytes.NewReader(in))
	r.SetChunkSize(4096)
	got := readAll(t, r)
	if len(got) != 2 || string(got[1].body) != "after" {
		t.Errorf("read %d messages, want the video header and the command after it", len(got))
	}
}

// TestRTMPChunkReaderAllocs: a message in one-byte chunks costs a few
// allocations in all, not some per chunk: gortmplib's reader made three per
// chunk and held 24 bytes or more for each.
func TestRTMPChunkReaderAllocs(t *testing.T) {
	const size = maxKept
	msg := &rawmessage.Message{ChunkStreamID: 3, Type: uint8(message.TypeCommandAMF0), Body: body(size, 0)}
	data := chunked(t, 1, msg, msg, msg, msg)
	var r *chunkReader
	allocs := testing.AllocsPerRun(10, func() {
		r = newChunkReader(bytes.NewReader(data))
		r.SetChunkSize(1)
		for range 4 {
			if m, err := r.Read(); err != nil || len(m.body) != size {
				panic(fmt.Sprint(m, err))
			}
		}
	})
	// Per message: the message and its buffer, doubling from 64 bytes (11);
	// once: the input, the reader, its buffer, map and chunk stream.
	if allocs > 4*11+8 {
		t.Errorf("%v allocations for 4 messages of %d one-byte chunks, want at most %d", allocs, size, 4*11+8)
	}
	t.Logf("%v allocations for %d chunks", allocs, 4*size)
}
