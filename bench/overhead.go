package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
)

// Section 7: what the relay costs. The first frame through the relay
// against --relay=off, with the failure memory warm; and the relay's own
// throughput, `clusterplay relay` moving a 200 MB file from a loopback
// host to a client on this machine, its memory read from /proc, beside
// the same host read directly.

const bigSize = 200 << 20

const relayRSSEvery = 20 * time.Millisecond

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

// throughputRun is one 200 MB transfer through `clusterplay relay`.
type throughputRun struct {
	relayMBs, directMBs float64
	rssMB               float64 // peak VmRSS of the relay process
	anonMB              float64
}

// relayThroughput starts `clusterplay relay` for host, reads the 200 MB
// file through it and straight from host, and samples the relay's memory.
func (b *bench) relayThroughput(host string) (throughputRun, error) {
	// Sampled every 20 ms, not 2: on 2 cores the sampler would take its
	// share from the transfer, and the peak is the kernel's VmHWM anyway.
	c, err := startSampled(b.bin, []string{"relay", "--json", "--state-dir", b.stateDir(), "--host", host}, b.env, relayRSSEvery)
	if err != nil {
		return throughputRun{}, err
	}
	defer c.stop(3 * time.Second)
	l, ok := c.next(time.Now().Add(b.runTimeout))
	var listening struct {
		Event, URL string
	}
	if !ok || json.Unmarshal([]byte(l.text), &listening) != nil || listening.Event != "listening" {
		return throughputRun{}, fmt.Errorf("clusterplay relay: no listening event (%q); stderr: %s", l.text, c.stderr)
	}
	go func() { // later events (fetch) are not read here: keep the pipe flowing
		for {
			if _, ok := c.next(time.Now().Add(time.Hour)); !ok {
				return
			}
		}
	}()
	var r throughputRun
	if r.relayMBs, err = fetchRate(listening.URL + "big.bin"); err != nil {
		return r, fmt.Errorf("through the relay: %w", err)
	}
	if r.directMBs, err = fetchRate(host + "/big.bin"); err != nil {
		return r, fmt.Errorf("from the host: %w", err)
	}
	_, rss, anon, _, _ := c.peak.get()
	r.rssMB, r.anonMB = float64(rss)/1024, float64(anon)/1024
	return r, nil
}

// fetchRate GETs url to the end and returns MB/s (10^6 bytes).
func fetchRate(url string) (float64, error) {
	began := time.Now()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	el := time.Since(began)
	if err != nil {
		return 0, err
	}
	if n != bigSize {
		return 0, fmt.Errorf("%d bytes of %d", n, bigSize)
	}
	return float64(n) / el.Seconds() / 1e6, nil
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
	big := make([]byte, bigSize)
	for i := range big {
		big[i] = byte(i * 7)
	}
	bigHost, err := loopback.Good(map[string][]byte{"big.bin": big})
	if err != nil {
		return nil, err
	}
	defer bigHost.Close()
	var runs []throughputRun
	for rep := 0; rep < b.reps; rep++ {
		b.logf("overhead: relay throughput, repetition %d/%d", rep+1, b.reps)
		r, err := b.relayThroughput(bigHost.URL)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return overheadRows(relayed, direct, runs), nil
}

func overheadRows(relayedT, directT ttff, runs []throughputRun) []row {
	relayed, direct := summarize(relayedT.process), summarize(directT.process)
	relayedLoad, directLoad := summarize(relayedT.load), summarize(directT.load)
	col := func(f func(throughputRun) float64) summary {
		var xs []float64
		for _, r := range runs {
			xs = append(xs, f(r))
		}
		return summarize(xs)
	}
	ratio := relayed.median / direct.median
	rate, upstream := col(func(r throughputRun) float64 { return r.relayMBs }), col(func(r throughputRun) float64 { return r.directMBs })
	rss, anon := col(func(r throughputRun) float64 { return r.rssMB }), col(func(r throughputRun) float64 { return r.anonMB })
	numRow := func(what string, s summary, decimals int, target string, ok *bool, note string) row {
		return row{sec: "7", what: what, value: fmtNum(s.median, decimals), spread: fmtSpreadNum(s, decimals), n: fmt.Sprint(s.n),
			target: target, ok: ok, note: note}
	}
	return []row{
		msRow("7", "first frame through the relay (warm memory)", relayed, fmt.Sprintf("≤ 1.05 × direct = %s", fmtMS(1.05*direct.median)),
			check(ratio <= 1.05), fmt.Sprintf("%.3f× direct (medians); process start → `start` (--no-video), one good loopback host, runs alternating with the next row's", ratio)),
		msRow("7", "first frame direct, --relay=off (warm memory)", direct, "", nil, "the same, without the relay"),
		msRow("7", "`resolved` → `start` through the relay", relayedLoad, "", nil,
			fmt.Sprintf("%.3f× direct (medians): the load alone, from the events' own time stamps, without the process's start-up", relayedLoad.median/directLoad.median)),
		msRow("7", "`resolved` → `start` direct, --relay=off", directLoad, "", nil, "the same, without the relay"),
		numRow("relay throughput, 200 MB file (MB/s)", rate, 0, "≥ 500 MB/s", check(rate.n > 0 && rate.median >= 500),
			fmt.Sprintf("`clusterplay relay` between a loopback host and a Go client in the bench process, all on the 2 cores; worst run %s MB/s", fmtNum(rate.min, 0))),
		numRow("loopback host alone, 200 MB file (MB/s)", upstream, 0, "", nil, "the same client reading the host directly: the ceiling on this machine"),
		numRow("relay peak RSS while moving 200 MB (MB)", rss, 1, "< 40 MB", check(rss.n > 0 && rss.max < 40),
			fmt.Sprintf("worst run judged; VmRSS sampled every 20 ms and the last VmHWM; RssAnon (the process's own) %s MB", fmtNum(anon.median, 1))),
	}
}
