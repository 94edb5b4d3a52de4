package rtmp

import (
	"bufio"
	"fmt"
	"io"
	"math"

	"github.com/bluenviron/gortmplib/pkg/message"
)

// chunkReader reassembles an RTMP server's messages from their chunks
// (RTMP 1.0, section 5.3), with memory bounded by the limits below and not
// by what the server announces or how finely it chops its messages.
//
// It replaces gortmplib's rawmessage.Reader, which keeps every chunk of a
// message as a separate slice until the message is complete: at chunk size
// 1, each body byte costs two bytes on the wire but a 24-byte slice header
// in a slice grown by append, plus its share of a 16-byte allocation, so a
// 2 MiB read budget became over 30 MiB of live heap and 130 MiB of
// allocations per attempt (122 MB resident with one such host, 655 MB with
// ten probed at once). The chunk size is the server's to choose (1 is
// legal), so it cannot be refused or clamped; what the reader can do is not
// pay per chunk. Here a header is read into a fixed array, a body is
// appended to one buffer per message, and the bodies of messages the probe
// never looks at are not kept at all.
type chunkReader struct {
	br        *bufio.Reader
	chunkSize uint32
	streams   map[uint32]*chunkStream
	// skip is the rest of a media message's first chunk, still on the wire
	// when Read returned at its header.
	skip int
	hdr  [11]byte
}

// chunkStream is what a chunk stream's later chunks inherit: chunk
// types 1 to 3 leave out the fields that repeat.
type chunkStream struct {
	started  bool // a type 0 or 1 header gave the length and type
	typ      uint8
	length   uint32
	extended bool // the last header had an extended timestamp, so type 3 chunks carry one too

	recv uint32 // bytes of the current message read; 0 between messages
	keep bool   // the current message's body is assembled in body
	body []byte
	head []byte // a data message's first bytes: its name, and no more
}

// chunkMessage is a message as the probe sees it. The body of an audio or
// video message is not read: its arrival is all the probe needs. Of a data
// message only the head is kept (dataHead bytes at most), which names
// it: onMetaData says a stream is there, |RtmpSampleAccess does not.
type chunkMessage struct {
	typ  message.Type
	body []byte
}

// Limits of the reader.
const (
	// maxMessage caps the announced length of a message the probe reads
	// past without keeping it (metadata, shared objects, user control).
	// The largest a real server sends before a stream starts is onMetaData
	// with an FLV file's keyframe index, 18 bytes a keyframe: 200 KB for a
	// three-hour file with a keyframe a second. A longer announcement
	// before the stream starts is hostile or broken; refusing it at its
	// header says so at once, where reading past it would spend the read
	// budget first.
	maxMessage = 512 << 10
	// maxKept caps the announced length of a message whose body is
	// assembled: commands, which are not decoded beyond maxCommand
	// (plus the AMF3 format byte), and the 4-byte control messages.
	maxKept = maxCommand + 1
	// maxChunkStreams caps the chunk streams a server may use. Each
	// costs some bookkeeping and may hold a partial message; servers use a
	// handful (2 for control, 3 to 8 for commands, data and media) where
	// the protocol allows 65,598.
	maxChunkStreams = 64
	// maxHeld bounds the bodies held at once: every chunk stream
	// partway through a message of the largest kept size. With the per
	// stream bookkeeping and the read buffer, an attempt's reader holds
	// about 1 MiB at most, whatever the server sends.
	maxHeld = maxChunkStreams * maxKept
)

// typeAggregate is a batch of audio and video messages (FMS, Wowza).
const typeAggregate = 22

// dataHead is how much of a data message the reader keeps: enough for
// its AMF0 name, after an "@setDataFrame" and an AMF3 format byte.
const dataHead = 64

// isMediaType: the message is media, reported at its header.
func isMediaType(typ message.Type) bool {
	return typ == message.TypeAudio || typ == message.TypeVideo || typ == typeAggregate
}

