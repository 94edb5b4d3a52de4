package config

import (
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
)

// loadQuickly loads args and fails unless Load answers within limit. A
// Load still running then is stuck or exploding: the panic stops the whole
// test binary with every goroutine's stack, as go test -timeout would, but
// before a runaway file eats the machine's memory.
func loadQuickly(t *testing.T, limit time.Duration, args ...string) (*Config, time.Duration, error) {
	t.Helper()
	type result struct {
		cfg *Config
		err error
	}
	done := make(chan result, 1)
	env := testEnv(t)
	began := time.Now()
	go func() {
		cfg, err := Load(args, env)
		done <- result{cfg, err}
	}()
	select {
	case r := <-done:
		return r.cfg, time.Since(began), r.err
	case <-time.After(limit):
		panic(fmt.Sprintf("Load(%q) still running after %v", args, limit))
	}
}

// slack scales a time limit for the race detector, under which the YAML
// parser runs several times slower.
func slack(d time.Duration) time.Duration {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "-race" && s.Value == "true" {
				return 5 * d
			}
		}
	}
	return d
}

// aliasBomb is the "billion laughs" in YAML: nine aliases of nine aliases,
// nine levels deep, a few hundred bytes that stand for 9^9 values.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString(`mpv: {a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]`)
	for c, prev := 'b', 'a'; c <= 'i'; c, prev = c+1, c {
		fmt.Fprintf(&b, ", %c: &%c [%s]", c, c, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*%c, ", prev), 9), ", "))
	}
	b.WriteString("}\n")
	return b.String()
}

// sharedHosts is what aliases are for: one list of hosts shared by many
// named clusters, well within the bound on what they may expand to.
func sharedHosts(clusters, hosts int) string {
	var b strings.Builder
	b.WriteString("hosts: &all\n")
	for i := range hosts {
		fmt.Fprintf(&b, "  - https://edge%d.example.com/v/\n", i)
	}
	b.WriteString("clusters:\n")
	for i := range clusters {
		fmt.Fprintf(&b, "  c%d:\n    hosts: *all\n", i)
	}
	return b.String()
}

// manyKeys is n mpv options, one per line, in YAML or JSON, each line a
// few bytes so that 100,000 fit under the size bound; then extra.
func manyKeys(n int, json bool, extra string) string {
	var b strings.Builder
	if json {
		b.WriteString("{\"hosts\": [\"" + h1 + "\"], \"mpv\": {\n")
		for i := range n {
			fmt.Fprintf(&b, "%q:1,\n", strconv.FormatInt(int64(i), 36))
		}
		b.WriteString(extra + "\"last\": 1}}\n")
		return b.String()
	}
	b.WriteString("hosts: [" + h1 + "]\nmpv:\n")
	for i := range n {
		fmt.Fprintf(&b, " %s: 1\n", strconv.FormatInt(int64(i), 36))
	}
	return b.String() + extra
}

// mergedKeys is n mpv options merged into a mapping that has n of its own.
func mergedKeys(n int) string {
	var b strings.Builder
	b.WriteString("hosts: [" + h1 + "]\nmpv:\n <<:\n")
	for i := range n {
		fmt.Fprintf(&b, "  _%s: 1\n", strconv.FormatInt(int64(i), 36))
	}
	for i := range n {
		fmt.Fprintf(&b, " %s: 1\n", strconv.FormatInt(int64(i), 36))
	}
	return b.String()
}

// TestHostileFiles: a config file that is huge, explodes through aliases
// or holds very many keys is answered at once, and with one line.
func TestHostileFiles(t *testing.T) {
	// Each takes well under a second; the slack is for a busy machine. The
	// old code took 11 s for 100,000 keys and never finished the bomb.
	slow := slack(8 * time.Second)
	stuck := 2 * slow
	pad := func(size int, ext string) string {
		body := "hosts: [" + h1 + "]\n"
		if ext == ".json" {
			body = "{\"hosts\": [\"" + h1 + "\"]}\n"
		}
		return strings.Repeat(" ", size-len(body)) + body
	}
	tests := []struct {
		name, text string
		want       []string // parts of the error; none = the file loads
		keys       int      // mpv options the loaded config must have
	}{
		{"bomb.yaml", aliasBomb(), []string{"@:1", "expands too much through aliases", "more than 10000"}, 0},
		{"shared.yaml", sharedHosts(20, 50), nil, 0},
		{"big.yaml", pad(2<<20, ".yaml"), []string{"cannot read config file @", "larger than 1 MiB"}, 0},
		{"big.json", pad(2<<20, ".json"), []string{"cannot read config file @", "larger than 1 MiB"}, 0},
		{"just-over.yaml", pad(1<<20+1, ".yaml"), []string{"larger than 1 MiB"}, 0},
		{"at-bound.yaml", pad(1<<20, ".yaml"), nil, 0},
		{"keys.yaml", manyKeys(100000, false, ""), nil, 100000},
		{"keys.json", manyKeys(100000, true, ""), nil, 100001},
		{"merged.yaml", mergedKeys(40000), nil, 80000},
		{"long-key.json", "{\"" + strings.Repeat("b", 1<<20-10) + "\": 1}", []string{"@:1", `unknown key "bbb`}, 0},
		{"dup.yaml", manyKeys(100000, false, " 0: 2\n"), []string{"@:100003", `duplicate key "0" (first at line 3)`}, 0},
		{"dup.json", manyKeys(100000, true, "\"0\":2,\n"), []string{"@:100002", `duplicate key "0" (first at line 2)`}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.name, tt.text)
			cfg, took, err := loadQuickly(t, stuck, "--config", path)
			if took > slow {
				t.Errorf("took %v, want well under a second", took)
			}
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if len(cfg.Player.Extra) != tt.keys {
					t.Errorf("%d mpv options, want %d", len(cfg.Player.Extra), tt.keys)
				}
				return
			}
			parts := make([]string, len(tt.want))
			for i, p := range tt.want {
				parts[i] = strings.ReplaceAll(p, "@", path)
			}
			wantUsage(t, err, parts...)
		})
	}
}
