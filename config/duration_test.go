package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		allowOff bool
		want     time.Duration
		err      string
	}{
		{"1500ms", false, 1500 * time.Millisecond, ""},
		{"2s", false, 2 * time.Second, ""},
		{"1m30s", false, 90 * time.Second, ""},
		{"2000", false, 2 * time.Second, ""},
		{" 250 ", false, 250 * time.Millisecond, ""},
		{"1.5", false, 1500 * time.Microsecond, ""},
		{"0", false, 0, ""},
		{"-5", false, -5 * time.Millisecond, ""},
		{"-1s", false, -time.Second, ""},
		{"off", true, 0, ""},
		{"OFF", true, 0, ""},
		{"off", false, 0, `got "off"`},
		{"2x", false, 0, `got "2x"`},
		{"", false, 0, `got ""`},
		{"1e3", false, 0, `got "1e3"`},
		{"0x10", false, 0, `got "0x10"`},
		{"Inf", false, 0, `got "Inf"`},
		{"99999999999999999999", false, 0, "out of range"},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in, tt.allowOff, inMillis)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseDuration(%q) error = %v, want containing %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseSeconds(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"15", 15 * time.Second, ""},
		{"1.5", 1500 * time.Millisecond, ""},
		{" 90 ", 90 * time.Second, ""},
		{"1500ms", 1500 * time.Millisecond, ""},
		{"1m30s", 90 * time.Second, ""},
		{"2x", 0, `or a number of seconds, got "2x"`},
		{"9999999999999", 0, "seconds is out of range"},
	}
	for _, tt := range tests {
		got, err := parseDuration(tt.in, false, inSeconds)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseDuration(%q) error = %v, want containing %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

// TestDurationFlags runs every duration flag through every form: a bare
// number is milliseconds for the cluster's settings, as Flowplayer read
// them, and seconds for --start, as mpv reads it.
func TestDurationFlags(t *testing.T) {
	t.Parallel()
	get := map[string]func(*Config) time.Duration{
		"connect-timeout": func(c *Config) time.Duration { return c.Cluster.ConnectTimeout },
		"failure-expiry":  func(c *Config) time.Duration { return c.Cluster.FailureExpiry },
		"race-delay":      func(c *Config) time.Duration { return c.Cluster.RaceDelay },
		"stall-timeout":   func(c *Config) time.Duration { return c.StallTimeout },
		"read-timeout":    func(c *Config) time.Duration { return c.ReadTimeout },
		"slow-timeout":    func(c *Config) time.Duration { return c.SlowTimeout },
		"fail-back-probe": func(c *Config) time.Duration { return c.FailBackProbe },
		"fail-back-after": func(c *Config) time.Duration { return c.FailBackAfter },
		"start":           func(c *Config) time.Duration { return c.Player.Start },
	}
	inSecondsFlags := map[string]bool{"start": true}
	for flag, f := range get {
		bare := struct {
			arg  string
			want time.Duration
		}{"2000", 2 * time.Second}
		if inSecondsFlags[flag] {
			bare.arg = "2"
		}
		forms := []struct {
			arg  string
			want time.Duration
		}{
			{"1500ms", 1500 * time.Millisecond},
			{"2s", 2 * time.Second},
			bare,
		}
		for _, form := range forms {
			args := []string{"--host", h1, "--" + flag + "=" + form.arg}
			if flag == "race-delay" { // keep it below the clamp
				args = append(args, "--connect-timeout=10s")
			}
			cfg := mustLoad(t, args, nil)
			if got := f(cfg); got != form.want {
				t.Errorf("--%s=%s: got %v, want %v", flag, form.arg, got, form.want)
			}
		}
		_, err := Load([]string{"--host", h1, "--" + flag, "2x"}, testEnv(t))
		wantUsage(t, err, "--"+flag, `"2x"`)
		_, err = Load([]string{"--host", h1, "--" + flag + "=-1s"}, testEnv(t))
		wantUsage(t, err, "--"+flag, "must", "-1s")
	}
}

func TestZeroDurations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flag string
		ok   bool
	}{
		{"connect-timeout", false},
		{"stall-timeout", false},
		{"failure-expiry", true}, // 0 = failures not remembered
		{"race-delay", true},     // 0 = one at a time
		{"start", true},
	}
	for _, tt := range tests {
		_, err := Load([]string{"--host", h1, "--" + tt.flag, "0"}, testEnv(t))
		if tt.ok && err != nil {
			t.Errorf("--%s 0: %v", tt.flag, err)
		}
		if !tt.ok {
			wantUsage(t, err, "--"+tt.flag, "must be positive")
		}
	}
}