func isDataType(typ message.Type) bool {
	return typ == message.TypeDataAMF0 || typ == message.TypeDataAMF3
}

func newChunkReader(r io.Reader) *chunkReader {
	return &chunkReader{
		br:        bufio.NewReader(r),
		chunkSize: 128, // until the server sets its own
		streams:   make(map[uint32]*chunkStream),
	}
}

// SetChunkSize applies the server's SetChunkSize. Any size is accepted:
// the reader's memory does not depend on it.
func (r *chunkReader) SetChunkSize(size uint32) { r.chunkSize = size }

// Abort drops the partial message of a chunk stream, as the server's
// Abort Message asks.
func (r *chunkReader) Abort(csid uint32) {
	if cs := r.streams[csid]; cs != nil {
		cs.recv, cs.body, cs.head = 0, nil, nil
	}
}

// limitFor is how the reader treats a message type: whether it keeps the
// body, and the longest announcement it accepts.
func limitFor(typ message.Type) (keep bool, limit uint32) {
	switch typ {
	case message.TypeSetChunkSize, message.TypeAbortMessage, message.TypeCommandAMF0, message.TypeCommandAMF3:
		return true, maxKept
	case message.TypeAudio, message.TypeVideo, typeAggregate:
		// A keyframe may be megabytes, and the probe stops at the header
		// of the first media message; what follows it is only skipped.
		return false, math.MaxUint32
	}
	return false, maxMessage
}

func typeName(typ message.Type) string {
	switch typ {
	case message.TypeSetChunkSize:
		return "SetChunkSize"
	case message.TypeAbortMessage:
		return "Abort Message"
	case message.TypeCommandAMF0, message.TypeCommandAMF3:
		return "command"
	case message.TypeDataAMF0, message.TypeDataAMF3:
		return "data"
	}
	return fmt.Sprintf("type %d", typ)
}

// Read returns the next complete message the probe keeps, the head of the
// next data message once it is complete, or the header of the next audio,
// video or aggregate message. Other messages are read past.
func (r *chunkReader) Read() (*chunkMessage, error) {
	if r.skip > 0 {
		if _, err := r.br.Discard(r.skip); err != nil {
			return nil, err
		}
		r.skip = 0
	}
	for {
		csid, format, err := r.basicHeader()
		if err != nil {
			return nil, err
		}
		cs, err := r.stream(csid)
		if err != nil {
			return nil, err
		}
		if err := r.messageHeader(cs, csid, format); err != nil {
			return nil, err
		}

		typ := message.Type(cs.typ)
		first := cs.recv == 0
		if first {
			keep, limit := limitFor(typ)
			if cs.length > limit {
				return nil, fmt.Errorf("server announced a %d byte %s message (limit %d)", cs.length, typeName(typ), limit)
			}
			cs.keep = keep
		}
		n := min(cs.length-cs.recv, r.chunkSize)
		cs.recv += n
		done := cs.recv == cs.length
		if done {
			cs.recv = 0
		}
		if first && isMediaType(typ) {
			r.skip = int(n)
			return &chunkMessage{typ: typ}, nil
		}
		if !cs.keep {
			if m, err := r.readPast(cs, typ, n, done); m != nil || err != nil {
				return m, err
			}
			continue
		}
		cs.body = growBody(cs.body, n, cs.length)
		at := len(cs.body)
		cs.body = cs.body[:at+int(n)]
		if _, err := io.ReadFull(r.br, cs.body[at:]); err != nil {
			return nil, err
		}
		if done {
			m := &chunkMessage{typ: typ, body: cs.body}
			cs.body = nil
			return m, nil
		}
	}
}

// stream is the chunk stream csid, new if need be, within the limit.
func (r *chunkReader) stream(csid uint32) (*chunkStream, error) {
	cs := r.streams[csid]
	if cs == nil {
		if len(r.streams) == maxChunkStreams {
			return nil, fmt.Errorf("server used more than %d chunk streams", maxChunkStreams)
		}
		cs = &chunkStream{}
		r.streams[csid] = cs
	}
	return cs, nil
}

