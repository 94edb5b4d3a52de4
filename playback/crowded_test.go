package playback

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
	"clusterplay/player"
	"clusterplay/relay"
)

// TestCrowdedRelayBlamesNoHost: another local client holds the session's
// relay full, so the relay turns connections away; the player's failure
// then fails over without marking the serving host failed. With a relay
// that turned nobody away, the same failure blames the host.
func TestCrowdedRelayBlamesNoHost(t *testing.T) {
	for _, crowded := range []bool{true, false} {
		serving := hosttest.Keep(t)(loopback.Good(clip))
		backup := hosttest.Keep(t)(loopback.Good(clip))
		h := startFake(t, []string{serving.URL, backup.URL}, Options{})
		r, err := relay.Start(relay.Options{Engine: h.engine, Bus: h.engine.Events(), Token: relay.NewToken()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		h.sess = New(h.engine, h.player, Options{Clip: assets.ClipName, Relay: r})
		if crowded {
			fillRelay(t, r.Addr().String())
		}
		wait := h.runAside(t, context.Background())
		first := h.fake.nextLoad()
		if first.url != r.URL(assets.ClipName) {
			t.Fatalf("first load %+v, want the relay's URL", first)
		}
		h.begin(first)
		h.play(2 * time.Second)
		h.fail(player.ReasonError)
		second := h.fake.nextLoad()
		h.begin(second)
		h.playToTheEnd()
		out, evs := wait()
		if out != Played {
			t.Fatalf("crowded=%v: outcome %v; evs:\n%s", crowded, out, describe(evs))
		}
		failed := only(evs, events.HostFailed)
		rec, _ := h.mem.Record(serving.URL)
		if crowded && (len(failed) != 0 || !rec.FailedAt.IsZero()) {
			t.Errorf("a crowded relay blamed the host: %+v", failed)
		}
		if !crowded && (len(failed) != 1 || rec.FailedAt.IsZero()) {
			t.Errorf("a relay that turned nobody away: host_failed %+v, want the serving host blamed", failed)
		}
	}
}

// fillRelay holds as many connections as the relay accepts, at once
// (its header timeout would free the first ones of a slow filling), then
// dials until one is closed at accept.
func fillRelay(t *testing.T, addr string) {
	t.Helper()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	for range 64 {
		dial()
	}
	for range 20 {
		c := dial()
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err == io.EOF {
			return // turned away: the relay is full
		}
	}
	t.Fatal("the relay never turned a connection away")
}
