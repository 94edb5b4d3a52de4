package report

import (
	"testing"

	"clusterplay/verdict"
)

func mustParse(t *testing.T, exprs ...string) []verdict.Condition {
	t.Helper()
	out := make([]verdict.Condition, len(exprs))
	for i, e := range exprs {
		c, err := verdict.Parse(e)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = c
	}
	return out
}

func TestJudge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr  string
		value float64
		holds bool
	}{
		{"stalls > 0", 1, true},
		{"stalls > 1", 1, false},
		{"time_stalled_ms >= 450", 450, true},
		{"time_to_first_frame_ms > 2000", 331.25, false},
		{"failovers > 3", 0, false},
		{"failover_gap_ms > 500", 0, false},
		{"host[1].successes == 1", 1, true},
		{"host[0].latency_p50_ms < 1", 0.222, true},
		{"host[5].relay_bytes == 0", 0, true}, // no such host: nothing relayed
		{"host[1].relay_bytes == 0", 0, true},
	}
	for _, tt := range tests {
		doc := exampleRun()
		failed := doc.Judge(mustParse(t, tt.expr))
		c := doc.Verdict.Conditions[0]
		if c.Condition != tt.expr || c.Value != tt.value || c.Holds != tt.holds || failed != tt.holds || doc.Verdict.Failed != tt.holds {
			t.Errorf("%s: %+v, failed %v", tt.expr, c, failed)
		}
	}
}

// TestEveryNameHasANumber: each number a condition may name is one the
// report can give, with and without a latency.
func TestEveryNameHasANumber(t *testing.T) {
	t.Parallel()
	doc := exampleRun()
	doc.Hosts[0].Latency = nil
	for _, name := range verdict.Totals {
		doc.Number(verdict.Condition{Name: name, Host: -1})
	}
	for _, field := range verdict.HostFields {
		doc.Number(verdict.Condition{Name: field, Host: 0})
		doc.Number(verdict.Condition{Name: field, Host: 1})
	}
}

func TestNoFrameWaitsTheWholeRun(t *testing.T) {
	t.Parallel()
	doc := exampleRun()
	doc.Totals.TimeToFirstFrame = nil
	doc.Judge(mustParse(t, "time_to_first_frame_ms > 2000"))
	if c := doc.Verdict.Conditions[0]; !c.Holds || c.Value != doc.Totals.Duration {
		t.Errorf("%+v", c)
	}
}
