package e2e

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// reportVerdict is what these tests read of a run's JSON report.
type reportVerdict struct {
	Totals struct {
		ExitCode     int       `json:"exit_code"`
		Failovers    int       `json:"failovers"`
		FailoverGaps []float64 `json:"failover_gap_ms"`
		MaxFailover  float64   `json:"max_failover_gap_ms"`
		Attempts     int       `json:"attempts"`
		StallsOther  *int      `json:"stalls_other"`
		FaultsByRule map[string]int
	} `json:"totals"`
	CMCD *struct {
		SID  string `json:"sid"`
		Mode string `json:"mode"`
	} `json:"cmcd"`
	Verdict struct {
		Failed     bool `json:"failed"`
		Conditions []struct {
			Condition string  `json:"condition"`
			Value     float64 `json:"value"`
			Holds     bool    `json:"holds"`
		} `json:"conditions"`
	} `json:"verdict"`
}

func readVerdict(t *testing.T, path string) reportVerdict {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r reportVerdict
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("report %q: %v", data, err)
	}
	return r
}

// TestFailIfExitCodes: a run that went well exits 4 when a condition
// holds and 0 when none does; a run whose own outcome is 1 keeps it. The
// report says which condition held, with its value.
func TestFailIfExitCodes(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	bad := hosttest.Refused(t)
	tests := []struct {
		name   string
		hosts  []string
		conds  []string
		code   int
		holds  []bool
		values []float64
	}{
		{"a condition holds", []string{bad, good.URL}, []string{"host[0].failures > 0", "attempts > 5"}, 4, []bool{true, false}, []float64{1, 2}},
		{"none holds", []string{bad, good.URL}, []string{"failovers > 0", "host[1].successes != 1"}, 0, []bool{false, false}, []float64{0, 1}},
		{"every host failed keeps its 1", []string{bad}, []string{"attempts > 0"}, 1, []bool{true}, []float64{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "r.json")
			args := []string{"--print-url", "--report", path}
			for _, h := range tt.hosts {
				args = append(args, "--host", h)
			}
			for _, c := range tt.conds {
				args = append(args, "--fail-if", c)
			}
			r := clusterplay(t, nil, append(args, "clip.mp4")...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, tt.code, r.stderr)
			}
			rep := readVerdict(t, path)
			anyHolds := false
			for i, c := range rep.Verdict.Conditions {
				if i >= len(tt.conds) || c.Condition != tt.conds[i] || c.Holds != tt.holds[i] || c.Value != tt.values[i] {
					t.Errorf("condition %d: %+v, want %q holds %v value %v", i, c, tt.conds[i], tt.holds[i], tt.values[i])
				}
				anyHolds = anyHolds || c.Holds
			}
			if len(rep.Verdict.Conditions) != len(tt.conds) || rep.Verdict.Failed != anyHolds || rep.Totals.ExitCode != tt.code {
				t.Errorf("verdict %+v, exit_code %d", rep.Verdict, rep.Totals.ExitCode)
			}
		})
	}
}

// TestFailIfWithoutReport: the verdict needs no --report to set the code.
func TestFailIfWithoutReport(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	r := clusterplay(t, nil, "--print-url", "--host", good.URL, "--fail-if", "attempts >= 1", "clip.mp4")
	if r.code != 4 || r.stdout != good.URL+"/clip.mp4\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestBadFailIfExitsBeforeAnyHost: a condition that does not parse is one
// line on stderr and exit 2, and no host is contacted.
func TestBadFailIfExitsBeforeAnyHost(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	for _, expr := range []string{"stalls >> 0", "stals > 0", "host[x].relay_bytes == 0", "stalls"} {
		r := clusterplay(t, nil, "--print-url", "--host", good.URL, "--fail-if", expr, "clip.mp4")
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if r.code != 2 || len(lines) != 1 || !strings.Contains(lines[0], "--fail-if") {
			t.Errorf("%q: exit %d, stderr %q", expr, r.code, r.stderr)
		}
	}
	if n := good.Requests(); n != 0 {
		t.Errorf("the host was asked %d times", n)
	}
}

// TestJUnitReport: the JUnit XML parses, has the run's outcome and one
// case per condition, named by its expression, failed when it holds.
func TestJUnitReport(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	bad := hosttest.Refused(t)
	path := filepath.Join(t.TempDir(), "r.xml")
	r := clusterplay(t, nil, "--print-url", "--report", path, "--report-format", "junit", "--host", bad, "--host", good.URL,
		"--fail-if", "host[0].failures > 0", "--fail-if", "failovers > 3", "clip.mp4")
	if r.code != 4 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suite    []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &suites); err != nil {
		t.Fatalf("not XML: %v\n%s", err, data)
	}
	if suites.Tests != 3 || suites.Failures != 1 || len(suites.Suite) != 1 || len(suites.Suite[0].Cases) != 3 {
		t.Fatalf("suites %+v\n%s", suites, data)
	}
	want := []struct {
		name   string
		failed bool
	}{{"run outcome", false}, {"host[0].failures > 0", true}, {"failovers > 3", false}}
	for i, c := range suites.Suite[0].Cases {
		if c.Name != want[i].name || (c.Failure != nil) != want[i].failed {
			t.Errorf("case %d: %q failed %v, want %+v", i, c.Name, c.Failure != nil, want[i])
		}
	}
}

// TestFailoverGapAndExit4OnAPlayback: a serving host killed mid-clip is
// left by the relay; the failover carries its gap, the report lists it,
// and a condition on the failovers that holds makes the played run exit 4.
func TestFailoverGapAndExit4OnAPlayback(t *testing.T) {
	rate := int64(float64(len(assets.Clip)) / assets.ClipDuration.Seconds() * 1.3)
	serving := hosttest.Keep(t)(loopback.Throttled(media, rate))
	backup := hosttest.Keep(t)(loopback.Good(media))
	path := filepath.Join(t.TempDir(), "r.json")
	code, evs := playJSON(t, func(ev map[string]any, _ *os.Process) {
		if ev["event"] == "start" {
			time.AfterFunc(1500*time.Millisecond, serving.Kill)
		}
	}, "--report", path, "--fail-if", "failovers >= 1", "--fail-if", "failover_gap_ms > 60000",
		"--host", serving.URL, "--host", backup.URL, assets.ClipName)
	if code != 4 {
		t.Fatalf("exit %d, want 4: %v", code, evs)
	}
	f := named(evs, "failover")
	if len(f) != 1 {
		t.Fatalf("failovers %v", f)
	}
	gap, ok := f[0]["gap_ms"].(float64)
	if !ok || gap <= 0 || gap > 30000 {
		t.Errorf("failover %v: gap_ms %v", f[0], f[0]["gap_ms"])
	}
	rep := readVerdict(t, path)
	if len(rep.Totals.FailoverGaps) != 1 || rep.Totals.FailoverGaps[0] != gap || rep.Totals.MaxFailover != gap {
		t.Errorf("report gaps %v max %v, the event's %v", rep.Totals.FailoverGaps, rep.Totals.MaxFailover, gap)
	}
	c := rep.Verdict.Conditions
	if !rep.Verdict.Failed || len(c) != 2 || !c[0].Holds || c[0].Value != 1 || c[1].Holds || c[1].Value != gap {
		t.Errorf("verdict %+v", rep.Verdict)
	}
	endsAtClipEnd(t, evs)
}
