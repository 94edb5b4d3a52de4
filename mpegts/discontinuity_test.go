package mpegts

import (
	"bytes"
	"testing"
)

// packet is a payload-only packet of pid with counter cc, its payload
// filled with fill.
func packet(pid uint16, cc byte, fill byte) []byte {
	p := bytes.Repeat([]byte{fill}, PacketSize)
	p[0], p[1], p[2], p[3] = syncByte, byte(pid>>8), byte(pid), 0x10|cc
	return p
}

func join(ps ...[]byte) []byte { return bytes.Join(ps, nil) }

func TestMarkDiscontinuity(t *testing.T) {
	seg := join(packet(0, 7, 1), packet(0x100, 0, 2), packet(0x101, 9, 3), packet(0x100, 1, 4), packet(nullPID, 3, 5))
	out, ok := MarkDiscontinuity(seg)
	if !ok {
		t.Fatal("whole packets not marked")
	}
	// One mark before the first packet of PIDs 0, 0x100 and 0x101; none
	// for the null PID, none before a PID's later packets.
	wantPIDs := []uint16{0, 0, 0x100, 0x100, 0x101, 0x101, 0x100, nullPID}
	if len(out) != len(wantPIDs)*PacketSize {
		t.Fatalf("%d packets, want %d", len(out)/PacketSize, len(wantPIDs))
	}
	for i, want := range wantPIDs {
		p := out[i*PacketSize : (i+1)*PacketSize]
		if pid := uint16(p[1]&0x1f)<<8 | uint16(p[2]); pid != want {
			t.Errorf("packet %d: pid %#x, want %#x", i, pid, want)
		}
	}
	cases := []struct {
		at     int
		wantCC byte
	}{{0, 6}, {2, 15}, {4, 8}} // each mark one counter back from the packet it precedes
	for _, c := range cases {
		p := out[c.at*PacketSize:]
		if p[3]&0x30 != 0x20 {
			t.Errorf("mark %d: adaptation_field_control %#x, want adaptation field only", c.at, p[3]>>4&3)
		}
		if p[3]&0x0f != c.wantCC {
			t.Errorf("mark %d: counter %d, want %d", c.at, p[3]&0x0f, c.wantCC)
		}
		if p[4] != PacketSize-5 || p[5] != 0x80 {
			t.Errorf("mark %d: adaptation field length %d flags %#x, want %d and the discontinuity_indicator alone", c.at, p[4], p[5], PacketSize-5)
		}
	}
	// Every packet of the segment is still there, in order, untouched.
	var kept [][]byte
	for i := range wantPIDs {
		p := out[i*PacketSize : (i+1)*PacketSize]
		if p[3]&0x30 != 0x20 {
			kept = append(kept, p)
		}
	}
	if !bytes.Equal(join(kept...), seg) {
		t.Error("the segment's own packets changed")
	}
}

func TestMarkDiscontinuityLeavesOtherBytes(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":          nil,
		"short":          packet(0x100, 0, 1)[:100],
		"no sync":        append(packet(0x100, 0, 1), bytes.Repeat([]byte{0}, PacketSize)...),
		"fMP4 init":      append([]byte("\x00\x00\x00\x18ftypiso5"), bytes.Repeat([]byte{0}, 180)...),
		"a packet extra": append(packet(0x100, 0, 1), 0x47),
	} {
		out, ok := MarkDiscontinuity(b)
		if ok || !bytes.Equal(out, b) {
			t.Errorf("%s: marked (%v) or changed", name, ok)
		}
	}
}
