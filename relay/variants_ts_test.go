package relay

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
	"clusterplay/mpegts"
)

// TestTSSwitchIsMarkedForThePlayer: under auto, the first TS segment of
// another variant reaches the player marked (mpegts.MarkDiscontinuity),
// and ffmpeg reading the two segments the player got, one after the
// other, finds no continuity error, where the same bytes unmarked have
// one: the mark is where the player needs it.
func TestTSSwitchIsMarkedForThePlayer(t *testing.T) {
	hosttest.EndToEnd(t, "ffmpeg")
	dir := t.TempDir()
	host, err := loopback.GoodDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { host.Close() })
	err = loopback.MakeLadder(dir, host.URL, 6)
	hosttest.Missing(t, err)
	if err != nil {
		t.Fatal(err)
	}
	h := startRelayOpts(t, func(o *Options) { o.Token, o.Quality = "tk", "auto" }, host.URL)
	_, master, err := get(t, h.relay.URL(loopback.LadderTS), nil)
	virtual := regexp.MustCompile(`(?m)^http\S*_quality/\S*index\.m3u8$`).FindString(string(master))
	if err != nil || virtual == "" {
		t.Fatalf("no virtual variant in the master (%v):\n%s", err, master)
	}
	_, playlist, _ := get(t, virtual, nil)
	segs := regexp.MustCompile(`(?m)^http\S*seg-\d+\.ts$`).FindAllString(string(playlist), -1)
	if len(segs) < 2 {
		t.Fatalf("virtual playlist:\n%s", playlist)
	}
	_, first, _ := get(t, segs[0], nil) // the starting variant, 480p
	if q, err := h.relay.CycleQuality(); err != nil || q != "240p" {
		t.Fatalf("CycleQuality = %q, %v; want 240p", q, err)
	}
	_, second, _ := get(t, segs[1], nil)
	unmarked := stripMarks(second)
	if len(unmarked) == len(second) || bytes.Equal(second[:mpegts.PacketSize], unmarked[:mpegts.PacketSize]) {
		t.Fatalf("the first segment of 240p after 480p is not marked (%d bytes)", len(second))
	}
	if log := continuityErrors(t, first, second); log != "" {
		t.Errorf("ffmpeg found a continuity error across the marked switch:\n%s", log)
	}
	// The counters of two variants' segments agree by chance (1 in 16
	// per stream: audio of the same bitrate mostly does). Where they
	// jump, ffmpeg must see it in the unmarked bytes, or this test could
	// not tell a mark from none.
	if !countersJump(first, unmarked) {
		t.Log("the two variants' counters happen to run on here: the unmarked check has nothing to find")
	} else if log := continuityErrors(t, first, unmarked); log == "" {
		t.Error("the same switch unmarked passes ffmpeg's continuity check: the test cannot fail")
	}
}

// countersJump says whether some PID's first counter in b (of a packet
// with payload) does not follow its last in a.
func countersJump(a, b []byte) bool {
	last := map[uint16]byte{}
	for at := 0; at+mpegts.PacketSize <= len(a); at += mpegts.PacketSize {
		if p := a[at:]; p[3]&0x10 != 0 {
			last[uint16(p[1]&0x1f)<<8|uint16(p[2])] = p[3] & 0x0f
		}
	}
	seen := map[uint16]bool{}
	for at := 0; at+mpegts.PacketSize <= len(b); at += mpegts.PacketSize {
		p := b[at:]
		pid := uint16(p[1]&0x1f)<<8 | uint16(p[2])
		if p[3]&0x10 == 0 || seen[pid] {
			continue
		}
		seen[pid] = true
		if cc, ok := last[pid]; ok && (cc+1)&0x0f != p[3]&0x0f {
			return true
		}
	}
	return false
}

// stripMarks drops the adaptation-field-only packets with the
// discontinuity_indicator that MarkDiscontinuity adds.
func stripMarks(b []byte) []byte {
	var out []byte
	for at := 0; at+mpegts.PacketSize <= len(b); at += mpegts.PacketSize {
		p := b[at : at+mpegts.PacketSize]
		if p[3]&0x30 == 0x20 && p[4] == mpegts.PacketSize-5 && p[5] == 0x80 {
			continue
		}
		out = append(out, p...)
	}
	return out
}

// continuityErrors are the continuity errors ffmpeg's TS reader logs
// reading a then b as one stream.
func continuityErrors(t *testing.T, a, b []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "played.ts")
	if err := os.WriteFile(f, append(append([]byte{}, a...), b...), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffmpeg", "-v", "debug", "-i", f, "-f", "null", "-").CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	var errs []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "Continuity check failed") {
			errs = append(errs, line)
		}
	}
	return strings.Join(errs, "\n")
}
