package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"clusterplay/assets"
	"clusterplay/cluster"
	"clusterplay/loopback"
)

// scaleRun is one --print-url resolution over a large cluster.
type scaleRun struct {
	resolveMS     float64 // resolved event's elapsed_ms
	wallMS        float64 // process start to exit
	maxConcurrent int     // most attempts in flight at once, from the events
	attempts      int     // connect events
	sockets       int     // peak socket descriptors in /proc/PID/fd
	rssKB         int64   // peak resident memory
	anonKB        int64   // peak RssAnon: the process's own memory
	fileKB        int64   // peak RssFile: mapped shared libraries
	samples       int     // /proc samples taken
	winner        int

	// Where the time goes, from the events' own timestamps: when the
	// winner's attempt began (after the first connect), and how far timed
	// out attempts overran the connect timeout.
	winnerStartMS float64
	overrunMS     float64 // median over the timed-out attempts
}

// scaleSet is the runs of one cluster shape.
type scaleSet struct {
	name    string
	hosts   int
	timeout time.Duration
	runs    []scaleRun
}

type scaleResult struct {
	hang, refused scaleSet
	parallel      int // hang runs run side by side
}

// writeConfig writes a clusterplay config file listing urls as hosts, so
// that a thousand hosts do not make a thousand-flag command line.
func (b *bench) writeConfig(name string, urls []string) (string, error) {
	var sb strings.Builder
	sb.WriteString("hosts:\n")
	for _, u := range urls {
		fmt.Fprintf(&sb, "  - %s\n", u)
	}
	path := filepath.Join(b.tmp, name)
	return path, os.WriteFile(path, []byte(sb.String()), 0o644)
}

// resolveAtScale runs clusterplay --print-url --json with --connect-count 1
// and the default race delay and max-inflight, sampling /proc throughout.
func (b *bench) resolveAtScale(config string, timeout time.Duration, limit time.Duration) (scaleRun, error) {
	args := []string{"--print-url", "--json", "--config", config, "--connect-count", "1",
		"--connect-timeout", timeout.String(), "--state-dir", b.stateDir(), assets.ClipName}
	c, err := startChild(b.bin, args, b.env, true)
	if err != nil {
		return scaleRun{}, err
	}
	defer c.stop(3 * time.Second)
	r := scaleRun{winner: -1}
	// In flight per the events: an attempt starts at connect and ends at
	// connect_failed, connect_cancelled or resolved. The engine emits them
	// from one goroutine in the order it books its slots, so this count is
	// the engine's own.
	inflight := map[int]bool{}
	var first time.Time
	connectAt := map[int]time.Time{}
	var overruns []float64
	deadline := time.Now().Add(limit)
	for {
		l, ok := c.next(deadline)
		if !ok {
			break
		}
		e, ok := parseEvent(l)
		if !ok {
			continue
		}
		switch e.Event {
		case "connect":
			if first.IsZero() {
				first = e.stamp()
			}
			connectAt[e.index()] = e.stamp()
			r.attempts++
			inflight[e.index()] = true
			r.maxConcurrent = max(r.maxConcurrent, len(inflight))
		case "connect_failed", "connect_cancelled":
			delete(inflight, e.index())
			if e.Class == "timeout" {
				overruns = append(overruns, e.elapsed()-ms(timeout))
			}
		case "resolved":
			delete(inflight, e.index())
			r.resolveMS, r.winner = e.elapsed(), e.index()
			r.winnerStartMS = ms(connectAt[e.index()].Sub(first))
		}
	}
	if !c.waitExit(time.Until(deadline)) {
		return r, fmt.Errorf("clusterplay did not finish within %s", limit)
	}
	if r.winner < 0 {
		return r, fmt.Errorf("no resolved event (%v); stderr: %s", c.waitErr, c.stderr)
	}
	r.wallMS = ms(c.exitAt.Sub(c.started))
	r.sockets, r.rssKB, r.anonKB, r.fileKB, r.samples = c.peak.get()
	r.overrunMS = median(overruns)
	return r, nil
}

