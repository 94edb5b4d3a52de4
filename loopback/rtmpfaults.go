package loopback

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"time"

	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/amf0"
	"github.com/bluenviron/gortmplib/pkg/chunk"
	"github.com/bluenviron/gortmplib/pkg/handshake"
	"github.com/bluenviron/gortmplib/pkg/message"
)

// Fake RTMP servers for the faults nginx cannot be made to commit. Those
// that speak RTMP use gortmplib's server side, so what they send is framed
// as a real server would frame it; the handshake-level faults write raw
// bytes, because no library would produce them.

// rtmpApp is the application in the fake servers' URLs; they accept any.
const rtmpApp = "app"

// linger bounds how long a server that has said its last word waits for the
// client to hang up, as real servers close rejected sessions soon after.
const linger = 2 * time.Second

// startRTMP is startRaw with an rtmp:// URL. The URL is set before the
// host is handed out and handlers never read it, so there is no race.
func startRTMP(handle func(c net.Conn)) (*Host, error) {
	h, err := startRaw(handle)
	if err != nil {
		return nil, err
	}
	h.URL = "rtmp://" + h.Addr + "/" + rtmpApp
	return h, nil
}

// RejectingRTMP completes the handshake and answers connect with
// NetConnection.Connect.Rejected, as a server with an access rule against
// the client does.
func RejectingRTMP() (*Host, error) {
	return startRTMP(func(c net.Conn) {
		rejectConnect(c, amf0.Object{
			{Key: "level", Value: "error"},
			{Key: "code", Value: "NetConnection.Connect.Rejected"},
			{Key: "description", Value: "Connection rejected by the loopback host"},
		})
	})
}

// RedirectingRTMP rejects connect with a redirect to target (an
// rtmp://server/app URL), in the shape Wowza's load balancer uses: code 302
// and the URL in the info object's "ex" object.
func RedirectingRTMP(target string) (*Host, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "rtmp" && u.Scheme != "rtmps") || u.Host == "" {
		return nil, fmt.Errorf("loopback: redirect target %q must be an rtmp:// or rtmps:// URL", target)
	}
	return startRTMP(func(c net.Conn) { rejectConnect(c, redirectInfo(target)) })
}

// RedirectLoopRTMP redirects every connect to itself, so a client that
// follows redirects without a limit never gets anywhere.
func RedirectLoopRTMP() (*Host, error) {
	return startRTMP(func(c net.Conn) {
		rejectConnect(c, redirectInfo("rtmp://"+c.LocalAddr().String()+"/"+rtmpApp))
	})
}

func redirectInfo(target string) amf0.Object {
	return amf0.Object{
		{Key: "level", Value: "error"},
		{Key: "code", Value: "NetConnection.Connect.Rejected"},
		{Key: "description", Value: "Connection rejected: redirect to " + target},
		{Key: "ex", Value: amf0.Object{
			{Key: "code", Value: float64(302)},
			{Key: "redirect", Value: target},
		}},
	}
}

// rejectConnect runs the server side up to the client's connect and answers
// it with an _error carrying info.
func rejectConnect(c net.Conn, info amf0.Object) {
	sc := &gortmplib.ServerConn{RW: c}
	if err := sc.Initialize(); err != nil {
		return
	}
	// ServerConn does not export the connect's transaction ID; every client
	// (ffmpeg, librtmp, gortmplib, ours) sends connect as transaction 1.
	err := sc.Write(&message.CommandAMF0{
		ChunkStreamID: 3,
		Name:          "_error",
		CommandID:     1,
		Arguments:     []any{nil, info},
	})
	if err == nil {
		drain(c, linger)
	}
}

// drain reads until the peer hangs up, the host closes or d passes.
func drain(c net.Conn, d time.Duration) {
	c.SetReadDeadline(time.Now().Add(d))
	io.Copy(io.Discard, c)
}

// GarbageRTMP answers with a valid version byte and then endless random
// bytes, never reading: a client must give up on its own, within its
// timeout and without buffering what it was sent.
func GarbageRTMP() (*Host, error) {
	return startRTMP(func(c net.Conn) {
		rng := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
		buf := make([]byte, 32<<10)
		for first := true; ; first = false {
			for i := range buf {
				buf[i] = byte(rng.Uint32())
			}
			if first {
				buf[0] = 3 // S0: RTMP version 3, so the client reads on
			}
			if _, err := c.Write(buf); err != nil {
				return
			}
		}
	})
}

// MidHandshakeRTMP sends S0 and the first part of S1, then goes silent with
// the connection open: only the client's deadline ends the handshake.
func MidHandshakeRTMP() (*Host, error) {
	return startRTMP(func(c net.Conn) {
		part := make([]byte, 1+700) // S1 is 1536 bytes
		part[0] = 3
		for i := 1; i < len(part); i++ {
			part[i] = byte(rand.Uint32())
		}
		if _, err := c.Write(part); err != nil {
			return
		}
		io.Copy(io.Discard, c) // until the client or Close hangs up
	})
}

