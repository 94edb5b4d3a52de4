package config

import (
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"clusterplay/cluster"
)

func TestDefaults(t *testing.T) {
	t.Parallel()
	env := testEnv(t, "XDG_STATE_HOME", "/state")
	cfg := mustLoad(t, []string{"--host", h1, "clip.mp4"}, env)
	want := cluster.DefaultOptions()
	want.Select = "ordered"
	if !reflect.DeepEqual(cfg.Cluster, want) {
		t.Errorf("Cluster = %+v, want %+v", cfg.Cluster, want)
	}
	if cfg.Clip != "clip.mp4" || cfg.StallTimeout != 5*time.Second || cfg.StateDir != "/state/clusterplay" {
		t.Errorf("got clip %q stall %v state %q", cfg.Clip, cfg.StallTimeout, cfg.StateDir)
	}
	if !cfg.Player.MpvConfig || cfg.Player.Volume != nil || cfg.ConfigFile != "" || len(cfg.Notices) != 0 {
		t.Errorf("Player = %+v, ConfigFile %q, Notices %q", cfg.Player, cfg.ConfigFile, cfg.Notices)
	}
}

func TestStateDirDefault(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	cfg := mustLoad(t, []string{"--host", h1}, env)
	if want := env("HOME") + "/.local/state/clusterplay"; cfg.StateDir != want {
		t.Errorf("StateDir = %q, want %q", cfg.StateDir, want)
	}
	// A relative XDG_STATE_HOME is invalid per the spec and ignored.
	env = testEnv(t, "XDG_STATE_HOME", "rel")
	cfg = mustLoad(t, []string{"--host", h1}, env)
	if want := env("HOME") + "/.local/state/clusterplay"; cfg.StateDir != want {
		t.Errorf("StateDir = %q, want %q", cfg.StateDir, want)
	}
}

