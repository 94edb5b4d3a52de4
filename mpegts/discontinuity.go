// Package mpegts marks a continuity break in an MPEG transport stream,
// the one thing the relay must tell a player at a switch between TS
// variants.
//
// A segment of another variant carries its own continuity counters: the
// first packet of every PID after a switch is out of sequence with the
// last one the player read. ffmpeg's TS reader (which mpv plays HLS
// through) checks those counters and flags the first packet of each
// elementary stream as corrupt when they jump, unless the packet says a
// discontinuity is expected (the adaptation field's
// discontinuity_indicator, ISO/IEC 13818-1 §2.4.3.5). Its HLS reader
// skips the playlist's EXT-X-DISCONTINUITY tag altogether, so the mark
// must travel in the stream itself.
package mpegts

// PacketSize is a transport stream packet's length in bytes.
const PacketSize = 188

const (
	syncByte = 0x47
	nullPID  = 0x1fff
)

// MarkDiscontinuity returns seg with, before the first packet of each
// PID in it (the null PID aside), one packet of that PID that carries an
// adaptation field alone with its discontinuity_indicator set. The
// packet carries no payload, so no elementary stream, table or clock
// changes; its continuity counter is the one before the PID's first
// packet, so the counters run on unbroken from it. ok is false, and seg
// is returned as it is, when seg is not whole transport stream packets.
func MarkDiscontinuity(seg []byte) (out []byte, ok bool) {
	if !IsTransportStream(seg) {
		return seg, false
	}
	seen := map[uint16]bool{}
	out = make([]byte, 0, len(seg)+8*PacketSize)
	for at := 0; at < len(seg); at += PacketSize {
		p := seg[at : at+PacketSize]
		pid := uint16(p[1]&0x1f)<<8 | uint16(p[2])
		if pid != nullPID && !seen[pid] {
			seen[pid] = true
			out = append(out, discontinuityPacket(pid, p[3]&0x0f)...)
		}
		out = append(out, p...)
	}
	return out, true
}

// discontinuityPacket is an adaptation-field-only packet of pid whose
// counter precedes next: a packet without payload does not advance the
// counter (§2.4.3.3), so the player expects next right after it.
func discontinuityPacket(pid uint16, next byte) []byte {
	p := make([]byte, PacketSize)
	p[0] = syncByte
	p[1] = byte(pid>>8) & 0x1f
	p[2] = byte(pid)
	p[3] = 0x20 | (next+15)&0x0f // adaptation field only, counter one back
	p[4] = PacketSize - 5        // the adaptation field fills the packet
	p[5] = 0x80                  // discontinuity_indicator
	for i := 6; i < PacketSize; i++ {
		p[i] = 0xff // stuffing
	}
	return p
}

// IsTransportStream says b is whole TS packets, each starting with the
// sync byte.
func IsTransportStream(b []byte) bool {
	if len(b) == 0 || len(b)%PacketSize != 0 {
		return false
	}
	for at := 0; at < len(b); at += PacketSize {
		if b[at] != syncByte {
			return false
		}
	}
	return true
}