// HugeChunkRTMP completes the handshake, reads connect, sets the chunk size
// to 2^31-1 (the protocol's maximum) and then sends the header of a
// 16 MiB command message followed by an endless body: a client that trusts
// the chunk size allocates and buffers whatever the server claims.
func HugeChunkRTMP() (*Host, error) {
	return startRTMP(func(c net.Conn) {
		sc := &gortmplib.ServerConn{RW: c}
		if err := sc.Initialize(); err != nil {
			return
		}
		if err := sc.Write(&message.SetChunkSize{Value: 1<<31 - 1}); err != nil {
			return
		}
		// gortmplib's writer would need the whole body up front; the chunk
		// package marshals just the header of a message that never ends.
		header, err := chunk.Chunk0{
			ChunkStreamID: 3,
			Type:          uint8(message.TypeCommandAMF0),
			BodyLen:       1<<24 - 1,
		}.Marshal(false)
		if err != nil {
			return
		}
		if _, err := c.Write(header); err != nil {
			return
		}
		body := make([]byte, 32<<10)
		for {
			if _, err := c.Write(body); err != nil {
				return
			}
		}
	})
}

// HandshakeOnlyRTMP completes the RTMP handshake and then never answers
// connect: the client is connected, past the handshake, and waits.
func HandshakeOnlyRTMP() (*Host, error) {
	return startRTMP(func(c net.Conn) {
		if _, _, err := handshake.DoServer(c, false); err != nil {
			return
		}
		io.Copy(io.Discard, c)
	})
}

// DeepAMFRTMP answers connect with a 1 MiB _result whose argument is an
// AMF0 array nested in itself about 200,000 times. AMF decoders recurse per
// level (gortmplib's does), so a client that decodes what it is sent
// without a size limit grows its stack by over 100 MiB.
func DeepAMFRTMP() (*Host, error) {
	return startRTMP(func(c net.Conn) {
		sc := &gortmplib.ServerConn{RW: c}
		if err := sc.Initialize(); err != nil {
			return
		}
		const size = 1 << 20
		if err := sc.Write(&message.SetChunkSize{Value: size}); err != nil {
			return
		}
		head, err := amf0.Data{"_result", float64(1)}.Marshal()
		if err != nil {
			return
		}
		body := append(head, make([]byte, 0, size)...)
		for len(body)+5 <= size {
			// A strict array (marker 0x0A) of one element, which is the
			// next array; amf0 cannot marshal this without recursing
			// itself, so the bytes are laid out here.
			body = append(body, 0x0A, 0, 0, 0, 1)
		}
		header, err := chunk.Chunk0{
			ChunkStreamID: 3,
			Type:          uint8(message.TypeCommandAMF0),
			BodyLen:       uint32(len(body)),
		}.Marshal(false)
		if err != nil {
			return
		}
		if _, err := c.Write(append(header, body...)); err != nil {
			return
		}
		drain(c, linger)
	})
}

// TinyChunkRTMP completes the handshake, reads connect, sets the chunk size
// to 1 (the protocol's minimum) and then sends command messages announced
// as size bytes each, one body byte per chunk, without end. Every chunk
// costs two bytes on the wire, so a client that keeps a buffer, a slice
// header or a small allocation per chunk multiplies what a read budget
// lets through. The bodies are valid AMF0 ("onBWDone", 0, and nulls up to
// the announced size), so a client that reassembles them within its limits
// reads on, message after message, until its own budget or deadline ends
// the attempt.
func TinyChunkRTMP(size int) (*Host, error) {
	if size < 64 || size >= 1<<24 {
		return nil, fmt.Errorf("loopback: a tiny-chunk message needs 64 to 2^24-1 bytes, not %d", size)
	}
	return startRTMP(func(c net.Conn) {
		sc := &gortmplib.ServerConn{RW: c}
		if err := sc.Initialize(); err != nil {
			return
		}
		if err := sc.Write(&message.SetChunkSize{Value: 1}); err != nil {
			return
		}
		head, err := amf0.Data{"onBWDone", float64(0), nil}.Marshal()
		if err != nil {
			return
		}
		start, err := chunk.Chunk0{
			ChunkStreamID: 3,
			Type:          uint8(message.TypeCommandAMF0),
			BodyLen:       uint32(size),
		}.Marshal(false)
		if err != nil {
			return
		}
		// The body is produced as it is sent: a 10 MiB message costs the
		// server 32 KiB.
		buf := make([]byte, 0, 32<<10)
		for i := 0; ; i = (i + 1) % size {
			b := byte(0x05) // AMF0 null
			if i < len(head) {
				b = head[i]
			}
			if i == 0 {
				buf = append(buf, start...)
				buf = append(buf, b)
			} else {
				buf = append(buf, 3<<6|3, b) // a type 3 chunk on chunk stream 3
			}
			if len(buf) >= cap(buf)-len(start)-1 {
				if _, err := c.Write(buf); err != nil {
					return
				}
				buf = buf[:0]
			}
		}
	})
}
