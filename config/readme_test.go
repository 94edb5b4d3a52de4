package config

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

var flagName = regexp.MustCompile(`--([a-z][a-z-]*[a-z])`)

// flagTable reads a markdown table whose first column names flags and
// whose second is the default: every flag a row names (a row may name
// several: "`--vo`, `--ao`") maps to that row's default, backquotes
// dropped. Escaped pipes ("D\|off") stay inside their cell.
func flagTable(md string) map[string]string {
	rows := map[string]string{}
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "| `--") {
			continue
		}
		cells := strings.Split(strings.ReplaceAll(line, `\|`, "\x00"), "|")
		if len(cells) < 3 {
			continue
		}
		def := strings.TrimSpace(strings.ReplaceAll(cells[2], "`", ""))
		for _, m := range flagName.FindAllStringSubmatch(cells[1], -1) {
			rows[m[1]] = strings.ReplaceAll(def, "\x00", "|")
		}
	}
	return rows
}

func TestFlagTable(t *testing.T) {
	md := "| flag | default | meaning |\n| --- | --- | --- |\n" +
		"| `--race-delay D\\|off` | `250ms` | a \\| b |\n" +
		"| `--vo`, `--ao` | mpv's | |\n" +
		"| `--demo[=failover\\|balance]` | | |\n" +
		"| `--config FILE` | `$XDG_CONFIG_HOME/c.yaml` if present | |\n" +
		"not a row mentioning `--json`\n"
	want := map[string]string{"race-delay": "250ms", "vo": "mpv's", "ao": "mpv's", "demo": "",
		"config": "$XDG_CONFIG_HOME/c.yaml if present"}
	if got := flagTable(md); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// docSection reads a markdown file and returns the text after the line
// heading, up to the next heading.
func docSection(t *testing.T, file, heading string) string {
	t.Helper()
	doc, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), heading+"\n")
	if !ok {
		t.Fatalf("%s has no heading %q", file, heading)
	}
	section, _, _ = strings.Cut(section, "\n#")
	return section
}

// shownDefaults maps every flag and alias of the settings table to its
// default as the docs show it.
func shownDefaults() map[string]string {
	shown := map[string]string{}
	for _, e := range table {
		flag, _ := e.names()
		if flag == "" {
			continue
		}
		shown[flag] = e.shownDefault()
		if alias, _ := e.aliases(); alias != "" {
			shown[alias] = e.shownDefault()
		}
	}
	return shown
}

// defaultMatches: a switch that is off by default may show "off" or
// nothing.
func defaultMatches(got, want string) bool {
	return got == want || (want == "off" && got == "")
}

// TestReadmeFlags holds the flag table of docs/flags.md to the settings
// table: the same flags, with the same defaults.
func TestReadmeFlags(t *testing.T) {
	rows := flagTable(docSection(t, "../docs/flags.md", "# Flags"))
	if len(rows) == 0 {
		t.Fatal("docs/flags.md has no table under \"# Flags\"")
	}
	shown := shownDefaults()
	for flag, want := range shown {
		got, ok := rows[flag]
		switch {
		case !ok:
			t.Errorf("the flag table of docs/flags.md lacks --%s", flag)
		case !defaultMatches(got, want):
			t.Errorf("--%s: docs/flags.md shows the default %q, the settings table %q", flag, got, want)
		}
	}
	for flag := range rows {
		if _, ok := shown[flag]; !ok {
			t.Errorf("the flag table of docs/flags.md lists --%s, which is no flag", flag)
		}
	}
}

// TestReadmeCommonFlags holds the README's short table of common flags to
// the settings table: each row a real flag with its real default.
func TestReadmeCommonFlags(t *testing.T) {
	rows := flagTable(docSection(t, "../README.md", "### Common flags"))
	if len(rows) < 10 {
		t.Fatalf("the README's common flags table has %d flags, want 10 or more", len(rows))
	}
	shown := shownDefaults()
	for flag, got := range rows {
		want, ok := shown[flag]
		switch {
		case !ok:
			t.Errorf("the README's common flags table lists --%s, which is no flag", flag)
		case !defaultMatches(got, want):
			t.Errorf("--%s: the README shows the default %q, the settings table %q", flag, got, want)
		}
	}
}
