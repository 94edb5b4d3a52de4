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
		"inject":             "inject RULE",
		"clear_faults":       "clear_faults",
		"get_pathways":       "get_pathways",
		"set_pathway":        "set_pathway NAME",
		"cycle_quality":      "cycle_quality",
		"quit":               "quit [CODE]",
		// mpv's, which the table knows
		"get_property":            "get_property NAME",
		"get_property_string":     "get_property_string NAME",
		"set_property":            "set_property NAME VALUE",
		"set_property_string":     "set_property_string NAME VALUE",
		"observe_property":        "observe_property ID NAME",
		"observe_property_string": "observe_property_string ID NAME",
		"unobserve_property":      "unobserve_property ID",
		"request_log_messages":    "request_log_messages LEVEL",
		"enable_event":            "enable_event EVENT",
		"disable_event":           "disable_event EVENT",
		"client_name":             "client_name",
		"get_time_us":             "get_time_us",
		"get_version":             "get_version",
		"loadfile":                "loadfile URL [FLAGS]",
		"loadlist":                "loadlist URL [FLAGS]",
		"stop":                    "stop [FLAGS]",
		"quit-watch-later":        "quit-watch-later [CODE]",
		"playlist-next":           "playlist-next [FLAGS]",
		"playlist-prev":           "playlist-prev [FLAGS]",
		"keypress":                "keypress KEY",
		"keydown":                 "keydown KEY",
		"mouse":                   "mouse X Y [BUTTON] [single|double]",
	}
	if len(table) != len(want) {
		t.Errorf("%d commands, want %d", len(table), len(want))
	}
	for _, c := range Commands() {
		if got := c.Usage(); got != want[c.Name] {
			t.Errorf("%s: usage %q, want %q", c.Name, got, want[c.Name])
		}
	}
	// The unknown command's error names clusterplay's own alone.
	if got := Names(); got != "get_status, set_load_balancing, fail_host, next_host, resolve, load, set_pause, seek, inject, clear_faults, get_pathways, set_pathway, cycle_quality, quit" {
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
		if (c.run == nil) == (c.mpv == nil) || c.Help == "" || strings.Contains(c.Help, "|") {
			t.Errorf("%s: want one handler and a help line without pipes", c.Name)
		}
		if c.special && (c.mpv == nil || strings.Contains(c.Name, "-")) {
			t.Errorf("%s: an IPC request of mpv's is spelt with _ and answered by mpv", c.Name)
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
		{"seek", []string{"NaN"}, `["seek","NaN"]`}, // not JSON: refused as a word
		{"seek", []string{"Inf"}, `["seek","Inf"]`},
		{"set_load_balancing", []string{"null"}, `["set_load_balancing",null]`}, // refused by the socket
		{"seek", []string{"1", "5"}, `["seek",1,"5"]`},                          // a word stays a word
		{"set_load_balancing", []string{"true"}, `["set_load_balancing",true]`},
		{"set_pause", []string{"false"}, `["set_pause",false]`},
		{"set_pause", []string{"yes"}, `["set_pause","yes"]`},
		{"fail_host", []string{"1"}, `["fail_host",1]`},
		{"quit", []string{"4"}, `["quit",4]`},
		{"load", []string{"123"}, `["load","123"]`}, // a clip is always a string
		{"load", []string{"true"}, `["load","true"]`},
		{"get_status", []string{"null"}, `["get_status",null]`}, // past the arguments: by its form
		{"get_property", []string{"time-pos"}, `["get_property","time-pos"]`},
		{"set_property", []string{"pause", "true"}, `["set_property","pause",true]`}, // a value by its form
		{"set_property", []string{"volume", "50"}, `["set_property","volume",50]`},
		{"set_property", []string{"media-title", "x"}, `["set_property","media-title","x"]`},
		{"observe_property", []string{"1", "time-pos"}, `["observe_property",1,"time-pos"]`},
		{"keypress", []string{"1"}, `["keypress","1"]`}, // a key is a string
		{"mouse", []string{"10", "20", "0", "double"}, `["mouse",10,20,0,"double"]`},
		// A command the table does not know is mpv's: strings, which mpv
		// reads as each argument's type.
		{"cycle", []string{"pause"}, `["cycle","pause"]`},
		{"set", []string{"volume", "50"}, `["set","volume","50"]`},
		{"add", []string{"volume", "-5", "true"}, `["add","volume","-5","true"]`},
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

// TestNullsAndAbsurdSeeksAreRefused: JSON decodes null into false, 0 or
// "" without an error, so set_load_balancing null was taken as false; and
// a seek of 1e300 seconds overflowed into a seek to 0. Both are refused
// with an error that names the command and the argument, and nothing is
// done.
func TestNullsAndAbsurdSeeksAreRefused(t *testing.T) {
	s, _, rec := start(t, Options{})
	tests := []struct {
		command string // the request's command array
		wantErr string // "" for success
		call    string // what the controller was asked
	}{
		{`["set_load_balancing",null]`, "set_load_balancing: argument 1 must be true or false, got null", ""},
		{`["set_pause", null ]`, "set_pause: argument 1 must be true or false, got null", ""},
		{`["fail_host",null]`, "fail_host: argument 1 must be a whole number, got null", ""},
		{`["quit",null]`, "quit: argument 1 must be a whole number, got null", ""},
		{`["load",null]`, "load: argument 1 must be a string, got null", ""},
		{`["seek",null]`, "seek: argument 1 must be a number, got null", ""},
		{`["seek",1,null]`, `seek: argument 2 must be "relative" or "absolute", got null`, ""},
		{`["seek",1e300]`, "seek: argument 1 must be within ±1000000000 seconds, got 1e+300", ""},
		{`["seek",-1e300]`, "seek: argument 1 must be within ±1000000000 seconds, got -1e+300", ""},
		{`["seek",1e10,"absolute"]`, "seek: argument 1 must be within ±1000000000 seconds, got 1e+10", ""},
		{`["seek",1e400]`, "invalid parameter", ""}, // past float64: mpv cannot read the request
		// JSON has no NaN or Infinity: `clusterplay ctl seek NaN` sends a string.
		{`["seek","NaN"]`, `seek: argument 1 must be a number, got "NaN"`, ""},
		{`["seek","-Infinity"]`, `seek: argument 1 must be a number, got "-Infinity"`, ""},
		{`["seek",1e9,"absolute"]`, "", "seek to 277777h46m40s"},
		{`["seek",-1e9]`, "", "seek by -277777h46m40s"},
		{`["set_load_balancing",false]`, "", "lb false"},
	}
	c := dial(t, s.opts.Path)
	for _, tt := range tests {
		before := len(rec.Calls())
		r := c.ask(`{"command":` + tt.command + `}`)
		err, _ := r["error"].(string)
		calls := rec.Calls()[before:]
		switch {
		case tt.wantErr == "" && err != success:
			t.Errorf("%s: %v", tt.command, err)
		case tt.wantErr != "" && err != tt.wantErr:
			t.Errorf("%s: error %q, want %q", tt.command, err, tt.wantErr)
		case tt.call == "" && len(calls) != 0, tt.call != "" && (len(calls) != 1 || calls[0] != tt.call):
			t.Errorf("%s: called %q, want %q", tt.command, calls, tt.call)
		}
	}
}
