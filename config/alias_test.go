package config

import (
	"testing"
	"time"
)

// TestKeyAliasesAndUnits: mpv's names are keys too (loop stays for
// loopPlaylist, referrer beside referer), an alias and its key set one
// setting, and a bare number in the file counts what the flag's does:
// seconds for start, milliseconds for connectTimeout.
func TestKeyAliasesAndUnits(t *testing.T) {
	tests := []struct {
		yaml  string
		check func(*Config) bool
	}{
		{"loopPlaylist: true\n", func(c *Config) bool { return c.Loop }},
		{"loop: true\n", func(c *Config) bool { return c.Loop }},
		{"referrer: https://r.example/\n", func(c *Config) bool { return c.Referer == "https://r.example/" }},
		{"referer: https://r.example/\n", func(c *Config) bool { return c.Referer == "https://r.example/" }},
		{"start: 15\n", func(c *Config) bool { return c.Player.Start == 15*time.Second }},
		{"start: \"15\"\n", func(c *Config) bool { return c.Player.Start == 15*time.Second }},
		{"start: 1.5\n", func(c *Config) bool { return c.Player.Start == 1500*time.Millisecond }},
		{"connectTimeout: 1500\n", func(c *Config) bool { return c.Cluster.ConnectTimeout == 1500*time.Millisecond }},
		{"failureExpiry: 3000\n", func(c *Config) bool { return c.Cluster.FailureExpiry == 3*time.Second }},
	}
	for _, tt := range tests {
		path := writeFile(t, "c.yaml", "hosts: ["+h1+"]\n"+tt.yaml)
		if cfg := mustLoad(t, []string{"--config", path}, nil); !tt.check(cfg) {
			t.Errorf("%q: unexpected %+v", tt.yaml, cfg)
		}
	}
	path := writeFile(t, "c.yaml", "hosts: ["+h1+"]\nloopPlaylist: false\nloop: true\n")
	_, err := Load([]string{"--config", path}, testEnv(t))
	wantUsage(t, err, "c.yaml:3: loop", "already set at line 2")
	path = writeFile(t, "c.yaml", "hosts: ["+h1+"]\nstart: [1]\n")
	_, err = Load([]string{"--config", path}, testEnv(t))
	wantUsage(t, err, "start", `e.g. 2 or "2s"`)
}
