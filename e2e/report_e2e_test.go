package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
	"clusterplay/report"
)

// tally is the report's numbers recomputed from a run's JSON lines, the
// way a script reading --json would, without package report's fold: the
// report must agree with it.
type tally struct {
	attempts, successes, cancelled, skips, from, to map[int]int
	failures                                        map[int]map[string]int
	latencies                                       map[int][]float64
	resolved, failed, stalls                        int
	failovers                                       map[string]int
	firstStart                                      time.Time
	stalledMS                                       float64
}

func tallyLines(t *testing.T, lines []map[string]any) tally {
	t.Helper()
	c := tally{attempts: map[int]int{}, successes: map[int]int{}, cancelled: map[int]int{}, skips: map[int]int{},
		from: map[int]int{}, to: map[int]int{}, failures: map[int]map[string]int{}, latencies: map[int][]float64{},
		failovers: map[string]int{}}
	connected := map[int]time.Time{}
	var state string
	var since time.Time
	for _, ev := range lines {
		at, err := time.Parse(time.RFC3339Nano, ev["ts"].(string))
		if err != nil {
			t.Fatal(err)
		}
		i := -1
		if f, ok := ev["index"].(float64); ok {
			i = int(f)
		}
		switch ev["event"] {
		case "connect":
			c.attempts[i]++
			connected[i] = at
		case "connect_failed":
			if c.failures[i] == nil {
				c.failures[i] = map[string]int{}
			}
			c.failures[i][ev["class"].(string)]++
			c.latencies[i] = append(c.latencies[i], ev["elapsed_ms"].(float64))
		case "connect_cancelled":
			c.cancelled[i]++
		case "skip":
			c.skips[i]++
		case "resolved":
			c.resolved++
			c.successes[i]++
			c.latencies[i] = append(c.latencies[i], float64(at.Sub(connected[i]).Microseconds())/1000)
		case "failed":
			c.failed++
		case "failover":
			c.failovers[ev["class"].(string)]++
			c.from[i]++
			c.to[int(ev["to_index"].(float64))]++
		case "start":
			if c.firstStart.IsZero() {
				c.firstStart = at
			}
		case "state":
			if state == "buffering" && !c.firstStart.IsZero() {
				c.stalledMS += float64(at.Sub(since).Microseconds()) / 1000
			}
			if ev["state"] == "buffering" && !c.firstStart.IsZero() {
				c.stalls++
			}
			state, since = ev["state"].(string), at
		}
	}
	return c
}

// near is the slack between a number of the report and the same number
// from the JSON lines: each rounds to the microsecond on its own, and the
// report measures on the monotonic clock, the lines' ts on the wall clock.
func near(a, b, slack float64) bool { return math.Abs(a-b) <= slack }

