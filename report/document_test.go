package report

import (
	"bytes"
	"strings"
	"testing"

	"clusterplay/events"
)

// exampleRun is a short run: a refused host, then one that answers, plays
// and stalls once.
func exampleRun() Document {
	s := NewSummary(began, []string{hostA, hostB})
	for _, e := range []events.Event{
		ev(1, events.Connect, 0),
		ev(1.222, events.ConnectFailed, 0, class(events.ClassRefused), elapsed(0.222)),
		ev(1.5, events.Connect, 1),
		ev(4, events.Resolved, 1, elapsed(3)),
		ev(331.25, events.Start, 1),
		ev(2000, events.StateChanged, 1, state(events.StateBuffering)),
		ev(2450, events.StateChanged, 1, state(events.StatePlaying)),
		ev(6000, events.End, 1, func(e *events.Event) { e.Reason = events.ReasonEOF }),
	} {
		s.Add(e)
	}
	return s.Document(0, msAt(6123.4567))
}

func TestDocumentJSONIsOneLineOfStableNames(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := exampleRun().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	want := `{"format":"clusterplay-report/1","started_at":"2026-11-25T12:00:00Z","ended_at":"2026-11-25T12:00:06.123457Z",` +
		`"hosts":[{"host":"http://127.0.0.1:1/v","index":0,"attempts":1,"successes":0,"failures":1,"failures_by_class":{"refused":1},` +
		`"cancelled":0,"skips":0,"latency_ms":{"p50":0.222,"p95":0.222,"max":0.222,"n":1},"failovers_from":0,"failovers_to":0,` +
		`"relay_bytes":0,"relay_seconds":0,"faults_injected":0},` +
		`{"host":"http://127.0.0.1:2/v","index":1,"attempts":1,"successes":1,"failures":0,"failures_by_class":{},` +
		`"cancelled":0,"skips":0,"latency_ms":{"p50":2.5,"p95":2.5,"max":2.5,"n":1},"failovers_from":0,"failovers_to":0,` +
		`"relay_bytes":0,"relay_seconds":0,"faults_injected":0}],` +
		`"totals":{"resolutions":1,"resolved":1,"failed":0,"attempts":2,"failovers":0,"failovers_by_class":{},"stalls":1,` +
		`"time_to_first_frame_ms":331.25,"time_stalled_ms":450,"time_reconnecting_ms":0,"end":"eof","exit_code":0,` +
		`"duration_ms":6123.457,"dropped_events":0,"failover_gap_ms":[],"max_failover_gap_ms":0,` +
		`"stalls_from_faults":0,"stalls_other":1,"faults_injected":0,"faults_by_rule":{},"hedges":0,"hedges_won":0,` +
		`"quality_switches":0,"time_per_variant_ms":{},"mean_bitrate_played":null},` +
		`"verdict":{"failed":false,"conditions":[]}}` + "\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestDocumentMarkdown(t *testing.T) {
	t.Parallel()
	doc := exampleRun()
	doc.Hosts[1].Host = hostB + "?q=a|b" // a pipe must not end the cell
	var buf bytes.Buffer
	if err := doc.Write(&buf, "markdown"); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"## clusterplay report",
		"",
		"Run from 2026-11-25T12:00:00Z to 2026-11-25T12:00:06.123457Z, exit code 0.",
		"",
		"| # | host | attempts | successes | failures | failures by class | cancelled | skips | latency p50 | p95 | max | failed over from | to |",
		"| ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
		"| 0 | `http://127.0.0.1:1/v` | 1 | 0 | 1 | refused 1 | 0 | 0 | 0.222 ms | 0.222 ms | 0.222 ms | 0 | 0 |",
		"| 1 | `http://127.0.0.1:2/v?q=a\\|b` | 1 | 1 | 0 |  | 0 | 0 | 2.5 ms | 2.5 ms | 2.5 ms | 0 | 0 |",
		"",
		"| total | value |",
		"| --- | ---: |",
		"| exit code | 0 |",
		"| duration | 6.12 s |",
		"| resolutions | 1 (1 resolved, 0 failed) |",
		"| attempts | 2 |",
		"| failovers | 0 |",
		"| stalls | 1 |",
		"| time to first frame | 331 ms |",
		"| time stalled | 450 ms |",
		"| time reconnecting | 0 ms |",
		"| end | eof |",
		"",
	}, "\n")
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestDocumentMarkdownShowsWhatOnlySomeRunsHave: failovers by class, a
// run without a frame, the relay's columns once it served, and a report
// that lost events says so.
func TestDocumentMarkdownShowsWhatOnlySomeRunsHave(t *testing.T) {
	t.Parallel()
	doc := exampleRun()
	doc.Totals.TimeToFirstFrame, doc.Totals.End = nil, ""
	doc.Totals.Failovers, doc.Totals.FailoversByClass = 3, map[string]int{"stall": 1, "early_eof": 2}
	doc.Totals.DroppedEvents = 4
	doc.Hosts[1].RelayBytes, doc.Hosts[1].RelaySeconds = 123456, 4.25
	var buf bytes.Buffer
	if err := doc.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| failovers | 3 (early_eof 2, stall 1) |",
		"| time to first frame | no frame shown |",
		"| end | no playback ended |",
		"| events the report lost | 4 |",
		"| failed over from | to | relay bytes | relay seconds |",
		"| 0 | 0 | 123456 | 4.2 |",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, buf.String())
		}
	}
	if err := doc.Write(&buf, "yaml"); err == nil {
		t.Error("an unknown format was written")
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	for ms, want := range map[float64]string{
		0: "0 ms", 0.222: "0.222 ms", 2.5: "2.5 ms", 99.94: "99.9 ms", 331.25: "331 ms", 2000: "2.00 s", 65432.1: "65.43 s",
	} {
		if got := duration(ms); got != want {
			t.Errorf("duration(%v) = %q, want %q", ms, got, want)
		}
	}
}
