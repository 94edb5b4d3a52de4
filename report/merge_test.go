package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// runDoc is a run's report with the numbers a merge reads.
func runDoc(start string, code int, ttff *float64, stalled float64, gaps []float64, hosts ...HostReport) Document {
	d := Document{Format: DocumentFormat, StartedAt: start, EndedAt: start, Hosts: hosts,
		Totals: Totals{Resolutions: 1, Resolved: 1, Attempts: 2, Failovers: len(gaps), FailoversByClass: map[string]int{"timeout": len(gaps)},
			Stalls: 1, StallsOther: 1, TimeToFirstFrame: ttff, TimeStalled: stalled, ExitCode: code, Duration: 1000 + stalled,
			FailoverGaps: gaps, FaultsByRule: map[string]int{}, End: "eof"},
		Verdict: Verdict{Conditions: []Condition{}}}
	for _, g := range gaps {
		d.Totals.MaxFailoverGap = max(d.Totals.MaxFailoverGap, g)
	}
	return d
}

func hostRow(url string, index, attempts, failures int, relay int64, l *Latency) HostReport {
	return HostReport{Host: url, Index: index, Attempts: attempts, Failures: failures,
		FailuresByClass: map[string]int{"refused": failures}, RelayBytes: relay, Latency: l}
}

func TestMergeEqualsTheSumsOfItsParts(t *testing.T) {
	t.Parallel()
	a := runDoc("2026-11-25T12:00:01Z", 0, ptr(100), 0, []float64{40}, hostRow(hostA, 0, 1, 1, 0, lat(1, 1, 1, 1)), hostRow(hostB, 1, 1, 0, 500, lat(3, 3, 3, 1)))
	b := runDoc("2026-11-25T12:00:00Z", 3, nil, 300, nil, hostRow(hostB, 0, 2, 1, 700, lat(5, 9, 9, 2)))
	c := runDoc("2026-11-25T12:00:02Z", 4, ptr(200), 100, []float64{10, 900}, hostRow(hostC, 0, 1, 0, 0, nil), hostRow(hostA, 1, 3, 2, 20, lat(2, 4, 4, 3)))
	c.Verdict = Verdict{Failed: true, Conditions: []Condition{{Condition: "stalls > 0", Value: 1, Holds: true}}}
	a.Verdict = Verdict{Conditions: []Condition{{Condition: "stalls > 0", Value: 0, Holds: false}}}
	m := Merge([]Document{a, b, c})

	if m.Runs != 3 || m.Format != DocumentFormat || m.StartedAt != b.StartedAt || m.EndedAt != c.EndedAt {
		t.Errorf("runs %d format %q from %s to %s", m.Runs, m.Format, m.StartedAt, m.EndedAt)
	}
	wantHosts := []HostReport{
		{Host: hostA, Index: 0, Attempts: 4, Failures: 3, FailuresByClass: map[string]int{"refused": 3}, RelayBytes: 20, Latency: lat(1, 4, 4, 4)},
		{Host: hostB, Index: 1, Attempts: 3, Failures: 1, FailuresByClass: map[string]int{"refused": 1}, RelayBytes: 1200, Latency: lat(3, 9, 9, 3)},
		{Host: hostC, Index: 0, Attempts: 1, FailuresByClass: map[string]int{"refused": 0}},
	}
	if !reflect.DeepEqual(m.Hosts, wantHosts) {
		t.Errorf("hosts\n got %+v\nwant %+v", m.Hosts, wantHosts)
	}
	tt := m.Totals
	if tt.Resolutions != 3 || tt.Resolved != 3 || tt.Attempts != 6 || tt.Failovers != 3 || tt.Stalls != 3 || tt.StallsOther != 3 ||
		!reflect.DeepEqual(tt.FailoversByClass, map[string]int{"timeout": 3}) {
		t.Errorf("counts %+v", tt)
	}
	if tt.TimeToFirstFrame != *lat(100, 200, 200, 2) || tt.TimeStalled != *lat(100, 300, 300, 3) ||
		tt.FailoverGaps != *lat(40, 900, 900, 3) || tt.MaxFailoverGap != *lat(40, 900, 900, 3) || tt.Duration != *lat(1100, 1300, 1300, 3) {
		t.Errorf("times %+v", tt)
	}
	if !reflect.DeepEqual(tt.ExitCodes, map[string]int{"0": 1, "3": 1, "4": 1}) || tt.ExitCode != 4 || tt.Ends["eof"] != 3 {
		t.Errorf("exit codes %v (largest %d), ends %v", tt.ExitCodes, tt.ExitCode, tt.Ends)
	}
	wantVerdict := MergedVerdict{Failed: true, FailedRuns: 1, Runs: 3,
		Conditions: []MergedCondition{{Condition: "stalls > 0", Value: 1, Holds: true, HeldRuns: 1, Runs: 2}}}
	if !reflect.DeepEqual(m.Verdict, wantVerdict) {
		t.Errorf("verdict %+v", m.Verdict)
	}
	// One run merged is that run's counts.
	one := Merge([]Document{a})
	if one.Totals.Attempts != a.Totals.Attempts || one.Hosts[1].RelayBytes != 500 || one.Totals.TimeToFirstFrame.Max != 100 {
		t.Errorf("one run: %+v", one)
	}
}

func TestMergedFormats(t *testing.T) {
	t.Parallel()
	a := exampleRun()
	a.Judge(mustParse(t, "stalls > 0"))
	m := Merge([]Document{a, exampleRun()})
	for _, format := range []string{"json", "markdown", "junit"} {
		var buf bytes.Buffer
		if err := m.Write(&buf, format); err != nil {
			t.Fatal(err)
		}
		switch format {
		case "json":
			var back map[string]any
			if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back["runs"] != 2.0 {
				t.Errorf("json: %v %v", err, back["runs"])
			}
		case "markdown":
			if !strings.Contains(buf.String(), "2 runs") || !strings.Contains(buf.String(), "1 of 1 runs") {
				t.Errorf("markdown:\n%s", buf.String())
			}
		case "junit":
			p := parseJUnit(t, buf.Bytes())
			if p.Tests != 2 || p.Failures != 1 {
				t.Errorf("junit: %+v\n%s", p, buf.String())
			}
		}
	}
}

func TestReadReports(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var line bytes.Buffer
	if err := exampleRun().WriteJSON(&line); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	plain := write("a.json", line.String())
	withEvents := write("b.json", `{"ts":"x","event":"connect","host":"h"}`+"\n"+line.String())
	docs, err := ReadReports([]string{plain, withEvents})
	if err != nil || len(docs) != 2 || docs[1].Totals.Stalls != 1 {
		t.Fatalf("%v %+v", err, docs)
	}
	if docs, err = ReadReports([]string{dir}); err != nil || len(docs) != 2 {
		t.Errorf("a directory: %v, %d", err, len(docs))
	}
	for name, text := range map[string]string{"none.json": `{"event":"connect"}` + "\n", "bad.json": `{"format": 3}`} {
		p := write(name, text)
		if _, err := ReadReports([]string{plain, p}); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v", name, err)
		}
		os.Remove(p)
	}
	if _, err := ReadReports([]string{filepath.Join(dir, "missing.json")}); err == nil {
		t.Error("a missing file was read")
	}
	if _, err := ReadReports([]string{t.TempDir()}); err == nil {
		t.Error("an empty directory was read")
	}
}