// checkAgrees holds a report to the JSON lines of the same run.
func checkAgrees(t *testing.T, doc report.Document, lines []map[string]any, code int) {
	t.Helper()
	c := tallyLines(t, lines)
	if doc.Format != report.DocumentFormat || doc.Totals.ExitCode != code {
		t.Errorf("format %q exit_code %d, want %q and %d", doc.Format, doc.Totals.ExitCode, report.DocumentFormat, code)
	}
	attempts := 0
	for _, h := range doc.Hosts {
		i := h.Index
		failures := c.failures[i]
		if failures == nil {
			failures = map[string]int{}
		}
		got := []int{h.Attempts, h.Successes, h.Cancelled, h.Skips, h.FailoversFrom, h.FailoversTo}
		want := []int{c.attempts[i], c.successes[i], c.cancelled[i], c.skips[i], c.from[i], c.to[i]}
		if !slices.Equal(got, want) || !reflect.DeepEqual(h.FailuresByClass, failures) {
			t.Errorf("host %d: attempts, successes, cancelled, skips, from, to %v, failures %v; the events say %v, %v",
				i, got, h.FailuresByClass, want, failures)
		}
		attempts += h.Attempts
		lat := slices.Sorted(slices.Values(c.latencies[i]))
		switch {
		case len(lat) == 0 && h.Latency != nil:
			t.Errorf("host %d: latency %+v with no attempt ended", i, *h.Latency)
		case len(lat) == 0:
		case h.Latency == nil:
			t.Errorf("host %d: no latency, the events give %v", i, lat)
		case h.Latency.N != len(lat) || !near(h.Latency.Max, lat[len(lat)-1], 0.002) ||
			!near(h.Latency.P50, lat[(len(lat)+1)/2-1], 0.002):
			t.Errorf("host %d: latency %+v, the events give %v", i, *h.Latency, lat)
		}
	}
	tt := doc.Totals
	if tt.Attempts != attempts || tt.Resolved != c.resolved || tt.Failed != c.failed || tt.Resolutions != c.resolved+c.failed {
		t.Errorf("totals %+v; the events say %d resolved, %d failed", tt, c.resolved, c.failed)
	}
	failovers := 0
	for _, n := range c.failovers {
		failovers += n
	}
	if tt.Failovers != failovers || !reflect.DeepEqual(tt.FailoversByClass, c.failovers) || tt.Stalls != c.stalls {
		t.Errorf("failovers %d %v, stalls %d; the events say %v, %d stalls", tt.Failovers, tt.FailoversByClass, tt.Stalls, c.failovers, c.stalls)
	}
	if !near(tt.TimeStalled, c.stalledMS, 0.01) {
		t.Errorf("time stalled %v ms, the events say %v", tt.TimeStalled, c.stalledMS)
	}
	began, err := time.Parse(time.RFC3339Nano, doc.StartedAt)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case c.firstStart.IsZero() && tt.TimeToFirstFrame != nil:
		t.Errorf("time to first frame %v with no start event", *tt.TimeToFirstFrame)
	case c.firstStart.IsZero():
	case tt.TimeToFirstFrame == nil:
		t.Errorf("no time to first frame, yet a start event")
	case !near(*tt.TimeToFirstFrame, float64(c.firstStart.Sub(began).Microseconds())/1000, 1):
		t.Errorf("time to first frame %v ms, first start %v after started_at %v", *tt.TimeToFirstFrame, c.firstStart.Sub(began), began)
	}
	if ended, err := time.Parse(time.RFC3339Nano, doc.EndedAt); err != nil || !near(tt.Duration, float64(ended.Sub(began).Microseconds())/1000, 1) {
		t.Errorf("duration %v ms, from %s to %s (%v)", tt.Duration, doc.StartedAt, doc.EndedAt, err)
	}
	if tt.DroppedEvents != 0 {
		t.Errorf("the report lost %d events", tt.DroppedEvents)
	}
}

func readReport(t *testing.T, data []byte) report.Document {
	t.Helper()
	var doc report.Document
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, data)
	}
	return doc
}

