package control

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestUsage: each command's usage, as `clusterplay ctl` and docs/control.md
// show it, is written from its arguments.
func TestUsage(t *testing.T) {
	want := map[string]string{
		"get_status":         "get_status",
		"set_load_balancing": "set_load_balancing true|false",
		"fail_host":          "fail_host [INDEX]",
		"next_host":          "next_host",
		"resolve":            "resolve",
		"load":               "load CLIP",
		"set_pause":          "set_pause true|false",
		"seek":               "seek SECONDS [relative|absolute]",
		"quit":               "quit [CODE]",
	}
	if len(table) != len(want) {
		t.Errorf("%d commands, want %d", len(table), len(want))
	}
	for _, c := range Commands() {
		if got := c.Usage(); got != want[c.Name] {
			t.Errorf("%s: usage %q, want %q", c.Name, got, want[c.Name])
		}
	}
	if got := Names(); got != "get_status, set_load_balancing, fail_host, next_host, resolve, load, set_pause, seek, quit" {
		t.Errorf("names %q", got)
	}
}

// TestTableIsWellFormed: what the checks and the usage rely on.
func TestTableIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range table {
		if seen[c.Name] {
			t.Errorf("%s: listed twice", c.Name)
		}
		seen[c.Name] = true
		if c.run == nil || c.Help == "" || strings.Contains(c.Help, "|") {
			t.Errorf("%s: want a handler and a help line without pipes", c.Name)
		}
		optional := false
		for i, a := range c.Args {
			switch {
			case optional && !a.Optional:
				t.Errorf("%s: argument %d is required after an optional one", c.Name, i+1)
			case (a.Kind == Word) != (len(a.Words) > 0):
				t.Errorf("%s: argument %d: words belong to a Word alone", c.Name, i+1)
			case a.Kind != Bool && a.Kind != Word && a.Name == "":
				t.Errorf("%s: argument %d has no name to show", c.Name, i+1)
			}
			optional = a.Optional
		}
	}
}

// TestCallTypesArguments: a shell's words become the JSON the command
// takes; words it cannot take are sent so the socket names the mistake.
func TestCallTypesArguments(t *testing.T) {
	tests := []struct {
		name  string
		words []string
		want  string // the request's command array
	}{
		{"seek", []string{"10"}, `["seek",10]`},
		{"seek", []string{"-2.5", "absolute"}, `["seek",-2.5,"absolute"]`},
		{"seek", []string{"soon"}, `["seek","soon"]`},
		{"seek", []string{"1", "5"}, `["seek",1,"5"]`}, // a word stays a word
		{"set_load_balancing", []string{"true"}, `["set_load_balancing",true]`},
		{"set_pause", []string{"false"}, `["set_pause",false]`},
		{"set_pause", []string{"yes"}, `["set_pause","yes"]`},
		{"fail_host", []string{"1"}, `["fail_host",1]`},
		{"quit", []string{"4"}, `["quit",4]`},
		{"load", []string{"123"}, `["load","123"]`}, // a clip is always a string
		{"load", []string{"true"}, `["load","true"]`},
		{"get_status", []string{"null"}, `["get_status",null]`}, // past the arguments: by its form
		// A command the table does not know: every word by its form.
		{"get_property", []string{"time-pos", "3", "false"}, `["get_property","time-pos",3,false]`},
	}
	for _, tt := range tests {
		c, _ := Lookup(tt.name)
		cmd := []any{tt.name}
		for i, w := range tt.words {
			cmd = append(cmd, c.argument(i, w))
		}
		got, err := json.Marshal(cmd)
		if err != nil || string(got) != tt.want {
			t.Errorf("%s %q: sent %s (%v), want %s", tt.name, tt.words, got, err, tt.want)
		}
	}
}