// TestEveryFlag sets each flag and checks the field it lands in.
func TestEveryFlag(t *testing.T) {
	t.Parallel()
	vol := func(v float64) *float64 { return &v }
	tests := []struct {
		args  []string
		check func(*Config) bool
	}{
		{[]string{"--host", h1, "--host", h2}, func(c *Config) bool { return reflect.DeepEqual(hostURLs(c), []string{h1, h2}) }},
		{[]string{"--connect-timeout", "3s"}, func(c *Config) bool { return c.Cluster.ConnectTimeout == 3*time.Second }},
		{[]string{"--connect-count", "5"}, func(c *Config) bool { return c.Cluster.ConnectCount == 5 }},
		{[]string{"--failure-expiry", "10s"}, func(c *Config) bool { return c.Cluster.FailureExpiry == 10*time.Second }},
		{[]string{"--load-balance"}, func(c *Config) bool { return c.Cluster.LoadBalance && c.Cluster.Select == "random" }},
		{[]string{"--state-dir", "/tmp/st"}, func(c *Config) bool { return c.StateDir == "/tmp/st" }},
		{[]string{"--insecure"}, func(c *Config) bool { return c.Cluster.Insecure }},
		{[]string{"--print-url"}, func(c *Config) bool { return c.PrintURL }},
		{[]string{"--json"}, func(c *Config) bool { return c.JSON }},
		{[]string{"--no-tui"}, func(c *Config) bool { return c.NoTUI }},
		{[]string{"--report", "rel/r.json"}, func(c *Config) bool { return c.Report == "rel/r.json" && c.ReportFormat == "json" }},
		{[]string{"--report", "-", "--report-format", "Markdown"}, func(c *Config) bool { return c.Report == "-" && c.ReportFormat == "markdown" }},
		{[]string{"--demo"}, func(c *Config) bool { return c.Demo == "failover" }},
		{[]string{"--demo=balance"}, func(c *Config) bool { return c.Demo == "balance" }},
		{[]string{"--demo=failover"}, func(c *Config) bool { return c.Demo == "failover" }},
		{[]string{"--select", "weighted"}, func(c *Config) bool { return c.Cluster.Select == "weighted" }},
		{[]string{"--select=FASTEST"}, func(c *Config) bool { return c.Cluster.Select == "fastest" }},
		{[]string{"--select", "ordered", "--load-balance"}, func(c *Config) bool { return c.Cluster.Select == "ordered" && len(c.Notices) == 1 }},
		{[]string{"--race-delay", "100ms"}, func(c *Config) bool { return c.Cluster.RaceDelay == 100*time.Millisecond }},
		{[]string{"--race-delay", "off"}, func(c *Config) bool { return c.Cluster.RaceDelay == 0 }},
		{[]string{"--race-delay", "0"}, func(c *Config) bool { return c.Cluster.RaceDelay == 0 }},
		{[]string{"--max-inflight", "1"}, func(c *Config) bool { return c.Cluster.MaxInflight == 1 }},
		{[]string{"--stall-timeout", "8s"}, func(c *Config) bool { return c.StallTimeout == 8*time.Second }},
		{[]string{"--no-video"}, func(c *Config) bool { return c.Player.NoVideo && c.Player.Video == VideoNone }},
		{[]string{}, func(c *Config) bool { return c.Player.Video == VideoAuto && c.Player.PaneFPS == DefaultPaneFPS }},
		{[]string{"--video", "terminal"}, func(c *Config) bool { return c.Player.Video == VideoTerminal }},
		{[]string{"--video=Window"}, func(c *Config) bool { return c.Player.Video == VideoWindow }},
		{[]string{"--video", "none", "--no-video"}, func(c *Config) bool { return c.Player.Video == VideoNone }},
		{[]string{"--pane-fps", "60"}, func(c *Config) bool { return c.Player.PaneFPS == 60 }},
		{[]string{"--vo", "tct"}, func(c *Config) bool { return c.Player.VO == "tct" }},
		{[]string{"--ao=null"}, func(c *Config) bool { return c.Player.AO == "null" }},
		{[]string{"--volume", "55.5"}, func(c *Config) bool { return reflect.DeepEqual(c.Player.Volume, vol(55.5)) }},
		{[]string{"--volume", "0"}, func(c *Config) bool { return reflect.DeepEqual(c.Player.Volume, vol(0)) }},
		{[]string{"--volume", "200", "--mpv", "volume-max=200"}, func(c *Config) bool { return *c.Player.Volume == 200 }},
		{[]string{"--start", "1m30s"}, func(c *Config) bool { return c.Player.Start == 90*time.Second }},
		{[]string{"--start", "15"}, func(c *Config) bool { return c.Player.Start == 15*time.Second }}, // as mpv reads it
		{[]string{"--start=2.5"}, func(c *Config) bool { return c.Player.Start == 2500*time.Millisecond }},
		{[]string{"--connect-timeout", "1500"}, func(c *Config) bool { return c.Cluster.ConnectTimeout == 1500*time.Millisecond }},
		{[]string{"--loop-playlist"}, func(c *Config) bool { return c.Loop }},
		{[]string{"--loop"}, func(c *Config) bool { return c.Loop }},
		{[]string{"--loop-playlist=false"}, func(c *Config) bool { return !c.Loop }},
		{[]string{"--referrer", "https://r.example/"}, func(c *Config) bool { return c.Referer == "https://r.example/" }},
		{[]string{"--referer", "https://r.example/"}, func(c *Config) bool { return c.Referer == "https://r.example/" }},
		{nil, func(c *Config) bool { return c.UserAgent == "clusterplay" && c.Cluster.Header == nil }},
		{[]string{"--user-agent", "UA/1"}, func(c *Config) bool { return c.UserAgent == "UA/1" && c.Cluster.Header.Get("User-Agent") == "UA/1" }},
		{[]string{"--fullscreen"}, func(c *Config) bool { return c.Player.Fullscreen }},
		{[]string{"--no-mpv-config"}, func(c *Config) bool { return !c.Player.MpvConfig }},
		{[]string{"--mpv", "hwdec=auto", "--mpv=--cache=yes", "--mpv", "title=a=b"}, func(c *Config) bool {
			return reflect.DeepEqual(c.Player.Extra, [][2]string{{"hwdec", "auto"}, {"cache", "yes"}, {"title", "a=b"}})
		}},
		{[]string{"--mpv", "sid="}, func(c *Config) bool { return reflect.DeepEqual(c.Player.Extra, [][2]string{{"sid", ""}}) }},
		{[]string{"--cluster", "eu", "--config", "@named"}, func(c *Config) bool { return c.ClusterName == "eu" && hostURLs(c)[0] == h2 }},
		{[]string{"--config", "@named"}, func(c *Config) bool { return strings.HasSuffix(c.ConfigFile, "named.yaml") }},
		{[]string{"--", "--odd-clip-name"}, func(c *Config) bool { return c.Clip == "--odd-clip-name" }},
		{[]string{"--log-level", "DEBUG"}, func(c *Config) bool { return c.Log.Level == "debug" }},
		{[]string{"--log-file", "rel.log"}, func(c *Config) bool { return c.Log.File == "rel.log" }},
		{[]string{"--log-filter", "cluster.*,player"}, func(c *Config) bool { return c.Log.Filter == "cluster.*,player" }},
		{[]string{"--log-format=json"}, func(c *Config) bool { return c.Log.Format == "json" }},
		{nil, func(c *Config) bool { return c.Log == LogConfig{Level: "warn", Filter: "*", Format: "text"} }},
	}
	named := writeFile(t, "named.yaml", "hosts: ["+h1+"]\nclusters:\n  eu:\n    hosts: ["+h2+"]\n")
	for _, tt := range tests {
		args := append([]string(nil), tt.args...)
		for i, a := range args {
			if a == "@named" {
				args[i] = named
			}
		}
		if !strings.Contains(strings.Join(args, " "), "--host") && !strings.Contains(strings.Join(args, " "), "--config") {
			args = append([]string{"--host", h3}, args...)
		}
		cfg, err := Load(args, testEnv(t))
		if err != nil {
			t.Errorf("Load(%q): %v", tt.args, err)
			continue
		}
		if !tt.check(cfg) {
			t.Errorf("Load(%q): unexpected %+v", tt.args, cfg)
		}
	}
}

