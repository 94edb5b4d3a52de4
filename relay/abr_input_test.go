package relay

import (
	"testing"
	"time"

	"clusterplay/abr"
	"clusterplay/clock"
)

// TestABRInputReadsTheBufferNow: the rule sees the buffer the session
// last told, less what the player has played since, and nothing from a
// relay never told.
func TestABRInputReadsTheBufferNow(t *testing.T) {
	fake := clock.NewFake(t0)
	h := startRelayOpts(t, func(o *Options) { o.Clock = fake }, "http://127.0.0.1:1/v")
	host := h.relay.opts.Engine.Hosts()[0]
	ladder := []float64{400e3, 1200e3, 3000e3}
	in := h.relay.abrInput(ladder, 1, host, 2*time.Second, abr.Bounds{MaxBitrate: 2e6})
	if in.Buffer != 0 || in.Playing || in.Estimate != 0 || in.Current != 1 || in.SegmentDuration != 2*time.Second || in.Bounds.MaxBitrate != 2e6 {
		t.Errorf("before the session said anything: %+v", in)
	}
	cases := []struct {
		name    string
		said    PlayerBuffer
		advance time.Duration
		want    time.Duration
		playing bool
	}{
		{"as said", PlayerBuffer{Cached: 8 * time.Second, Playing: true}, 0, 8 * time.Second, true},
		{"less what played since", PlayerBuffer{Cached: 8 * time.Second, Playing: true}, 3 * time.Second, 5 * time.Second, true},
		{"never below zero", PlayerBuffer{Cached: 2 * time.Second, Playing: true}, 3 * time.Second, 0, true},
		{"paused: kept", PlayerBuffer{Cached: 8 * time.Second}, 3 * time.Second, 8 * time.Second, false},
	}
	for _, c := range cases {
		c.said.At = fake.Now()
		h.relay.SetPlayerBuffer(c.said)
		fake.Advance(c.advance)
		in := h.relay.abrInput(ladder, 1, host, 2*time.Second, abr.Bounds{})
		if in.Buffer != c.want || in.Playing != c.playing {
			t.Errorf("%s: buffer %v playing %v, want %v %v", c.name, in.Buffer, in.Playing, c.want, c.playing)
		}
	}
	if got := h.relay.abandonEstimate(host); got != 0 {
		t.Errorf("abandonEstimate of a host never measured = %v", got)
	}
	// 8 Mbit/s for 10 s, then a second with nothing: the estimate still
	// says megabits, the last window nothing.
	done := h.relay.meter.Begin(meterKey(host))
	defer done()
	for range 100 {
		fake.Advance(100 * time.Millisecond)
		h.relay.meter.Add(meterKey(host), 100_000)
	}
	if got := h.relay.abandonEstimate(host); got < 7e6 || got > 9e6 {
		t.Errorf("abandonEstimate at a steady 8 Mbit/s = %.0f", got)
	}
	fake.Advance(time.Second)
	if est, _ := h.relay.Throughput(host); est < 4e6 {
		t.Errorf("Throughput after a 1 s stall = %.0f: the fast average fell too far", est)
	}
	if got := h.relay.abandonEstimate(host); got != 1 {
		t.Errorf("abandonEstimate after a 1 s stall = %.0f, want 1 (the last window: nothing)", got)
	}
}
