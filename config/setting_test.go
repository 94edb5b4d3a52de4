package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"clusterplay/cluster"
)

// TestTableNames: every entry is reachable, and no two share a flag or a
// key (pflag itself refuses a shorthand twice).
func TestTableNames(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	once := func(kind, name string) {
		if name == "" {
			return
		}
		if seen[kind+name] {
			t.Errorf("%s %q is in the table twice", kind, name)
		}
		seen[kind+name] = true
	}
	for _, e := range table {
		flag, key := e.names()
		if flag == "" && key == "" {
			t.Errorf("an entry has neither flag nor key: %+v", e)
		}
		once("flag", flag)
		once("key", key)
		if g := e.section(); flag != "" && (g < 0 || int(g) >= len(groupTitles)) {
			t.Errorf("--%s is in no group of --help", flag)
		}
	}
}

// TestKeysFollowFlags holds the table to what --help promises: each
// Cluster, Player and Logs flag but --cluster has a config key, its name in
// camelCase. The exceptions are the ones the help and docs/config.md name.
func TestKeysFollowFlags(t *testing.T) {
	t.Parallel()
	except := map[string]string{
		"host":          "hosts",       // Flowplayer's key; one URL per --host
		"no-mpv-config": "mpvConfig",   // --no-mpv-config is mpvConfig: false
		"http-header":   "httpHeaders", // one header per flag, a list of them in the file
		"cluster":       "",            // picks a cluster; is no setting of one
	}
	for _, e := range table {
		flag, key := e.names()
		if flag == "" || e.section() != clusterGroup && e.section() != playerGroup && e.section() != logGroup {
			continue
		}
		want, ok := except[flag]
		if !ok {
			want = camel(flag)
		}
		if key != want {
			t.Errorf("--%s has key %q, want %q", flag, key, want)
		}
	}
}

func camel(flag string) string {
	parts := strings.Split(flag, "-")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	return strings.Join(parts, "")
}

// TestEngineDefaults: the table's defaults for the engine are cluster's,
// so that there is one place to change them.
func TestEngineDefaults(t *testing.T) {
	t.Parallel()
	var cfg Config
	empty := &layer{}
	for _, e := range table {
		e.apply(&cfg, empty)
	}
	if want := cluster.DefaultOptions(); !reflect.DeepEqual(cfg.Cluster, want) {
		t.Errorf("table defaults %+v, cluster.DefaultOptions %+v", cfg.Cluster, want)
	}
	if cfg.StallTimeout != DefaultStallTimeout || !cfg.Player.MpvConfig {
		t.Errorf("StallTimeout %v, MpvConfig %v", cfg.StallTimeout, cfg.Player.MpvConfig)
	}
}

// TestMergeLayers: a later layer wins setting by setting, keeps its src,
// and goes through the setting's merge when it has one.
func TestMergeLayers(t *testing.T) {
	t.Parallel()
	var connect, vo, mpv entry
	for _, e := range table {
		switch flag, _ := e.names(); flag {
		case "connect-timeout":
			connect = e
		case "vo":
			vo = e
		case "mpv":
			mpv = e
		}
	}
	ct := connect.(*setting[time.Duration])
	v := vo.(*setting[string])
	mp := mpv.(*setting[[][2]string])
	top, named, flags := &layer{notices: []string{"top"}}, &layer{notices: []string{"named"}}, &layer{}
	ct.put(top, time.Second, "c.yaml:1: connectTimeout")
	v.put(top, "gpu", "c.yaml:2: vo")
	mp.put(top, [][2]string{{"a", "1"}, {"b", "1"}}, "c.yaml:3: mpv")
	ct.put(named, 2*time.Second, "c.yaml:9: clusters.eu.connectTimeout")
	mp.put(flags, [][2]string{{"a", "2"}}, "--mpv")

	m := merge(top, nil, named, flags)
	if o := ct.in(m); o.v != 2*time.Second || o.src != "c.yaml:9: clusters.eu.connectTimeout" {
		t.Errorf("connectTimeout %+v", o)
	}
	if o := v.in(m); o.v != "gpu" || o.src != "c.yaml:2: vo" {
		t.Errorf("vo %+v", o)
	}
	if o := mp.in(m); !reflect.DeepEqual(o.v, [][2]string{{"b", "1"}, {"a", "2"}}) || o.src != "--mpv" {
		t.Errorf("mpv %+v", o)
	}
	if !reflect.DeepEqual(m.notices, []string{"top", "named"}) {
		t.Errorf("notices %q", m.notices)
	}
	if o := ct.in(top); o.v != time.Second {
		t.Errorf("merge changed a layer: %+v", o)
	}
}

// TestOneEntry is the promise of the table: one entry makes a setting with
// a flag, a file key in Flowplayer's milliseconds, precedence, named
// clusters, checks worded like the others', and a line in --help.
func TestOneEntry(t *testing.T) {
	var got time.Duration
	e := &setting[time.Duration]{
		flag: "probe-timeout", key: "probeTimeout", group: clusterGroup,
		help:  "time a read may stall",
		codec: asDuration, def: 7 * time.Second, check: positive,
		field: func(*Config) *time.Duration { return &got }, // a Config field in real life
	}
	defer func(old []entry) { table = old }(table)
	table = append(table[:len(table):len(table)], e)

	path := writeFile(t, "c.yaml", "hosts: ["+h1+"]\nprobeTimeout: 3000\nclusters:\n  eu:\n    probeTimeout: 4s\n")
	tests := []struct {
		args []string
		want time.Duration
	}{
		{[]string{"--host", h1}, 7 * time.Second},
		{[]string{"--config", path}, 3 * time.Second},
		{[]string{"--config", path, "--cluster", "eu"}, 4 * time.Second},
		{[]string{"--config", path, "--cluster", "eu", "--probe-timeout", "1500"}, 1500 * time.Millisecond},
	}
	for _, tt := range tests {
		got = 0
		mustLoad(t, tt.args, nil)
		if got != tt.want {
			t.Errorf("%q: got %v, want %v", tt.args, got, tt.want)
		}
	}
	_, err := Load([]string{"--host", h1, "--probe-timeout", "0"}, testEnv(t))
	wantUsage(t, err, "--probe-timeout: must be positive, got 0s")
	bad := writeFile(t, "c.yaml", "hosts: ["+h1+"]\nprobeTimout: 2s\n")
	_, err = Load([]string{"--config", bad}, testEnv(t))
	wantUsage(t, err, bad+":2", `unknown key "probeTimout"`, `did you mean "probeTimeout"`)
	if u := Usage(); !strings.Contains(u, "--probe-timeout duration") || !strings.Contains(u, "(default 7s)") {
		t.Errorf("Usage lacks --probe-timeout:\n%s", u)
	}
}