// TestReportAgreesWithTheEvents: a refused host, a host cut mid-clip and
// a good one; the report counts what the JSON lines of the same run show.
func TestReportAgreesWithTheEvents(t *testing.T) {
	refused := hosttest.Refused(t)
	cut := hosttest.Keep(t)(loopback.CutAfter(media, int64(len(assets.Clip)/3)))
	good := hosttest.Keep(t)(loopback.Good(media))
	file := filepath.Join(t.TempDir(), "report.json")
	// The refused host stays remembered through the failover, so the
	// failover goes from the cut host to the good one.
	code, lines := playJSON(t, nil, "--report", file, "--failure-expiry", "1m",
		"--host", refused, "--host", cut.URL, "--host", good.URL, assets.ClipName)
	if code != 0 {
		t.Fatalf("exit %d; events %v", code, lines)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("report: %s", data)
	doc := readReport(t, data)
	checkAgrees(t, doc, lines, 0)

	hosts := []string{refused, cut.URL, good.URL}
	for i, h := range doc.Hosts {
		if h.Host != hosts[i] || h.Index != i {
			t.Errorf("host %d is %q at %d, want %q", i, h.Host, h.Index, hosts[i])
		}
	}
	if len(doc.Hosts) != 3 || doc.Hosts[0].FailuresByClass["refused"] != 1 || doc.Hosts[1].FailoversFrom != 1 || doc.Hosts[2].FailoversTo != 1 {
		t.Errorf("hosts %+v", doc.Hosts)
	}
	tt := doc.Totals
	// Through the relay the cut host is left mid-body (class reset); with
	// --relay=off it would be the player's early end of file.
	if tt.Resolutions != 2 || tt.Failovers != 1 || tt.FailoversByClass["reset"]+tt.FailoversByClass["early_eof"] != 1 || tt.End != "eof" || tt.TimeToFirstFrame == nil {
		t.Errorf("totals %+v", tt)
	}
}

// TestReportOfASignalledRun: SIGTERM mid-clip; the report carries the
// run's 130 and the quit that ended the playback.
func TestReportOfASignalledRun(t *testing.T) {
	slow := hosttest.Keep(t)(loopback.Throttled(media, int64(len(assets.Clip)/4)))
	file := filepath.Join(t.TempDir(), "report.json")
	code, lines := playJSON(t, func(ev map[string]any, p *os.Process) {
		if ev["event"] == "start" {
			_ = p.Signal(syscall.SIGTERM)
		}
	}, "--report", file, "--host", slow.URL, assets.ClipName)
	if code != 130 {
		t.Fatalf("exit %d, want 130; events %v", code, lines)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc := readReport(t, data)
	checkAgrees(t, doc, lines, 130)
	if tt := doc.Totals; tt.End != "quit" || tt.TimeToFirstFrame == nil || tt.Resolved != 1 {
		t.Errorf("totals %+v", tt)
	}
}

// TestReportFollowsThePrintedURL: with --print-url and --report -, the
// URL comes first, alone on its line, and the report follows it.
func TestReportFollowsThePrintedURL(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	refused := hosttest.Refused(t)
	r := clusterplay(t, nil, "--print-url", "--report", "-", "--host", refused, "--host", good.URL, "clip.mp4")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	url, rest, _ := strings.Cut(r.stdout, "\n")
	if url != good.URL+"/clip.mp4" || strings.Count(rest, "\n") != 1 {
		t.Fatalf("stdout %q, want the URL then one line of report", r.stdout)
	}
	doc := readReport(t, []byte(rest))
	if h := doc.Hosts; len(h) != 2 || h[0].FailuresByClass["refused"] != 1 || h[1].Successes != 1 || h[1].Latency == nil {
		t.Errorf("hosts %+v", doc.Hosts)
	}
	if tt := doc.Totals; tt.Resolutions != 1 || tt.TimeToFirstFrame != nil || tt.End != "" || tt.ExitCode != 0 {
		t.Errorf("totals %+v", tt)
	}
}

// TestReportWhenEveryHostFailed: the report says exit 1 and agrees with
// the events, which --json and the report share on stdout.
func TestReportWhenEveryHostFailed(t *testing.T) {
	notFound := hosttest.Keep(t)(loopback.Status(404))
	r := clusterplay(t, nil, "--json", "--no-video", "--report", "-", "--connect-count", "2", "--failure-expiry", "0",
		"--host", hosttest.Refused(t), "--host", notFound.URL, "clip.mp4")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
	}
	lines := decodeLines(t, r.stdout)
	last := lines[len(lines)-1]
	if _, isEvent := last["event"]; isEvent {
		t.Fatalf("the last line is an event, not the report: %v", last)
	}
	doc := readReport(t, []byte(r.stdout[strings.LastIndex(strings.TrimSuffix(r.stdout, "\n"), "\n")+1:]))
	checkAgrees(t, doc, lines[:len(lines)-1], 1)
	if h := doc.Hosts; len(h) != 2 || h[0].FailuresByClass["refused"] != 2 || h[1].FailuresByClass["status"] != 2 {
		t.Errorf("hosts %+v", doc.Hosts)
	}
	if tt := doc.Totals; tt.Resolutions != 1 || tt.Failed != 1 || tt.Attempts != 4 {
		t.Errorf("totals %+v", tt)
	}
}

// TestReportAsMarkdown: the tables a tester pastes into a ticket.
func TestReportAsMarkdown(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	file := filepath.Join(t.TempDir(), "report.md")
	r := clusterplay(t, nil, "--print-url", "--report", file, "--report-format", "markdown", "--host", good.URL, "clip.mp4")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	md := string(data)
	for _, want := range []string{
		"| # | host | attempts | successes | failures |",
		"| 0 | `" + good.URL + "` | 1 | 1 | 0 |",
		"| total | value |",
		"| exit code | 0 |",
		"| resolutions | 1 (1 resolved, 0 failed) |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

// TestReportThatCannotBeWritten: a report that cannot be written is one
// line on stderr and leaves the run's exit code alone, also when stdout's
// reader has gone (where the run's code is 141), and it never hangs.
func TestReportThatCannotBeWritten(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	t.Run("no such directory", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "missing", "report.json")
		r := clusterplay(t, nil, "--print-url", "--report", file, "--host", good.URL, "clip.mp4")
		if r.code != 0 || r.stdout != good.URL+"/clip.mp4\n" {
			t.Errorf("exit %d, stdout %q; want 0 and the URL", r.code, r.stdout)
		}
		var said []string // beside the events' sentences
		for _, line := range strings.Split(r.stderr, "\n") {
			if strings.HasPrefix(line, "clusterplay: ") {
				said = append(said, line)
			}
		}
		if len(said) != 1 || !strings.HasPrefix(said[0], "clusterplay: report not written: ") || !strings.Contains(said[0], file) {
			t.Errorf("stderr %q, want one line naming %s", r.stderr, file)
		}
	})
	t.Run("stdout closed", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, binary, "--print-url", "--json", "--report", "-", "--state-dir", t.TempDir(),
			"--host", good.URL, "clip.mp4")
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		r.Close() // nobody reads the events, nor the report
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = w, &stderr
		err = cmd.Run()
		w.Close()
		if ctx.Err() != nil {
			t.Fatal("still running 30 s after its reader went away")
		}
		if code := exitCodeOf(err); code != 141 {
			t.Errorf("exit %d, want the run's own 141", code)
		}
		if !strings.Contains(stderr.String(), "clusterplay: report not written: ") {
			t.Errorf("stderr %q does not say the report was not written", stderr.String())
		}
	})
}

