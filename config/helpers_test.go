package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// testEnv is an environment whose HOME is a fresh temp dir, so that no
// test ever reads the real user's config file.
func testEnv(t *testing.T, kv ...string) func(string) string {
	t.Helper()
	m := map[string]string{"HOME": t.TempDir()}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustLoad(t *testing.T, args []string, env func(string) string) *Config {
	t.Helper()
	if env == nil {
		env = testEnv(t)
	}
	cfg, err := Load(args, env)
	if err != nil {
		t.Fatalf("Load(%q): %v", args, err)
	}
	return cfg
}

// wantUsage checks that err is a one-line *UsageError containing every
// one of parts.
func wantUsage(t *testing.T, err error, parts ...string) {
	t.Helper()
	var ue *UsageError
	if !errors.As(err, &ue) {
		t.Fatalf("got error %v (%T), want *UsageError", err, err)
	}
	msg := ue.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("message is not one line: %q", msg)
	}
	if strings.HasPrefix(strings.ToLower(msg), "error") {
		t.Errorf("message starts with Error: %q", msg)
	}
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("message %q does not contain %q", msg, p)
		}
	}
}

const h1, h2, h3 = "https://a.example.com/v/", "https://b.example.com/v/", "rtmp://c.example.com/live"

func hostURLs(cfg *Config) []string {
	var out []string
	for _, h := range cfg.Hosts {
		out = append(out, h.URL)
	}
	return out
}

type pflagFlag = pflag.Flag
