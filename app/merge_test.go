package app

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"clusterplay/events"
	"clusterplay/report"
)

// writeRunReport writes the JSON report of a run that tried host once.
func writeRunReport(t *testing.T, path, host string, code int) {
	t.Helper()
	began := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	s := report.NewSummary(began, []string{host})
	s.Add(events.Event{Time: began.Add(time.Millisecond), Kind: events.Connect, Host: host, Index: 0})
	s.Add(events.Event{Time: began.Add(3 * time.Millisecond), Kind: events.Resolved, Host: host, Index: 0})
	var buf bytes.Buffer
	if err := s.Document(code, began.Add(time.Second)).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReportSubcommand(t *testing.T) {
	dir := t.TempDir()
	writeRunReport(t, filepath.Join(dir, "a.json"), "http://h1/v", 0)
	writeRunReport(t, filepath.Join(dir, "b.json"), "http://h1/v", 3)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // a part of it
		stderr string
	}{
		{"a directory, JSON", []string{"report", dir}, 0, `"runs":2`, ""},
		{"files, markdown", []string{"report", "--report-format", "markdown", filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")}, 0, "2 runs", ""},
		{"junit", []string{"report", "--report-format=junit", dir}, 0, "<testsuites", ""},
		{"help", []string{"report", "--help"}, 0, "Usage: clusterplay report", ""},
		{"no file", []string{"report"}, 2, "", "no report given"},
		{"a file that is not there", []string{"report", filepath.Join(dir, "c.json")}, 2, "", "c.json"},
		{"a bad format", []string{"report", "--report-format", "xml", dir}, 2, "", `got "xml"`},
		{"an unknown flag", []string{"report", "--nope", dir}, 2, "", "--nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			code := Run(tt.args, &out, &errs)
			if code != tt.code || !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errs.String(), tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), errs.String())
			}
			if tt.code != 0 && (out.Len() != 0 || strings.Count(errs.String(), "\n") != 1) {
				t.Errorf("a failure prints one line on stderr alone: %q %q", out.String(), errs.String())
			}
		})
	}
	var out bytes.Buffer
	Run([]string{"report", dir}, &out, &bytes.Buffer{})
	var m report.Merged
	if err := json.Unmarshal(out.Bytes(), &m); err != nil || m.Runs != 2 || m.Totals.Attempts != 2 ||
		len(m.Hosts) != 1 || m.Hosts[0].Successes != 2 || m.Totals.ExitCodes["3"] != 1 {
		t.Errorf("merged %v %+v", err, m)
	}
}