// TestReportOfATerminalRun: the TUI's run is reported too, once the
// terminal is given back.
func TestReportOfATerminalRun(t *testing.T) {
	dir := t.TempDir()
	exitFile, file := filepath.Join(dir, "exit"), filepath.Join(dir, "report.json")
	cmd := exitsTo("env HOME="+dir+" XDG_CONFIG_HOME="+dir+" XDG_STATE_HOME="+dir+" "+
		binary+" --demo --no-video --report "+file, exitFile)
	tm := newTmux(t, 80, 24, cmd)
	tm.waitFor("clip started", 30*time.Second, func(s string) bool { return strings.Contains(s, "clip started:") })
	tm.run("send-keys", "-t", tm.session, "q")
	if code := waitExitFile(t, tm, exitFile, 15*time.Second); code != "0" {
		t.Fatalf("exit status %q after q, want 0; screen:\n%s", code, tm.screen())
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc := readReport(t, data)
	h := doc.Hosts
	if len(h) != 3 || h[0].FailuresByClass["refused"] != 1 || h[1].FailuresByClass["timeout"] != 1 || h[2].Successes != 1 {
		t.Errorf("hosts %+v", h)
	}
	if tt := doc.Totals; tt.ExitCode != 0 || tt.End != "quit" || tt.TimeToFirstFrame == nil {
		t.Errorf("totals %+v", tt)
	}
}
