package faults

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ruleKeys are the keys a rule may have, for the message that names an
// unknown one.
const ruleKeys = "name, host, kind, segments, sequence, from, until, cycle, probability, action"

// parseRule reads one rule's mapping. The error carries the line of the
// offending value; the caller adds the file.
func parseRule(n *yaml.Node, name string) (*Rule, *Error) {
	if n.Kind != yaml.MappingNode {
		return nil, &Error{Line: n.Line, Msg: "a rule is a mapping of " + ruleKeys}
	}
	r := &Rule{Name: name, Line: n.Line, HostIndex: -1, Kind: AnyKind, Probability: 1}
	hasAction := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		bad := func(format string, args ...any) *Error {
			return &Error{Line: v.Line, Msg: k.Value + ": " + fmt.Sprintf(format, args...)}
		}
		if v.Kind != yaml.ScalarNode && k.Value != "cycle" {
			return nil, bad("want a single value")
		}
		var err error
		switch k.Value {
		case "name":
			r.Name = v.Value
		case "host":
			if idx, perr := strconv.Atoi(v.Value); perr == nil {
				if idx < 0 {
					return nil, bad("an index counts from 0")
				}
				r.HostIndex = idx
			} else if strings.Contains(v.Value, "://") {
				r.HostPrefix = v.Value
			} else {
				return nil, bad("%q is neither an index in the host list nor a URL prefix", v.Value)
			}
		case "kind":
			r.Kind, err = parseKind(v.Value)
		case "segments":
			r.Segments, err = ParseSpan(v.Value)
		case "sequence":
			r.Sequence, err = ParseSpan(v.Value)
		case "from":
			r.From, err = ParseDuration(v.Value)
			r.timed = true
		case "until":
			r.Until, err = ParseDuration(v.Value)
			r.timed = true
		case "cycle":
			err = parseCycle(r, v)
			r.timed = true
		case "probability":
			r.Probability, err = strconv.ParseFloat(v.Value, 64)
			if err != nil || r.Probability < 0 || r.Probability > 1 {
				err = fmt.Errorf("%q is not a number from 0 to 1", v.Value)
			}
		case "action":
			r.Action, err = ParseAction(v.Value)
			hasAction = true
		default:
			return nil, &Error{Line: k.Line, Msg: fmt.Sprintf("unknown key %q; a rule has %s", k.Value, ruleKeys)}
		}
		if err != nil {
			return nil, bad("%v", err)
		}
	}
	switch {
	case !hasAction:
		return nil, &Error{Line: n.Line, Msg: "a rule needs an action"}
	case r.Until > 0 && r.Until <= r.From:
		return nil, &Error{Line: n.Line, Msg: "until must come after from"}
	}
	return r, nil
}

func parseKind(s string) (Kind, error) {
	for _, k := range kinds {
		if Kind(s) == k {
			return k, nil
		}
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return "", fmt.Errorf("unknown kind %q; want %s", s, strings.Join(names, ", "))
}

// parseCycle reads {up: 20s, down: 10s} or "up 20s down 10s".
func parseCycle(r *Rule, v *yaml.Node) error {
	var up, down string
	switch v.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(v.Content); i += 2 {
			switch v.Content[i].Value {
			case "up":
				up = v.Content[i+1].Value
			case "down":
				down = v.Content[i+1].Value
			default:
				return fmt.Errorf("unknown key %q; a cycle has up and down", v.Content[i].Value)
			}
		}
	case yaml.ScalarNode:
		w := strings.Fields(v.Value)
		if len(w) != 4 || w[0] != "up" || w[2] != "down" {
			return fmt.Errorf("%q: want up D down D", v.Value)
		}
		up, down = w[1], w[3]
	default:
		return fmt.Errorf("want {up: D, down: D}")
	}
	if up == "" || down == "" {
		return fmt.Errorf("a cycle needs an up and a down time")
	}
	var err error
	if r.Up, err = ParseDuration(up); err != nil {
		return err
	}
	if r.Down, err = ParseDuration(down); err != nil {
		return err
	}
	if r.Up+r.Down <= 0 || r.Down <= 0 {
		return fmt.Errorf("a cycle needs a down time")
	}
	return nil
}