// benchScale is section 2. Section 1's slow plain-mpv side runs, if any,
// run beside its 100-host runs.
func (b *bench) benchScale(t *trio, side []*sideRun) (*scaleResult, error) {
	timeout := cluster.DefaultConnectTimeout
	if b.quick {
		// 33 rounds of 2 s would take the whole quick budget.
		timeout = 500 * time.Millisecond
	}
	res := &scaleResult{
		hang:    scaleSet{name: "99 hang + 1 good", hosts: 100, timeout: timeout},
		refused: scaleSet{name: "999 refused + 1 good", hosts: 1000, timeout: cluster.DefaultConnectTimeout},
	}

	good, err := loopback.Good(map[string][]byte{assets.ClipName: assets.Clip})
	if err != nil {
		return nil, err
	}
	defer good.Close()
	if err := b.scaleHang(res, good.URL, t, side); err != nil {
		return nil, err
	}
	if err := b.scaleRefused(res, good.URL); err != nil {
		return nil, err
	}
	return res, nil
}

// scaleHang runs the 100-host set, 99 hanging hosts and the good one last,
// with the side runs beside it, and closes its hosts when done.
func (b *bench) scaleHang(res *scaleResult, goodURL string, t *trio, side []*sideRun) error {
	timeout := res.hang.timeout
	var hangs []*loopback.Host
	defer func() {
		for _, h := range hangs {
			h.Close()
		}
	}()
	urls := make([]string, 0, 100)
	for range 99 {
		h, err := loopback.Hang()
		if err != nil {
			return fmt.Errorf("hang host %d: %w", len(hangs), err)
		}
		hangs = append(hangs, h)
		urls = append(urls, h.URL)
	}
	cfg, err := b.writeConfig("hang100.yaml", append(urls, goodURL))
	if err != nil {
		return err
	}

	// Each 100-host run spends its ~66 s waiting on connect timeouts and
	// costs almost no CPU, so the repetitions run side by side instead of
	// one after another: 3 runs in the time of 1, within the time budget.
	res.parallel = min(b.reps, 3)
	b.logf("section 2: 100 hosts (99 hang), %d runs side by side, connect timeout %s", res.parallel, timeout)
	limit := time.Duration(float64(hangFloor(99, timeout))*1.5) + 10*time.Second
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for range res.parallel {
		wg.Go(func() {
			r, err := b.resolveAtScale(cfg, timeout, limit)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			res.hang.runs = append(res.hang.runs, r)
		})
	}
	if t != nil {
		for _, sr := range side {
			// A fresh refused port, taken now that every listener of this
			// section exists, so none of the 99 can have landed on it.
			refused, err := loopback.Refused()
			if err != nil {
				wg.Wait()
				return err
			}
			wg.Go(func() {
				err := sr.run(b, t, refused)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", sr.what, err))
				}
			})
		}
	}
	wg.Wait()
	if len(errs) > 0 {
		return fmt.Errorf("100-host scale run: %v", errs[0])
	}
	return nil
}

// scaleRefused runs the 1000-host set: 999 refused ports, the good host
// last. No listener is created from here on, so the ports stay refused.
func (b *bench) scaleRefused(res *scaleResult, goodURL string) error {
	urls := make([]string, 0, 1000)
	for range 999 {
		u, err := loopback.Refused()
		if err != nil {
			return err
		}
		urls = append(urls, u)
	}
	cfg, err := b.writeConfig("refused1000.yaml", append(urls, goodURL))
	if err != nil {
		return err
	}
	for rep := 0; rep < b.reps; rep++ {
		b.logf("section 2: 1000 hosts (999 refused), run %d/%d", rep+1, b.reps)
		r, err := b.resolveAtScale(cfg, cluster.DefaultConnectTimeout, 60*time.Second)
		if err != nil {
			return fmt.Errorf("1000-host scale run: %w", err)
		}
		res.refused.runs = append(res.refused.runs, r)
	}
	return nil
}

// hangFloor is the best any engine limited to maxInflight attempts can do
// over n silent hosts: ceil(n/3) rounds of a full connect timeout.
func hangFloor(n int, timeout time.Duration) time.Duration {
	return time.Duration(math.Ceil(float64(n)/float64(cluster.DefaultMaxInflight))) * timeout
}

func (s scaleSet) column(f func(scaleRun) float64) summary {
	xs := make([]float64, 0, len(s.runs))
	for _, r := range s.runs {
		xs = append(xs, f(r))
	}
	return summarize(xs)
}

