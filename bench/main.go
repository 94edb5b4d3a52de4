// Command bench measures clusterplay against real loopback hosts and plain
// mpv, and prints one markdown table:
//
//	go run ./bench            # full run, about 10 minutes on 2 cores
//	go run ./bench -quick     # 3 repetitions, 0.5 s timeouts at scale
//	go run ./bench -o bench.md
//
// It builds the clusterplay binary once, then times the real binary as a
// user runs it: separate processes, real sockets on 127.0.0.1, real libmpv.
// Sections 5 and 6 build the engine, relay, player and session in process
// with the program's own builder (app.Build), to read the player's
// position every 2 ms.
// Sections: 1 resolve and first frame, 2 scale, 3 load spread, 4 failover
// (--relay=off), 5 the serving host killed or silent with and without the
// relay, 6 the same for HLS over three hosts, 7 the relay's overhead and
// its throughput, 8 live RTMP, 9 the picture pane in a terminal, 10 fault
// plans, 11 adaptive bitrate over a throttled link.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"clusterplay/cluster"
)

// bench holds what every section shares.
type bench struct {
	bin, mpv   string // clusterplay binary (built here) and mpv
	tmp        string // scratch directory, removed at the end
	marker     string // mpv Lua script printing PLAYING on the first frame
	env        []string
	reps       int
	quick      bool
	runTimeout time.Duration // bound on any single run up to its first frame

	mu   sync.Mutex
	dirs int
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

// stateDir returns a fresh, empty --state-dir, so a cold run starts with no
// failure memory at all.
func (b *bench) stateDir() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.dirs++
	return filepath.Join(b.tmp, fmt.Sprintf("state-%03d", b.dirs))
}

func main() {
	reps := flag.Int("reps", 0, "repetitions per measurement (default 7, or 3 with -quick)")
	quick := flag.Bool("quick", false, "about a minute: 3 repetitions, 100-host scale run at --connect-timeout 500ms, no slow plain-mpv side runs")
	out := flag.String("o", "", "also write the table to this `file`")
	only := flag.String("only", "", "comma-separated sections to run: resolve, scale, spread, failover, relayfail, hls, overhead, throughput, live, pane, faults, abr (default all)")
	bin := flag.String("bin", "", "measure this clusterplay `binary` instead of building one, e.g. an older commit's for a before/after (relayfail and hls run in process and measure this tree regardless)")
	flag.Parse()
	if *reps <= 0 {
		*reps = 7
		if *quick {
			*reps = 3
		}
	}
	began := time.Now()
	table, err := run(*reps, *quick, sections(*only), *bin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	fmt.Print(table)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(table), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
	}
	fmt.Fprintf(os.Stderr, "bench: done in %s\n", time.Since(began).Round(time.Second))
}

func sections(only string) map[string]bool {
	all := map[string]bool{"resolve": true, "scale": true, "spread": true, "failover": true,
		"relayfail": true, "hls": true, "overhead": true, "throughput": true, "live": true, "pane": true, "faults": true, "abr": true}
	if only == "" {
		return all
	}
	picked := map[string]bool{}
	for _, s := range strings.Split(only, ",") {
		if s = strings.TrimSpace(s); all[s] {
			picked[s] = true
		}
	}
	return picked
}

