package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"clusterplay/loopback"
)

// Section 7, `throughput`: the relay's own throughput. `clusterplay relay`
// moves a 200 MB file from an in-memory loopback host (http.ServeContent
// over the bytes) to a Go client that discards it, in transfers that
// alternate with the same client reading the host directly; the best of
// each kind is what this machine can do when the other engineers' load
// leaves it alone, and their ratio is the relay's cost. The relay's peak
// memory comes from /proc while it runs.

const (
	bigSize = 200 << 20

	// throughputTransfers is how many transfers of each kind one
	// measurement alternates: the "best of 5".
	throughputTransfers = 5

	// throughputMeasurements is how many measurements, each with its own
	// relay process, the section makes in a row, to show the spread.
	throughputMeasurements = 2

	relayRSSEvery = 20 * time.Millisecond
)

// throughputRun is one measurement: the best of its alternating transfers.
type throughputRun struct {
	relayMBs, directMBs float64 // the best transfer of each kind
	rssMB               float64 // peak VmRSS of the relay process
	anonMB              float64
	cpuMs               float64 // the relay's CPU time (user + system) per relayed transfer
}

func (r throughputRun) ratio() float64 { return r.relayMBs / r.directMBs }

// relayThroughput starts `clusterplay relay` for host and alternates
// transfers of the 200 MB file through it and straight from host, the
// relay's memory sampled all the while.
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
	_, cpu0, err := cpuTicks(c.cmd.Process.Pid)
	if err != nil {
		return r, err
	}
	for i := range throughputTransfers {
		relayed, err := fetchRate(listening.URL + "big.bin")
		if err != nil {
			return r, fmt.Errorf("through the relay: %w", err)
		}
		direct, err := fetchRate(host + "/big.bin")
		if err != nil {
			return r, fmt.Errorf("from the host: %w", err)
		}
		b.logf("throughput: transfer %d/%d: relayed %.0f MB/s, direct %.0f MB/s", i+1, throughputTransfers, relayed, direct)
		r.relayMBs, r.directMBs = max(r.relayMBs, relayed), max(r.directMBs, direct)
	}
	// The relay idles while the host is read directly: what it spent is
	// the relayed transfers'.
	_, cpu1, err := cpuTicks(c.cmd.Process.Pid)
	if err != nil {
		return r, err
	}
	r.cpuMs = float64(cpu1-cpu0) * 1000 / clockTicks / throughputTransfers
	_, rss, anon, _, _ := c.peak.get()
	r.rssMB, r.anonMB = float64(rss)/1024, float64(anon)/1024
	return r, nil
}

// discard is io.Discard without its ReadFrom, which would read in 8 KiB
// pieces whatever buffer the copy is given.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// fetchBuffer is what the client reads at once: as a player's demuxer
// does, in large reads, so the client's own system calls weigh little
// beside the host's and the relay's.
const fetchBuffer = 1 << 20

// fetchRate GETs url to the end and returns MB/s (10^6 bytes).
func fetchRate(url string) (float64, error) {
	began := time.Now()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.CopyBuffer(discard{}, resp.Body, make([]byte, fetchBuffer))
	el := time.Since(began)
	if err != nil {
		return 0, err
	}
	if n != bigSize {
		return 0, fmt.Errorf("%d bytes of %d", n, bigSize)
	}
	return float64(n) / el.Seconds() / 1e6, nil
}

// benchThroughput makes the section's measurements, each with a fresh
// relay process, on one in-memory host.
func (b *bench) benchThroughput() ([]row, error) {
	big := make([]byte, bigSize)
	for i := range big {
		big[i] = byte(i * 7)
	}
	host, err := loopback.Good(map[string][]byte{"big.bin": big})
	if err != nil {
		return nil, err
	}
	defer host.Close()
	var runs []throughputRun
	for m := range throughputMeasurements {
		b.logf("throughput: measurement %d/%d, best of %d alternating transfers", m+1, throughputMeasurements, throughputTransfers)
		r, err := b.relayThroughput(host.URL)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return throughputRows(runs), nil
}

func throughputRows(runs []throughputRun) []row {
	col := func(f func(throughputRun) float64) summary {
		var xs []float64
		for _, r := range runs {
			xs = append(xs, f(r))
		}
		return summarize(xs)
	}
	rate, direct := col(func(r throughputRun) float64 { return r.relayMBs }), col(func(r throughputRun) float64 { return r.directMBs })
	ratio := col(throughputRun.ratio)
	rss, anon := col(func(r throughputRun) float64 { return r.rssMB }), col(func(r throughputRun) float64 { return r.anonMB })
	cpu := col(func(r throughputRun) float64 { return r.cpuMs })
	numRow := func(what string, s summary, decimals int, target string, ok *bool, note string) row {
		return row{sec: "7", what: what, value: fmtNum(s.median, decimals), spread: fmtSpreadNum(s, decimals), n: fmt.Sprint(s.n),
			target: target, ok: ok, note: note}
	}
	best := fmt.Sprintf("best of %d transfers alternating with the next row's, one relay process per measurement; spread over %d measurements in a row", throughputTransfers, len(runs))
	return []row{
		numRow("relay throughput, 200 MB file (MB/s)", rate, 0, "", nil,
			"`clusterplay relay` between an in-memory loopback host and a Go client that discards the body, all on the 2 cores; "+best),
		numRow("loopback host alone, 200 MB file (MB/s)", direct, 0, "", nil, "the same client reading the host directly: the ceiling on this machine; "+best),
		numRow("relay throughput ÷ host alone", ratio, 2, "≥ 0.9", check(ratio.n > 0 && ratio.min >= 0.9),
			fmt.Sprintf("worst measurement judged; the best relayed transfer over the best direct one of the same measurement (%s)", fmtSpreadNum(ratio, 2))),
		numRow("relay CPU time per 200 MB relayed (ms)", cpu, 0, "", nil,
			"user + system time of the relay process over its transfers, the kernel's share of the copying included: the relay's cost, which the other engineers' load moves less than the rates"),
		numRow("relay peak RSS while moving 200 MB (MB)", rss, 1, "< 40 MB", check(rss.n > 0 && rss.max < 40),
			fmt.Sprintf("worst measurement judged; VmRSS sampled every 20 ms and the last VmHWM, over all %d relayed transfers; RssAnon (the process's own) %s MB", throughputTransfers, fmtNum(anon.median, 1))),
	}
}
