package app

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"clusterplay/control"
)

// TestCtlPrintsDataOnly: `clusterplay ctl` prints a reply's data when it
// has some, nothing when it has none, and the error of a refusal.
func TestCtlPrintsDataOnly(t *testing.T) {
	c, _, _, bus := testController(t)
	sock := filepath.Join(t.TempDir(), "ctl.sock")
	srv, err := control.Listen(control.Options{Path: sock, Hosts: []string{"a", "b"}}, bus, c)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string // stdout exactly, stderr contained
	}{
		{[]string{sock, "set_pause", "true"}, 0, "", ""},
		{[]string{sock, "seek", "10", "absolute"}, 0, "", ""},
		{[]string{sock, "get_status"}, 0, `{"state":"idle",`, ""},
		{[]string{sock, "seek", "soon"}, 1, "", `seek: argument 1 must be a number, got "soon"`},
		{[]string{sock}, 2, "", "usage: clusterplay ctl PATH NAME [ARGS...] (NAME: get_status, set_load_balancing,"},
		{[]string{filepath.Join(t.TempDir(), "none"), "get_status"}, 2, "", "cannot connect"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := runCtl(tt.args, &stdout, &stderr)
		out := stdout.String()
		okOut := out == tt.stdout || (strings.HasSuffix(tt.stdout, ",") && strings.HasPrefix(out, tt.stdout) && strings.HasSuffix(out, "}\n"))
		if code != tt.code || !okOut || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("ctl %q: exit %d, stdout %q, stderr %q", tt.args[1:], code, out, stderr.String())
		}
	}
}

// TestCtlHelp: `clusterplay ctl --help` lists every command of the table
// with its arguments and its help, on stdout.
func TestCtlHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runCtl([]string{"--help"}, &stdout, &stderr); code != 0 || stderr.Len() != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	help := stdout.String()
	flat := strings.Join(strings.Fields(help), " ")
	for _, c := range control.Commands() {
		if !strings.Contains(help, "\n  "+c.Usage()+"\n") {
			t.Errorf("--help lacks the line %q", c.Usage())
		}
		if !strings.Contains(flat, strings.ReplaceAll(c.Help, "`", "")) {
			t.Errorf("--help lacks %s's help", c.Name)
		}
	}
	for i, line := range strings.Split(help, "\n") {
		if len(line) > 80 {
			t.Errorf("line %d is %d wide: %q", i+1, len(line), line)
		}
	}
}
