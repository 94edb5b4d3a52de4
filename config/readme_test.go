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

// TestReadmeFlags holds the README's flag table to the settings table:
// the same flags, with the same defaults. A switch that is off by default
// may show "off" or nothing.
func TestReadmeFlags(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n### Flags\n")
	section, _, _ = strings.Cut(section, "\n#")
	rows := flagTable(section)
	if !ok || len(rows) == 0 {
		t.Fatal("README has no table under \"### Flags\"")
	}
	known := map[string]bool{}
	for _, e := range table {
		flag, _ := e.names()
		if flag == "" {
			continue
		}
		names := []string{flag}
		if alias, _ := e.aliases(); alias != "" {
			names = append(names, alias)
		}
		for _, flag := range names {
			known[flag] = true
			got, ok := rows[flag]
			want := e.shownDefault()
			switch {
			case !ok:
				t.Errorf("the README's flag table lacks --%s", flag)
			case got != want && !(want == "off" && got == ""):
				t.Errorf("--%s: the README shows the default %q, the settings table %q", flag, got, want)
			}
		}
	}
	for flag := range rows {
		if !known[flag] {
			t.Errorf("the README's flag table lists --%s, which is no flag", flag)
		}
	}
}