func (res *scaleResult) rows() []row {
	var rows []row
	h, r := res.hang, res.refused
	floor := hangFloor(99, h.timeout)
	serial := 99 * h.timeout
	maxIn := float64(cluster.DefaultMaxInflight)

	hRes := h.column(func(x scaleRun) float64 { return x.resolveMS })
	hConc := h.column(func(x scaleRun) float64 { return float64(x.maxConcurrent) })
	par := fmt.Sprintf("%d runs side by side; --connect-timeout %s, --connect-count 1, max-inflight 3, race 250 ms", res.parallel, h.timeout)
	rows = append(rows,
		msRow("2", h.name+": resolve", hRes, fmt.Sprintf("≤ ceil(99/3) × %s = %s", h.timeout, fmtMS(ms(floor))),
			check(hRes.n > 0 && hRes.max <= 1.01*ms(floor)), fmt.Sprintf("%s over the floor (worst run), judged within 1%%: the floor assumes a timeout costs nothing past itself; %s", fmtMS(hRes.max-ms(floor)), par)),
		msRow("2", h.name+": wall time (process)", h.column(func(x scaleRun) float64 { return x.wallMS }), "", nil,
			fmt.Sprintf("good host's attempt began %s after the first connect; a timed-out attempt overran the timeout by %s (medians, event timestamps)",
				fmtMS(h.column(func(x scaleRun) float64 { return x.winnerStartMS }).median), fmtMS(h.column(func(x scaleRun) float64 { return x.overrunMS }).median))),
		row{sec: "2", what: h.name + ": most attempts at once (events)", value: fmtNum(hConc.max, 0), spread: fmtSpreadNum(hConc, 0), n: fmt.Sprint(hConc.n),
			target: "never > max-inflight = 3", ok: check(hConc.n > 0 && hConc.max <= maxIn), note: "connect vs connect_failed / connect_cancelled / resolved"},
		numRow("2", h.name+": peak sockets (/proc/PID/fd)", h.column(func(x scaleRun) float64 { return float64(x.sockets) }), 0, "", nil, "sampled every 2 ms"),
		numRow("2", h.name+": peak RSS (MB)", h.column(func(x scaleRun) float64 { return float64(x.rssKB) / 1024 }), 1, "", nil, "max of VmRSS samples and last VmHWM; "+h.rssSplit()),
		row{sec: "2", what: "floor: ceil(99/3) × connect timeout", value: fmtMS(ms(floor)), n: "computed", note: "3 at a time, every silent host costs a full timeout"},
		row{sec: "2", what: "one at a time: 99 × connect timeout", value: fmtMS(ms(serial)), n: "computed", note: "the original plugin's sequence (--race-delay off)"},
	)
	rRes := r.column(func(x scaleRun) float64 { return x.resolveMS })
	rRSS := r.column(func(x scaleRun) float64 { return float64(x.rssKB) / 1024 })
	rConc := r.column(func(x scaleRun) float64 { return float64(x.maxConcurrent) })
	rows = append(rows,
		msRow("2", r.name+": resolve", rRes, "well under 1 s (≤ 500 ms)", check(rRes.n > 0 && rRes.median <= 500),
			fmt.Sprintf("%.0f µs per refused host", 1000*rRes.median/999)),
		msRow("2", r.name+": wall time (process)", r.column(func(x scaleRun) float64 { return x.wallMS }), "", nil, "includes writing 1000 hosts' failure memory"),
		row{sec: "2", what: r.name + ": most attempts at once (events)", value: fmtNum(rConc.max, 0), spread: fmtSpreadNum(rConc, 0), n: fmt.Sprint(rConc.n), target: "never > 3", ok: check(rConc.n > 0 && rConc.max <= maxIn)},
		numRow("2", r.name+": peak sockets (/proc/PID/fd)", r.column(func(x scaleRun) float64 { return float64(x.sockets) }), 0, "", nil, ""),
		numRow("2", r.name+": peak RSS (MB)", rRSS, 1, "< 50 MB", check(rRSS.n > 0 && rRSS.max < 50), "worst run judged; "+r.rssSplit()),
	)
	return rows
}

func numRow(sec, what string, s summary, decimals int, target string, ok *bool, note string) row {
	return row{sec: sec, what: what, value: fmtNum(s.median, decimals), spread: fmtSpreadNum(s, decimals), n: fmt.Sprint(s.n), target: target, ok: ok, note: note}
}

// rssSplit tells the process's own memory from mapped library pages, which
// a cgo binary linked against libmpv carries even when it never plays.
func (s scaleSet) rssSplit() string {
	anon := s.column(func(x scaleRun) float64 { return float64(x.anonKB) / 1024 })
	file := s.column(func(x scaleRun) float64 { return float64(x.fileKB) / 1024 })
	return fmt.Sprintf("RssAnon %s MB, RssFile %s MB (peaks, medians)", fmtNum(anon.median, 1), fmtNum(file.median, 1))
}