func TestHelpVersion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"-h"}, {"--host", "bad", "-h"}, {"--version", "--help"}} {
		if _, err := Load(args, testEnv(t)); !errors.Is(err, ErrHelp) {
			t.Errorf("Load(%q) = %v, want ErrHelp", args, err)
		}
	}
	if _, err := Load([]string{"--version"}, testEnv(t)); !errors.Is(err, ErrVersion) {
		t.Errorf("--version: %v, want ErrVersion", err)
	}
}

// TestUsage checks that the help text lists every flag, with the defaults.
func TestUsage(t *testing.T) {
	t.Parallel()
	u := Usage()
	fs := newFlagSet(&layer{})
	// Every flag is listed once in some group: count the flag lines.
	n := 0
	for _, line := range strings.Split(u, "\n") {
		if strings.HasPrefix(line, "      --") || strings.HasPrefix(line, "  -") && strings.Contains(line, ", --") {
			n++
		}
	}
	count := 0
	fs.VisitAll(func(f *pflagFlag) {
		count++
		if !strings.Contains(u, "--"+f.Name) {
			t.Errorf("Usage lacks --%s", f.Name)
		}
	})
	if count != n {
		t.Errorf("Usage lists %d flags, the flag set has %d", n, count)
	}
	for _, want := range []string{"(default 2s)", "(default 3)", "(default 250ms)", "(default 5s)", "[CLIP...]", "a bare number is milliseconds", "a bare number is seconds", "--loop-playlist", "--referrer", "--demo[=failover]", "--select policy", "--host URL"} {
		if !strings.Contains(u, want) {
			t.Errorf("Usage lacks %q:\n%s", want, u)
		}
	}
}

func TestFlagErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args  []string
		parts []string
	}{
		{[]string{"--bogus"}, []string{"unknown flag: --bogus"}},
		{[]string{"-x"}, []string{"unknown shorthand flag", "x"}},
		{[]string{"--host"}, []string{"flag needs an argument", "--host"}},
		{[]string{"--host", "ftp://x.example.com/"}, []string{"--host", `"ftp://x.example.com/"`, "unsupported scheme"}},
		{[]string{"--host", "example.com/video"}, []string{"--host", `"example.com/video"`, "no scheme"}},
		{[]string{"--host", "http://[::1"}, []string{"--host", `"http://[::1"`}},
		{[]string{"--host", "http://h.example.com:99999/"}, []string{"--host", "host 0", "(h.example.com) has port 99999", "1 to 65535"}},
		{[]string{"--host", h1, "--host", "rtmp://r.example.com:0/app"}, []string{"--host", "host 1", "(r.example.com) has port 0"}},
		{[]string{"--connect-timeout", "0"}, []string{"--connect-timeout", "positive"}},
		{[]string{"--connect-count", "0"}, []string{"--connect-count", "at least 1", "0"}},
		{[]string{"--connect-count", "-2"}, []string{"--connect-count", "-2"}},
		{[]string{"--connect-count", "three"}, []string{"--connect-count", "whole number", `"three"`}},
		{[]string{"--failure-expiry", "-1"}, []string{"--failure-expiry", "negative", "-1ms"}},
		{[]string{"--max-inflight", "0"}, []string{"--max-inflight", "at least 1"}},
		{[]string{"--select", "fastes"}, []string{"--select", `"fastes"`, "ordered, random, weighted, fastest"}},
		{[]string{"--race-delay", "soon"}, []string{"--race-delay", `"soon"`, "off"}},
		{[]string{"--race-delay", "-5ms"}, []string{"--race-delay", "negative"}},
		{[]string{"--demo=chaos"}, []string{"--demo", `"chaos"`, "failover, balance"}},
		{[]string{"--report-format", "html"}, []string{"--report-format", `"html"`, "json, markdown"}},
		{[]string{"--report"}, []string{"flag needs an argument", "--report"}},
		{[]string{"--demo", "balance"}, []string{"--demo=balance"}},
		{[]string{"--volume", "loud"}, []string{"--volume", `"loud"`}},
		{[]string{"--video", "sixel"}, []string{"--video", `"sixel"`, "auto, window, terminal, none"}},
		{[]string{"--pane-fps", "0"}, []string{"--pane-fps", "between 1 and 60", "0"}},
		{[]string{"--pane-fps", "61"}, []string{"--pane-fps", "61"}},
		{[]string{"--video", "terminal", "--no-video"}, []string{"--no-video is --video none", "--video says video terminal"}},
		{[]string{"--volume", "-1"}, []string{"--volume", "-1"}},
		{[]string{"--volume", "150"}, []string{"--volume", "150", "volume-max"}},
		{[]string{"--volume", "150", "--mpv", "volume-max=140"}, []string{"--volume", "150", "volume-max 140"}},
		{[]string{"--mpv", "hwdec"}, []string{"--mpv", "NAME=VALUE", `"hwdec"`}},
		{[]string{"--mpv", "=x"}, []string{"--mpv", "NAME=VALUE"}},
		{[]string{"--insecure=maybe"}, []string{"--insecure", `"maybe"`, "want on or off"}},
		{[]string{"--config", "/nonexistent/c.yaml"}, []string{"/nonexistent/c.yaml", "no such file"}},
		{[]string{"--cluster", "eu"}, []string{"--cluster eu", "no config file"}},
		{[]string{"--log-level", "verbose"}, []string{"--log-level", `"verbose"`, "debug, info, warn, error"}},
		{[]string{"--log-format", "xml"}, []string{"--log-format", `"xml"`, "text, json"}},
		{[]string{"--log-filter", "clustr.*"}, []string{"--log-filter", `"clustr.*"`, "matches no component"}},
		{[]string{"--log-filter", "cluster,[p"}, []string{"--log-filter", `"[p"`, "bad pattern"}},
	}
	for _, tt := range tests {
		args := tt.args
		if tt.args[0] != "--host" {
			args = append([]string{"--host", h1}, args...)
		}
		_, err := Load(args, testEnv(t))
		wantUsage(t, err, tt.parts...)
	}
}

func TestNoHosts(t *testing.T) {
	t.Parallel()
	_, err := Load(nil, testEnv(t))
	wantUsage(t, err, "no hosts", "--host")
	// A demo brings its own hosts, and no clip is fine: the caller decides.
	cfg := mustLoad(t, []string{"--demo"}, nil)
	if cfg.Demo != "failover" || cfg.Clip != "" || len(cfg.Hosts) != 0 {
		t.Errorf("--demo: %+v", cfg)
	}
}

func TestRaceDelayClamp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args   []string
		want   time.Duration
		notice string
	}{
		{[]string{"--race-delay", "5ms"}, 10 * time.Millisecond, "raised"},
		{[]string{"--race-delay", "3s"}, 2 * time.Second, "lowered"},
		{[]string{"--connect-timeout", "100ms"}, 100 * time.Millisecond, ""}, // the default 250ms follows quietly
		{[]string{"--race-delay", "10ms"}, 10 * time.Millisecond, ""},
		{[]string{"--race-delay", "off", "--connect-timeout", "5ms"}, 0, ""},
	}
	for _, tt := range tests {
		cfg := mustLoad(t, append([]string{"--host", h1}, tt.args...), nil)
		if cfg.Cluster.RaceDelay != tt.want {
			t.Errorf("%q: RaceDelay = %v, want %v", tt.args, cfg.Cluster.RaceDelay, tt.want)
		}
		got := strings.Join(cfg.Notices, "|")
		if (tt.notice == "") != (got == "") || !strings.Contains(got, tt.notice) {
			t.Errorf("%q: notices %q, want one with %q", tt.args, got, tt.notice)
		}
	}
}

// TestSelectFollowsRegistry: --select takes exactly the engine's policies,
// and each one it takes builds a selector.
func TestSelectFollowsRegistry(t *testing.T) {
	t.Parallel()
	got := append([]string(nil), selectPolicies...)
	sort.Strings(got)
	if want := cluster.PolicyNames(); !reflect.DeepEqual(got, want) {
		t.Errorf("--select takes %q, the registry has %q", got, want)
	}
	for _, p := range selectPolicies {
		cfg := mustLoad(t, []string{"--host", h1, "--select", p}, nil)
		if _, err := cluster.NewSelector(cfg.Cluster.Select); err != nil || cfg.Cluster.Select != p {
			t.Errorf("--select %s: Select %q, %v", p, cfg.Cluster.Select, err)
		}
	}
}
