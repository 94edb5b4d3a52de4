package main

import (
	"fmt"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
)

// Section 7: what the relay costs. The first frame through the relay
// against --relay=off, with the failure memory warm; the relay's own
// throughput is the `throughput` section (throughput.go).

// ttff are first-frame times of one mode: from process start, and from
// the `resolved` event (the events' own stamps), which leaves out the
// process's start-up, the same with and without the relay.
type ttff struct{ process, load []float64 }

// overheadTTFF times the first frame from one good host, through the
// relay and directly, alternating so both see the same machine.
func (b *bench) overheadTTFF(good string) (relayed, direct ttff, err error) {
	state := map[bool]string{true: b.stateDir(), false: b.stateDir()}
	once := func(on bool) (process, load float64, err error) {
		args := []string{"--json", "--no-video", "--no-mpv-config", "--state-dir", state[on], "--host", good}
		if !on {
			args = append(args, "--relay=off")
		}
		c, err := startChild(b.bin, append(args, assets.ClipName), b.env, false)
		if err != nil {
			return 0, 0, err
		}
		defer c.stop(3 * time.Second)
		res, seen, err := c.untilEvent("resolved", time.Now().Add(b.runTimeout), nil)
		if err != nil {
			return 0, 0, err
		}
		st, _, err := c.untilEvent("start", time.Now().Add(b.runTimeout), seen)
		if err != nil {
			return 0, 0, err
		}
		return ms(st.at.Sub(c.started)), ms(st.stamp().Sub(res.stamp())), nil
	}
	// One run each to warm the failure memory (and the page cache).
	for _, on := range []bool{true, false} {
		if _, _, err := once(on); err != nil {
			return ttff{}, ttff{}, err
		}
	}
	for rep := 0; rep < b.reps; rep++ {
		b.logf("overhead: first frame, repetition %d/%d", rep+1, b.reps)
		for _, on := range []bool{true, false} {
			process, load, err := once(on)
			if err != nil {
				return ttff{}, ttff{}, fmt.Errorf("first frame, relay %v: %w", on, err)
			}
			t := &direct
			if on {
				t = &relayed
			}
			t.process, t.load = append(t.process, process), append(t.load, load)
		}
	}
	return relayed, direct, nil
}

func (b *bench) benchOverhead() ([]row, error) {
	good, err := loopback.Good(map[string][]byte{assets.ClipName: assets.Clip})
	if err != nil {
		return nil, err
	}
	defer good.Close()
	relayed, direct, err := b.overheadTTFF(good.URL)
	if err != nil {
		return nil, err
	}
	return overheadRows(relayed, direct), nil
}

func overheadRows(relayedT, directT ttff) []row {
	relayed, direct := summarize(relayedT.process), summarize(directT.process)
	relayedLoad, directLoad := summarize(relayedT.load), summarize(directT.load)
	ratio := relayed.median / direct.median
	return []row{
		msRow("7", "first frame through the relay (warm memory)", relayed, fmt.Sprintf("≤ 1.05 × direct = %s", fmtMS(1.05*direct.median)),
			check(ratio <= 1.05), fmt.Sprintf("%.3f× direct (medians); process start → `start` (--no-video), one good loopback host, runs alternating with the next row's", ratio)),
		msRow("7", "first frame direct, --relay=off (warm memory)", direct, "", nil, "the same, without the relay"),
		msRow("7", "`resolved` → `start` through the relay", relayedLoad, "", nil,
			fmt.Sprintf("%.3f× direct (medians): the load alone, from the events' own time stamps, without the process's start-up", relayedLoad.median/directLoad.median)),
		msRow("7", "`resolved` → `start` direct, --relay=off", directLoad, "", nil, "the same, without the relay"),
	}
}
