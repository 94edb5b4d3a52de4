package config

import (
	"reflect"
	"strings"
	"testing"
)

// TestFailIf: each --fail-if adds a condition, after the file's; a bad one
// is a usage error naming the flag or the file's line.
func TestFailIf(t *testing.T) {
	cfg := mustLoad(t, []string{"--host", h1, "--fail-if", "stalls > 0", "--fail-if=host[1].relay_bytes==0", "a.mp4"}, nil)
	var exprs []string
	for _, c := range cfg.FailIf {
		exprs = append(exprs, c.Expr)
	}
	if !reflect.DeepEqual(exprs, []string{"stalls > 0", "host[1].relay_bytes==0"}) {
		t.Errorf("conditions %q", exprs)
	}
	file := writeFile(t, "c.yaml", "hosts: ["+h1+"]\nfailIf: failovers > 3\n")
	cfg = mustLoad(t, []string{"--config", file, "--fail-if", "stalls > 0", "a.mp4"}, nil)
	if len(cfg.FailIf) != 2 || cfg.FailIf[0].Expr != "failovers > 3" || cfg.FailIf[1].Expr != "stalls > 0" {
		t.Errorf("file then flag: %+v", cfg.FailIf)
	}

	_, err := Load([]string{"--host", h1, "--fail-if", "stalls >> 0", "a.mp4"}, testEnv(t))
	wantUsage(t, err, "--fail-if", "is not a number")
	_, err = Load([]string{"--host", h1, "--fail-if", "stalled > 0", "a.mp4"}, testEnv(t))
	wantUsage(t, err, "--fail-if", `unknown number "stalled"`)
	bad := writeFile(t, "c.yaml", "hosts: ["+h1+"]\nfailIf:\n  - stalls > 0\n  - host[0].nope > 1\n")
	_, err = Load([]string{"--config", bad, "a.mp4"}, testEnv(t))
	wantUsage(t, err, bad+":4", `unknown host field "nope"`)
}

func TestCMCDSettings(t *testing.T) {
	cfg := mustLoad(t, []string{"--host", h1, "a.mp4"}, nil)
	if cfg.CMCD != "off" || cfg.CMCDContentID != "" {
		t.Errorf("defaults %q %q", cfg.CMCD, cfg.CMCDContentID)
	}
	cfg = mustLoad(t, []string{"--host", h1, "--cmcd", "QUERY", "--cmcd-content-id", "movie-1", "a.mp4"}, nil)
	if cfg.CMCD != "query" || cfg.CMCDContentID != "movie-1" {
		t.Errorf("got %q %q", cfg.CMCD, cfg.CMCDContentID)
	}
	_, err := Load([]string{"--host", h1, "--cmcd", "both", "a.mp4"}, testEnv(t))
	wantUsage(t, err, "--cmcd", "off, query, header")
	_, err = Load([]string{"--host", h1, "--cmcd-content-id", strings.Repeat("x", 65), "a.mp4"}, testEnv(t))
	wantUsage(t, err, "--cmcd-content-id", "at most 64")
}