func run(reps int, quick bool, want map[string]bool, bin string) (string, error) {
	mpv, err := exec.LookPath("mpv")
	if err != nil {
		return "", fmt.Errorf("mpv not found (apt-get install mpv): %w", err)
	}
	tmp, err := os.MkdirTemp("", "clusterplay-bench-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	loadBefore := loadAverage()
	b, err := newBench(mpv, tmp, reps, quick, bin)
	if err != nil {
		return "", err
	}
	rows, err := b.runSections(want)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s; load average (1, 5, 15 min) %s at the start, %s at the end\n\n", machine(mpv), loadBefore, loadAverage())
	mode := "full run"
	if quick {
		mode = "-quick run"
	}
	fmt.Fprintf(&sb, "clusterplay bench, %s, %d repetitions (median; spread = min – max).\n\n", mode, reps)
	writeTable(&sb, rows)
	return sb.String(), nil
}

// newBench sets a run up in tmp: mpv's marker script, the children's
// environment, and the binary (bin, or built into tmp when bin is "").
func newBench(mpv, tmp string, reps int, quick bool, bin string) (*bench, error) {
	b := &bench{mpv: mpv, tmp: tmp, reps: reps, quick: quick, runTimeout: 20 * time.Second,
		bin: filepath.Join(tmp, "clusterplay"), marker: filepath.Join(tmp, "marker.lua")}
	if err := os.WriteFile(b.marker, []byte(mpvMarker), 0o644); err != nil {
		return nil, err
	}
	// The children get their own XDG directories, so neither a user's
	// clusterplay config nor their failure memory can leak into a run.
	b.env = append(os.Environ(), "XDG_CONFIG_HOME="+filepath.Join(tmp, "xdg-config"), "XDG_STATE_HOME="+filepath.Join(tmp, "xdg-state"))
	if bin != "" {
		b.bin = bin
		return b, nil
	}
	b.logf("building clusterplay")
	return b, build(b.bin)
}

// runSections runs the sections wanted, in order, and returns their rows.
func (b *bench) runSections(want map[string]bool) ([]row, error) {
	rows, err := b.resolveAndScale(want)
	if err != nil {
		return nil, err
	}
	if want["spread"] {
		b.logf("section 3: load spread")
		rows = append(rows, spreadRows(benchSpread(b.reps))...)
	}
	for _, s := range []struct {
		name, what string
		run        func() ([]row, error)
	}{
		{"failover", "section 4: failover during playback", func() ([]row, error) {
			fs, err := b.benchFailover()
			if err != nil {
				return nil, err
			}
			return fs.rows(), nil
		}},
		{"relayfail", "section 5: the serving host killed or silent, relay on and off", b.benchRelayFailover},
		{"hls", "section 6: HLS over 3 hosts, the serving one killed", b.benchHLS},
		{"overhead", "section 7: the relay's overhead", b.benchOverhead},
		{"throughput", "section 7: the relay's throughput", b.benchThroughput},
		{"live", "section 8: live RTMP, first frame and rejoin", b.benchLive},
		{"pane", fmt.Sprintf("section 9: the picture pane at %dx%d", paneCols, paneRows), func() ([]row, error) {
			ps, err := b.benchPane()
			if err != nil {
				return nil, err
			}
			return ps.rows(), nil
		}},
		{"faults", "section 10: fault plans through the relay", b.benchFaultPlans},
		{"abr", "section 11: adaptive bitrate over a throttled link", b.benchABR},
	} {
		if !want[s.name] {
			continue
		}
		b.logf("%s, %d repetitions", s.what, b.reps)
		r, err := s.run()
		if err != nil {
			return nil, err
		}
		rows = append(rows, r...)
	}
	return rows, nil
}

// resolveAndScale runs sections 1 and 2, which share the three hosts
// they resolve on; the slow plain-mpv runs go beside the 100-host scale
// runs (see sideRun), and -quick skips them.
func (b *bench) resolveAndScale(want map[string]bool) ([]row, error) {
	var t *trio
	var rs *resolveSamples
	if want["resolve"] {
		var err error
		if t, err = newTrio(); err != nil {
			return nil, err
		}
		defer t.close()
		b.logf("section 1: resolve and first frame, %d repetitions", b.reps)
		if rs, err = b.benchResolve(t); err != nil {
			return nil, err
		}
	}
	side := sideRuns()
	var scaleRows []row
	if want["scale"] {
		var besides []*sideRun
		if want["resolve"] && !b.quick {
			besides = side
		}
		sr, err := b.benchScale(t, besides)
		if err != nil {
			return nil, err
		}
		scaleRows = sr.rows()
	}
	var rows []row
	if rs != nil {
		rows = append(rows, resolveRows(rs, side, ms(cluster.DefaultRaceDelay))...)
	}
	return append(rows, scaleRows...), nil
}

// build compiles the module's main package once; every run then measures
// the same binary without go run's compile-and-cache check in its timings.
func build(bin string) error {
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	return nil
}

// machine names the machine the numbers come from, in one line.
func machine(mpv string) string {
	first := func(name string, args ...string) string {
		out, err := exec.Command(name, args...).Output()
		if err != nil {
			return "?"
		}
		line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		return line
	}
	cpu := "?"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	// "mpv 0.35.1 Copyright © 2000-2023 ..." -> "mpv 0.35.1"
	fields := strings.Fields(first(mpv, "--version"))
	mpvVersion := strings.Join(fields[:min(2, len(fields))], " ")
	return fmt.Sprintf("Machine: %s; CPU %s; nproc %s; %s; %s; %s",
		first("uname", "-srm"), cpu, first("nproc"), runtime.Version(), mpvVersion,
		time.Now().Format("2006-01-02 15:04:05 MST"))
}

// loadAverage is /proc/loadavg's first three fields: how busy the shared
// machine was, which the numbers depend on.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], ", ")
}

// row is one line of the table. ok is nil when the measurement has no
// target; n is a string so computed figures can say "computed".
type row struct {
	sec, what, value, spread, n, target string
	ok                                  *bool
	note                                string
}

func check(ok bool) *bool { return &ok }

func msRow(sec, what string, s summary, target string, ok *bool, note string) row {
	return row{sec: sec, what: what, value: fmtMS(s.median), spread: fmtSpreadMS(s), n: fmt.Sprint(s.n), target: target, ok: ok, note: note}
}

func writeTable(w io.Writer, rows []row) {
	cell := func(s string) string {
		if s == "" {
			return " "
		}
		return strings.ReplaceAll(s, "|", "\\|")
	}
	fmt.Fprintln(w, "| § | measurement | median | spread | n | target | ✓/✗ | note |")
	fmt.Fprintln(w, "| --- | --- | ---: | --- | ---: | --- | :---: | --- |")
	for _, r := range rows {
		mark := ""
		if r.ok != nil {
			mark = "✗"
			if *r.ok {
				mark = "✓"
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
			cell(r.sec), cell(r.what), cell(r.value), cell(r.spread), cell(r.n), cell(r.target), cell(mark), cell(r.note))
	}
}

// countRow is a row of whole counts.
func countRow(sec, what string, s summary, note string) row {
	return row{sec: sec, what: what, value: fmtNum(s.median, 0), spread: fmtNum(s.min, 0) + " – " + fmtNum(s.max, 0),
		n: fmt.Sprint(s.n), note: note}
}