// readPast reads the n body bytes of a chunk of a message that is not
// kept, holding on to a data message's head, and returns that head once
// the message is done (nil while it is not, or for other types).
func (r *chunkReader) readPast(cs *chunkStream, typ message.Type, n uint32, done bool) (*chunkMessage, error) {
	discard := int(n)
	if isDataType(typ) {
		if take := min(discard, dataHead-len(cs.head)); take > 0 {
			if cs.head == nil {
				cs.head = make([]byte, 0, min(dataHead, int(cs.length)))
			}
			at := len(cs.head)
			cs.head = cs.head[:at+take]
			if _, err := io.ReadFull(r.br, cs.head[at:]); err != nil {
				return nil, err
			}
			discard -= take
		}
	}
	if _, err := r.br.Discard(discard); err != nil {
		return nil, err
	}
	if done && isDataType(typ) {
		m := &chunkMessage{typ: typ, body: cs.head}
		cs.head = nil
		return m, nil
	}
	return nil, nil
}

// basicHeader reads a chunk's format and chunk stream ID, in any of the
// ID's three encodings.
func (r *chunkReader) basicHeader() (csid uint32, format byte, err error) {
	b, err := r.br.ReadByte()
	if err != nil {
		return 0, 0, err
	}
	format, csid = b>>6, uint32(b&0x3f)
	switch csid {
	case 0: // IDs 64 to 319 in one more byte
		if _, err := io.ReadFull(r.br, r.hdr[:1]); err != nil {
			return 0, 0, err
		}
		csid = 64 + uint32(r.hdr[0])
	case 1: // IDs 64 to 65599 in two more bytes, low byte first
		if _, err := io.ReadFull(r.br, r.hdr[:2]); err != nil {
			return 0, 0, err
		}
		csid = 64 + uint32(r.hdr[0]) + uint32(r.hdr[1])<<8
	}
	return csid, format, nil
}

// headerSize is the message header's size by chunk format: type 0
// has it all, type 1 no message stream ID, type 2 only the timestamp
// delta, type 3 nothing.
var headerSize = [4]int{11, 7, 3, 0}

// messageHeader reads the message header of a chunk of the given format
// and the extended timestamp, if any, into cs. Timestamps and message
// stream IDs are of no use to a probe and are not kept.
func (r *chunkReader) messageHeader(cs *chunkStream, csid uint32, format byte) error {
	if format < 3 && cs.recv != 0 {
		return fmt.Errorf("chunk stream %d: a type %d chunk in the middle of a message", csid, format)
	}
	if format >= 2 && !cs.started {
		return fmt.Errorf("chunk stream %d: a type %d chunk before any message header", csid, format)
	}
	h := r.hdr[:headerSize[format]]
	if _, err := io.ReadFull(r.br, h); err != nil {
		return err
	}
	if len(h) >= 3 {
		cs.extended = h[0] == 0xff && h[1] == 0xff && h[2] == 0xff
	}
	if len(h) >= 7 {
		cs.length = uint32(h[3])<<16 | uint32(h[4])<<8 | uint32(h[5])
		cs.typ = h[6]
		cs.started = true
	}
	if cs.extended {
		if _, err := io.ReadFull(r.br, r.hdr[:4]); err != nil {
			return err
		}
	}
	return nil
}

// growBody makes room for n more bytes of a message of length total,
// doubling the buffer up to that length, so that a message in many small
// chunks costs a few allocations and not one per chunk.
func growBody(b []byte, n, total uint32) []byte {
	need := len(b) + int(n)
	if need <= cap(b) {
		return b
	}
	nb := make([]byte, len(b), min(max(2*cap(b), need, 64), int(total)))
	copy(nb, b)
	return nb
}

// held is what the reader holds in message bodies, for tests of its bound.
func (r *chunkReader) held() int {
	n := 0
	for _, cs := range r.streams {
		n += cap(cs.body) + cap(cs.head)
	}
	return n
}
