package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// The JUnit XML shape CI systems read: one suite of test cases, a
// <failure> in each that failed.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// OutcomeCase is the name of the test case of the run's own outcome.
const OutcomeCase = "run outcome"

// ExitVerdict is the exit code of a run whose own outcome was 0 but one
// of whose --fail-if conditions held.
const ExitVerdict = 4

// WriteJUnit writes the report as JUnit XML: a test case for the run's
// outcome, failed when the run's own exit code is not 0, and one per
// --fail-if condition, named by its expression, failed when it holds.
func (d Document) WriteJUnit(w io.Writer) error {
	code := d.Totals.ExitCode
	if code == ExitVerdict && d.Verdict.Failed {
		code = 0 // the conditions' failure, not the run's
	}
	var why string
	if code != 0 {
		why = fmt.Sprintf("exit code %d", code)
		if d.Totals.End != "" {
			why += ", playback ended: " + d.Totals.End
		}
	}
	cases := []junitCase{outcome(why, d.Totals.Duration)}
	for _, c := range d.Verdict.Conditions {
		why := ""
		if c.Holds {
			why = fmt.Sprintf("%s holds: the value is %s", c.Condition, number(c.Value))
		}
		cases = append(cases, condition(c.Condition, why))
	}
	return writeJUnit(w, cases, d.Totals.Duration, d.StartedAt)
}

// WriteJUnit writes the merged report as JUnit XML: the runs' outcome,
// failed when any run's own exit code was not 0, and each condition,
// failed when it held in any run.
func (m Merged) WriteJUnit(w io.Writer) error {
	var bad []string
	for code, n := range m.Totals.ExitCodes {
		if code != "0" && code != strconv.Itoa(ExitVerdict) {
			bad = append(bad, fmt.Sprintf("%d of %d runs exited %s", n, m.Runs, code))
		}
	}
	slices.Sort(bad)
	why := ""
	for i, b := range bad {
		if i > 0 {
			why += ", "
		}
		why += b
	}
	cases := []junitCase{outcome(why, m.Totals.Duration.Max)}
	for _, c := range m.Verdict.Conditions {
		why := ""
		if c.Holds {
			why = fmt.Sprintf("%s held in %d of %d runs (largest value %s)", c.Condition, c.HeldRuns, c.Runs, number(c.Value))
		}
		cases = append(cases, condition(c.Condition, why))
	}
	return writeJUnit(w, cases, m.Totals.Duration.Max, m.StartedAt)
}

// outcome is the test case of the outcome, failed with why unless why
// is empty.
func outcome(why string, ms float64) junitCase {
	tc := junitCase{Name: OutcomeCase, ClassName: "clusterplay.run", Time: secondsText(ms)}
	if why != "" {
		tc.Failure = &junitFailure{Message: why, Type: "outcome", Text: why}
	}
	return tc
}

func condition(expr, why string) junitCase {
	tc := junitCase{Name: expr, ClassName: "clusterplay.fail-if", Time: "0"}
	if why != "" {
		tc.Failure = &junitFailure{Message: why, Type: "fail-if", Text: why}
	}
	return tc
}

func writeJUnit(w io.Writer, cases []junitCase, ms float64, started string) error {
	suite := junitSuite{Name: "clusterplay", Tests: len(cases), Time: secondsText(ms), Timestamp: started, Cases: cases}
	for _, c := range cases {
		if c.Failure != nil {
			suite.Failures++
		}
	}
	doc := junitSuites{Name: "clusterplay", Tests: suite.Tests, Failures: suite.Failures, Time: suite.Time, Suites: []junitSuite{suite}}
	data, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, xml.Header+string(data)+"\n")
	return err
}

func secondsText(ms float64) string { return strconv.FormatFloat(ms/1000, 'f', 3, 64) }

func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
