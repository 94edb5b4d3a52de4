package verdict

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		expr      string
		name      string
		host      int
		op        string
		value     float64
		wantError string
	}{
		{expr: "stalls > 0", name: "stalls", host: -1, op: ">", value: 0},
		{expr: "  time_to_first_frame_ms>2000 ", name: "time_to_first_frame_ms", host: -1, op: ">", value: 2000},
		{expr: "failovers >= 3", name: "failovers", host: -1, op: ">=", value: 3},
		{expr: "failover_gap_ms<=500.5", name: "failover_gap_ms", host: -1, op: "<=", value: 500.5},
		{expr: "host[1].relay_bytes == 0", name: "relay_bytes", host: 1, op: "==", value: 0},
		{expr: "host[0].failures != 2", name: "failures", host: 0, op: "!=", value: 2},
		{expr: "time_stalled_ms < 1e3", name: "time_stalled_ms", host: -1, op: "<", value: 1000},
		{expr: "", wantError: "empty condition"},
		{expr: "stalls", wantError: "no comparison"},
		{expr: "stalls > many", wantError: `"many" is not a number`},
		{expr: "stalls > NaN", wantError: "not a number"},
		{expr: "stals > 0", wantError: `unknown number "stals"`},
		{expr: "host[x].relay_bytes > 0", wantError: "host[N].FIELD"},
		{expr: "host[-1].relay_bytes > 0", wantError: "host[N].FIELD"},
		{expr: "host[0].bytes > 0", wantError: `unknown host field "bytes"`},
		{expr: "> 3", wantError: `unknown number ""`},
	} {
		c, err := Parse(tc.expr)
		if tc.wantError != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantError) {
				t.Errorf("Parse(%q) error %v, want one with %q", tc.expr, err, tc.wantError)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.expr, err)
			continue
		}
		if c.Name != tc.name || c.Host != tc.host || c.Op != tc.op || c.Value != tc.value || c.Expr != strings.TrimSpace(tc.expr) {
			t.Errorf("Parse(%q) = %+v", tc.expr, c)
		}
	}
}

func TestHolds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		op      string
		v       float64
		holds   bool
		against float64
	}{
		{">", 1, true, 0}, {">", 0, false, 0},
		{">=", 0, true, 0}, {">=", -1, false, 0},
		{"<", 1, false, 1}, {"<", 0.5, true, 1},
		{"<=", 1, true, 1}, {"<=", 2, false, 1},
		{"==", 3, true, 3}, {"==", 3.1, false, 3},
		{"!=", 3, false, 3}, {"!=", 2, true, 3},
	} {
		c := Condition{Op: tc.op, Value: tc.against}
		if got := c.Holds(tc.v); got != tc.holds {
			t.Errorf("%v %s %v = %v, want %v", tc.v, tc.op, tc.against, got, tc.holds)
		}
	}
}
