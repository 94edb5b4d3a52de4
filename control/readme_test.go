package control

import (
	"os"
	"strings"
	"testing"
)

// markdownRow is the docs' row for c: its name, its arguments as a
// shell types them, and its help, as the table of docs/control.md
// writes them.
func markdownRow(c Command) string {
	args := " "
	if a := c.ArgsUsage(); a != "" {
		args = " `" + strings.ReplaceAll(a, "|", `\|`) + "` "
	}
	return "| `" + c.Name + "` |" + args + "| " + c.Help + " |"
}

// TestReadmeCommands holds the command list of docs/control.md to the
// table: the same commands, in the same order, with the same arguments and
// help, so that the docs, the socket and `clusterplay ctl --help` cannot
// drift.
func TestReadmeCommands(t *testing.T) {
	doc, err := os.ReadFile("../docs/control.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "# Control socket\n")
	section, _, _ = strings.Cut(section, "\n## ")
	var rows []string
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "| `") {
			rows = append(rows, strings.TrimSpace(line))
		}
	}
	if !ok || len(rows) == 0 {
		t.Fatal("docs/control.md has no command table under \"# Control socket\"")
	}
	for i, c := range table {
		want := markdownRow(c)
		switch {
		case i >= len(rows):
			t.Errorf("docs/control.md's table lacks %s; want the row\n%s", c.Name, want)
		case rows[i] != want:
			t.Errorf("docs/control.md's row %d is\n%s\nthe table's\n%s", i+1, rows[i], want)
		}
	}
	for _, extra := range rows[min(len(rows), len(table)):] {
		t.Errorf("docs/control.md lists a command the table lacks: %s", extra)
	}
}
