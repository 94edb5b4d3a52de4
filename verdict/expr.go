// Package verdict reads --fail-if conditions: a number of the run's
// report, a comparison and a constant, such as "stalls > 0" or
// "host[1].relay_bytes == 0". It is pure: the report evaluates the
// conditions against its own numbers, and config reads them as the
// command line is parsed, so that a bad one ends the run before anything
// runs.
package verdict

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Condition is one parsed --fail-if expression.
type Condition struct {
	Expr string // as the user wrote it, trimmed: the condition's name in the report
	// Name is a total's name ("stalls"), or a host's field ("relay_bytes")
	// when Host >= 0.
	Name  string
	Host  int // the host's index for host[N].FIELD; -1 for a total
	Op    string
	Value float64
}

// Totals are the numbers of the report's totals a condition may name.
// failover_gap_ms names the largest gap, as max_failover_gap_ms does: a
// condition on it holds when it holds for the worst failover.
var Totals = []string{
	"attempts", "dropped_events", "duration_ms", "exit_code", "failed",
	"failover_gap_ms", "failovers", "faults_injected", "max_failover_gap_ms",
	"resolutions", "resolved", "stalls", "stalls_from_faults", "stalls_other",
	"time_reconnecting_ms", "time_stalled_ms", "time_to_first_frame_ms",
}

// HostFields are the numbers of one host a condition may name as
// host[N].FIELD.
var HostFields = []string{
	"attempts", "cancelled", "failovers_from", "failovers_to", "failures",
	"latency_max_ms", "latency_p50_ms", "latency_p95_ms",
	"relay_bytes", "relay_seconds", "skips", "successes",
}

// operators, the two-character ones first so that ">=" is not read as ">".
var operators = []string{">=", "<=", "==", "!=", ">", "<"}

// Parse reads one expression: NAME OP NUMBER, spaces optional.
func Parse(expr string) (Condition, error) {
	c := Condition{Expr: strings.TrimSpace(expr), Host: -1}
	if c.Expr == "" {
		return c, errors.New("empty condition: want NAME OP NUMBER, e.g. \"stalls > 0\"")
	}
	at, op := -1, ""
	for _, o := range operators {
		if i := strings.Index(c.Expr, o); i >= 0 && (at < 0 || i < at) {
			at, op = i, o
		}
	}
	if at < 0 {
		return c, fmt.Errorf("%q has no comparison: want one of %s", c.Expr, strings.Join(operators, " "))
	}
	c.Op = op
	left, right := strings.TrimSpace(c.Expr[:at]), strings.TrimSpace(c.Expr[at+len(op):])
	v, err := strconv.ParseFloat(right, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return c, fmt.Errorf("%q: %q is not a number", c.Expr, right)
	}
	c.Value = v
	if err := c.name(left); err != nil {
		return c, fmt.Errorf("%q: %w", c.Expr, err)
	}
	return c, nil
}

// name reads the left side: a total, or host[N].FIELD.
func (c *Condition) name(left string) error {
	rest, isHost := strings.CutPrefix(left, "host[")
	if !isHost {
		if !slices.Contains(Totals, left) {
			return fmt.Errorf("unknown number %q: one of %s, or host[N].FIELD", left, strings.Join(Totals, ", "))
		}
		c.Name = left
		return nil
	}
	index, field, ok := strings.Cut(rest, "].")
	n, err := strconv.Atoi(index)
	if !ok || err != nil || n < 0 {
		return fmt.Errorf("%q: want host[N].FIELD with N the host's index from 0", left)
	}
	if !slices.Contains(HostFields, field) {
		return fmt.Errorf("unknown host field %q: one of %s", field, strings.Join(HostFields, ", "))
	}
	c.Name, c.Host = field, n
	return nil
}

// Holds reports whether the condition holds for the value v.
func (c Condition) Holds(v float64) bool {
	switch c.Op {
	case ">":
		return v > c.Value
	case ">=":
		return v >= c.Value
	case "<":
		return v < c.Value
	case "<=":
		return v <= c.Value
	case "==":
		return v == c.Value
	case "!=":
		return v != c.Value
	}
	return false
}
