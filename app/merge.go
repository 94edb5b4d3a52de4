package app

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"clusterplay/report"
)

// mergeUsage is `clusterplay report --help`.
const mergeUsage = `Usage: clusterplay report [--report-format json|markdown|junit] REPORT.json... | DIR

Merges the JSON reports of many runs (--report FILE), or every *.json
file of DIR, into one report of the same shape on stdout: runs, the hosts
matched by URL with their counts summed, the totals summed where they are
counts and given as p50, p95 and max across the runs where they are
times, and the verdicts counted. Exit 0, or 2 when a file cannot be read.
`

// runMerge is `clusterplay report`: the reports of many runs, from many
// machines, merged into one.
func runMerge(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("clusterplay report", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("report-format", "json", "")
	help := fs.BoolP("help", "h", false, "")
	say := func(args ...any) { fmt.Fprintln(stderr, append([]any{"clusterplay: report:"}, args...)...) }
	if err := fs.Parse(args); err != nil {
		say(err, "(see clusterplay report --help)")
		return exitUsage
	}
	if *help {
		fmt.Fprint(stdout, mergeUsage)
		return exitOK
	}
	switch *format = strings.ToLower(*format); *format {
	case "json", "markdown", "junit":
	default:
		say(fmt.Sprintf("--report-format: want one of json, markdown, junit, got %q", *format))
		return exitUsage
	}
	if fs.NArg() == 0 {
		say("no report given: name the JSON reports to merge, or a directory of them (see clusterplay report --help)")
		return exitUsage
	}
	docs, err := report.ReadReports(fs.Args())
	if err != nil {
		say(err)
		return exitUsage
	}
	if err := report.Merge(docs).Write(stdout, *format); err != nil {
		say(err)
		return exitUsage
	}
	return exitOK
}
