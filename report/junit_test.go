package report

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// parsedJUnit is what a CI system reads of the XML.
type parsedJUnit struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func parseJUnit(t *testing.T, data []byte) parsedJUnit {
	t.Helper()
	var p parsedJUnit
	if err := xml.Unmarshal(data, &p); err != nil {
		t.Fatalf("not XML: %v\n%s", err, data)
	}
	if len(p.Suites) != 1 {
		t.Fatalf("%d suites", len(p.Suites))
	}
	return p
}

func TestJUnit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		code     int
		exprs    []string
		failures map[string]bool // test case -> failed
	}{
		{"a good run, no condition", 0, nil, map[string]bool{OutcomeCase: false}},
		{"a condition holds: exit 4 is the conditions' failure", ExitVerdict, []string{"stalls > 0", "failovers > 3"},
			map[string]bool{OutcomeCase: false, "stalls > 0": true, "failovers > 3": false}},
		{"playback failed", 3, []string{"stalls > 5"}, map[string]bool{OutcomeCase: true, "stalls > 5": false}},
		{"a name that needs escaping", 0, []string{"host[0].failures<1"}, map[string]bool{OutcomeCase: false, "host[0].failures<1": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := exampleRun()
			doc.Judge(mustParse(t, tt.exprs...))
			doc.Totals.ExitCode = tt.code
			var buf bytes.Buffer
			if err := doc.Write(&buf, "junit"); err != nil {
				t.Fatal(err)
			}
			p := parseJUnit(t, buf.Bytes())
			cases := p.Suites[0].Cases
			if len(cases) != len(tt.failures) || p.Tests != len(cases) {
				t.Fatalf("%d cases (tests=%d), want %d:\n%s", len(cases), p.Tests, len(tt.failures), buf.String())
			}
			failed := 0
			for _, c := range cases {
				want, ok := tt.failures[c.Name]
				if !ok || (c.Failure != nil) != want {
					t.Errorf("case %q failure %v, want %v", c.Name, c.Failure, want)
				}
				if c.Failure != nil {
					failed++
					if c.Failure.Message == "" {
						t.Errorf("case %q fails without a message", c.Name)
					}
				}
			}
			if p.Failures != failed {
				t.Errorf("failures=%d, %d cases failed", p.Failures, failed)
			}
		})
	}
}
