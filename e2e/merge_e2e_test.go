package e2e

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"clusterplay/loopback"
	"clusterplay/loopback/hosttest"
)

// TestReportMergesRuns: three runs' reports in a directory merge into
// one whose counts are the sums of theirs, hosts matched by URL.
func TestReportMergesRuns(t *testing.T) {
	good := hosttest.Keep(t)(loopback.Good(files))
	bad := hosttest.Refused(t)
	dir := t.TempDir()
	type part struct {
		Hosts []struct {
			Host     string `json:"host"`
			Attempts int    `json:"attempts"`
			Failures int    `json:"failures"`
		} `json:"hosts"`
		Totals struct {
			Attempts int `json:"attempts"`
		} `json:"totals"`
	}
	runs := [][]string{
		{"--host", bad, "--host", good.URL},
		{"--host", good.URL},
		{"--host", bad, "--host", good.URL, "--fail-if", "attempts > 1"},
	}
	attempts, perHost := 0, map[string]int{}
	for i, hosts := range runs {
		path := filepath.Join(dir, "run"+string(rune('a'+i))+".json")
		r := clusterplay(t, nil, append(append([]string{"--print-url", "--report", path}, hosts...), "clip.mp4")...)
		if r.code != 0 && r.code != 4 {
			t.Fatalf("run %d: exit %d: %s", i, r.code, r.stderr)
		}
		data, _ := os.ReadFile(path)
		var p part
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatal(err)
		}
		attempts += p.Totals.Attempts
		for _, h := range p.Hosts {
			perHost[h.Host] += h.Attempts
		}
	}
	r := clusterplay(t, nil, "report", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var merged struct {
		Runs  int `json:"runs"`
		Hosts []struct {
			Host     string `json:"host"`
			Attempts int    `json:"attempts"`
		} `json:"hosts"`
		Totals struct {
			Attempts         int            `json:"attempts"`
			TimeToFirstFrame map[string]any `json:"time_to_first_frame_ms"`
			Duration         struct {
				P50, P95, Max float64
				N             int
			} `json:"duration_ms"`
		} `json:"totals"`
		Verdict struct {
			Failed     bool `json:"failed"`
			FailedRuns int  `json:"failed_runs"`
		} `json:"verdict"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &merged); err != nil {
		t.Fatalf("%v: %q", err, r.stdout)
	}
	if merged.Runs != 3 || merged.Totals.Attempts != attempts || len(merged.Hosts) != 2 {
		t.Errorf("merged %+v, want 3 runs, %d attempts", merged, attempts)
	}
	for _, h := range merged.Hosts {
		if h.Attempts != perHost[h.Host] {
			t.Errorf("%s: %d attempts, the runs' %d", h.Host, h.Attempts, perHost[h.Host])
		}
	}
	if d := merged.Totals.Duration; d.N != 3 || d.P50 <= 0 || d.Max < d.P95 || d.P95 < d.P50 {
		t.Errorf("duration across runs %+v", d)
	}
	if !merged.Verdict.Failed || merged.Verdict.FailedRuns != 1 {
		t.Errorf("verdict %+v", merged.Verdict)
	}

	// The same, as JUnit and as markdown, from the files named one by one.
	names, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	r = clusterplay(t, nil, append([]string{"report", "--report-format", "junit"}, names...)...)
	if err := xml.Unmarshal([]byte(r.stdout), new(struct{})); r.code != 0 || err != nil {
		t.Errorf("junit: exit %d, %v: %q", r.code, err, r.stdout)
	}
	r = clusterplay(t, nil, append([]string{"report", "--report-format", "markdown"}, names...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "3 runs") {
		t.Errorf("markdown: exit %d: %q", r.code, r.stdout)
	}

	// A file that cannot be read: exit 2, one line naming it.
	missing := filepath.Join(dir, "nope.json")
	r = clusterplay(t, nil, "report", names[0], missing)
	if r.code != 2 || !strings.Contains(r.stderr, missing) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || r.stdout != "" {
		t.Errorf("missing file: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
