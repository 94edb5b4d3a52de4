package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"clusterplay/cluster"
	"clusterplay/verdict"
)

// flowplayerPlugin is the cluster block of Flowplayer's documented demo
// (plugins/streaming/cluster.html, 3.2.x) converted to JSON, with the RTMP
// form of hosts and the plugin's timing keys; the callbacks are dropped as
// JSON cannot hold them.
const flowplayerPlugin = `{
	"url": "flowplayer.cluster-3.2.10.swf",
	"netConnectionUrl": "rtmp://r1.example.com/flowplayer",
	"hosts": [
		{"host": "rtmp://r1.example.com/flowplayer"},
		{"host": "rtmp://r2.example.com/flowplayer"},
		"http://stream.flowplayer.org"
	],
	"connectTimeout": 2000,
	"connectCount": 4,
	"failureExpiry": 3000,
	"loadBalance": true
}`

func indent(s, by string) string { return strings.ReplaceAll(s, "\n", "\n"+by) }

func TestFlowplayerShapes(t *testing.T) {
	t.Parallel()
	shapes := map[string]string{
		"plugin":  flowplayerPlugin,
		"cluster": "{\n\t\"cluster\": " + indent(flowplayerPlugin, "\t") + "\n}",
		"plugins": "{\n\t\"plugins\": {\n\t\t\"rtmp\": {\"url\": \"flowplayer.rtmp-3.2.x.swf\"},\n\t\t\"cluster\": " +
			indent(flowplayerPlugin, "\t\t") + "\n\t}\n}",
	}
	for name, text := range shapes {
		for _, ext := range []string{".json", ".yaml"} { // YAML reads the JSON too
			path := writeFile(t, "fp"+ext, text)
			cfg := mustLoad(t, []string{"--config", path, "clip.flv"}, nil)
			want := []string{"rtmp://r1.example.com/flowplayer", "rtmp://r2.example.com/flowplayer", "http://stream.flowplayer.org"}
			if !reflect.DeepEqual(hostURLs(cfg), want) {
				t.Errorf("%s%s: hosts %q", name, ext, hostURLs(cfg))
			}
			c := cfg.Cluster
			if c.ConnectTimeout != 2*time.Second || c.ConnectCount != 4 || c.FailureExpiry != 3*time.Second ||
				!c.LoadBalance || c.Select != "random" {
				t.Errorf("%s%s: options %+v", name, ext, c)
			}
			if cfg.NetConnectionURL != "rtmp://r1.example.com/flowplayer" || cfg.ConfigFile != path {
				t.Errorf("%s%s: netConnectionUrl %q, file %q", name, ext, cfg.NetConnectionURL, cfg.ConfigFile)
			}
			notices := strings.Join(cfg.Notices, "\n")
			if !strings.Contains(notices, `config: ignoring Flowplayer key "url"`) || !strings.Contains(notices, path+":2") && name == "plugin" {
				t.Errorf("%s%s: notices %q", name, ext, cfg.Notices)
			}
			if name == "plugins" && !strings.Contains(notices, `ignoring Flowplayer plugin "rtmp"`) {
				t.Errorf("%s%s: notices %q", name, ext, cfg.Notices)
			}
		}
	}
}

func TestFlowplayerNotices(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "c.yaml", "url: x.swf\nhosts: ["+h3+"]\nconnectionArgs: [a, 1]\nserverType: fms\n")
	cfg := mustLoad(t, []string{"--config", path}, nil)
	want := []string{
		`config: ignoring Flowplayer key "url" (` + path + `:1)`,
		`config: ignoring Flowplayer key "connectionArgs" (` + path + `:3)`,
		`config: ignoring Flowplayer key "serverType" (` + path + `:4)`,
	}
	if !reflect.DeepEqual(cfg.Notices, want) {
		t.Errorf("notices\n%q\nwant\n%q", cfg.Notices, want)
	}
}

func TestNetConnectionURLAsHost(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "c.json", `{"netConnectionUrl": "rtmp://only.example.com/app"}`)
	cfg := mustLoad(t, []string{"--config", path}, nil)
	if !reflect.DeepEqual(hostURLs(cfg), []string{"rtmp://only.example.com/app"}) {
		t.Errorf("hosts %q", hostURLs(cfg))
	}
	// --host wins over both.
	cfg = mustLoad(t, []string{"--config", path, "--host", h1}, nil)
	if !reflect.DeepEqual(hostURLs(cfg), []string{h1}) || cfg.NetConnectionURL == "" {
		t.Errorf("hosts %q, netConnectionUrl %q", hostURLs(cfg), cfg.NetConnectionURL)
	}
	bad := writeFile(t, "c.json", `{"netConnectionUrl": "mms://x.example.com/"}`)
	_, err := Load([]string{"--config", bad}, testEnv(t))
	wantUsage(t, err, bad+":1", "netConnectionUrl", `"mms://x.example.com/"`, "unsupported scheme")
}

func TestJSONWithTabs(t *testing.T) {
	t.Parallel()
	text := "{\n\t\"hosts\":\t[\n\t\t\"" + h1 + "\",\n\t\t\"" + h2 + "\"\n\t],\n\t\"connectTimeout\":\t\"1500ms\",\n\t\"mpv\":\t{\"hwdec\": \"auto\", \"mute\": true, \"volume-max\": 150}\n}\n"
	path := writeFile(t, "tabs.json", text)
	cfg := mustLoad(t, []string{"--config", path}, nil)
	if !reflect.DeepEqual(hostURLs(cfg), []string{h1, h2}) || cfg.Cluster.ConnectTimeout != 1500*time.Millisecond {
		t.Errorf("got %q %v", hostURLs(cfg), cfg.Cluster.ConnectTimeout)
	}
	if want := [][2]string{{"hwdec", "auto"}, {"mute", "yes"}, {"volume-max", "150"}}; !reflect.DeepEqual(cfg.Player.Extra, want) {
		t.Errorf("mpv %q", cfg.Player.Extra)
	}
}

func TestHostObjects(t *testing.T) {
	t.Parallel()
	yaml := "hosts:\n  - " + h1 + "\n  - host: " + h2 + "\n    priority: 1\n    weight: 3\n  - {host: '" + h3 + "', priority: -1}\nselect: weighted\n"
	path := writeFile(t, "c.yaml", yaml)
	cfg := mustLoad(t, []string{"--config", path}, nil)
	want := []cluster.HostSpec{{URL: h1}, {URL: h2, Priority: 1, Weight: 3}, {URL: h3, Priority: -1}}
	if !reflect.DeepEqual(cfg.Hosts, want) || cfg.Cluster.Select != "weighted" {
		t.Errorf("hosts %+v select %q", cfg.Hosts, cfg.Cluster.Select)
	}
}

// TestEveryKey sets every key in a file and checks the field.
func TestEveryKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "all.yaml")
	text := `hosts: [` + h1 + `]
connectTimeout: 3000
connectCount: 5
failureExpiry: 0
loadBalance: true
stateDir: state
insecure: true
select: fastest
raceDelay: 100
maxInflight: 2
stallTimeout: 8s
relay: false
probe: connect
readTimeout: 1500
slowTimeout: 3s
hedge: false
hedgeBudget: 2.5%
failBack: false
failBackProbe: 2s
failBackAfter: 5000
noVideo: true
video: none
paneFps: 12
vo: tct
ao: "null"
volume: 42
start: 90
loopPlaylist: true
fullscreen: true
mpvConfig: false
mpv: ["hwdec=auto", "--cache=no"]
report: out/run.md
reportFormat: markdown
logLevel: info
logFile: logs/cp.log
logFilter: "cluster.*"
logFormat: json
cmcd: header
cmcdContentId: movie-1
quality: 720p,best
qualityMax: 1080p
qualityMin: 800k
failIf: ["stalls > 0", "host[1].relay_bytes == 0"]
pathwayPenalty: 90s
`
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := mustLoad(t, []string{"--config", path}, nil)
	v := 42.0
	want := &Config{
		Hosts: []cluster.HostSpec{{URL: h1}},
		Cluster: cluster.Options{ConnectTimeout: 3 * time.Second, ConnectCount: 5, FailureExpiry: 0, LoadBalance: true,
			Insecure: true, Select: "fastest", RaceDelay: 100 * time.Millisecond, MaxInflight: 2, Probe: "connect"},
		ConfigFile:    path,
		Loop:          true,
		UserAgent:     DefaultUserAgent,
		StateDir:      filepath.Join(dir, "state"),
		StallTimeout:  8 * time.Second,
		Relay:         false,
		ReadTimeout:   1500 * time.Millisecond,
		SlowTimeout:   3 * time.Second,
		HedgeBudget:   2.5,
		FailBack:      false,
		FailBackProbe: 2 * time.Second,
		FailBackAfter: 5 * time.Second,
		Report:        filepath.Join(dir, "out", "run.md"),
		ReportFormat:  "markdown",
		Player: PlayerConfig{Video: VideoNone, PaneFPS: 12, NoVideo: true, VO: "tct", AO: "null", Volume: &v, Start: 90 * time.Second, Fullscreen: true,
			MpvConfig: false, Extra: [][2]string{{"hwdec", "auto"}, {"cache", "no"}}},
		Log:     LogConfig{Level: "info", File: filepath.Join(dir, "logs/cp.log"), Filter: "cluster.*", Format: "json"},
		Notices: []string{"config: loadBalance (" + path + ":5: loadBalance) ignored: select is fastest (" + path + ":8: select)"},
		CMCD:    "header", CMCDContentID: "movie-1",
		PathwayPenalty: 90 * time.Second,
		Quality:        "720p,best", QualityMax: "1080p", QualityMin: "800k",
		FailIf: []verdict.Condition{{Expr: "stalls > 0", Name: "stalls", Host: -1, Op: ">", Value: 0},
			{Expr: "host[1].relay_bytes == 0", Name: "relay_bytes", Host: 1, Op: "==", Value: 0}},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got\n%+v\nwant\n%+v", cfg, want)
	}
}

// TestReportPath: the file's report is read as stateDir is, but "-"
// stays stdout; the flag is taken as given.
func TestReportPath(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	tests := []struct{ key, flag, want string }{
		{key: "-", want: "-"},
		{key: "~/r.json", want: filepath.Join(env("HOME"), "r.json")},
		{key: "/abs/r.md", want: "/abs/r.md"},
		{key: "r.json", flag: "-", want: "-"},
		{key: "r.json", flag: "rel.json", want: "rel.json"},
	}
	for _, tt := range tests {
		path := writeFile(t, "c.yaml", "hosts: ["+h1+"]\nreport: \""+tt.key+"\"\n")
		args := []string{"--config", path}
		if tt.flag != "" {
			args = append(args, "--report", tt.flag)
		}
		if got := mustLoad(t, args, env).Report; got != tt.want {
			t.Errorf("report: %s, --report %q: got %q, want %q", tt.key, tt.flag, got, tt.want)
		}
	}
	path := writeFile(t, "c.yaml", "hosts: ["+h1+"]\nreport: r.json\n")
	if got, want := mustLoad(t, []string{"--config", path}, env).Report, filepath.Join(filepath.Dir(path), "r.json"); got != want {
		t.Errorf("a relative report: got %q, want %q beside the file", got, want)
	}
}

func TestStateDirTilde(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	path := writeFile(t, "c.yaml", "hosts: ["+h1+"]\nstateDir: ~/st\n")
	cfg := mustLoad(t, []string{"--config", path}, env)
	if want := filepath.Join(env("HOME"), "st"); cfg.StateDir != want {
		t.Errorf("StateDir %q, want %q", cfg.StateDir, want)
	}
	cfg = mustLoad(t, []string{"--config", path, "--state-dir", "rel"}, env)
	if cfg.StateDir != "rel" {
		t.Errorf("--state-dir: StateDir %q", cfg.StateDir)
	}
}

// TestPrecedence checks flag > file > default for each kind of setting.
func TestPrecedence(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "c.yaml", "hosts: ["+h1+", "+h2+"]\nconnectTimeout: 4s\nloadBalance: true\nvolume: 30\nmpv: {hwdec: auto, cache: 'yes'}\n")
	tests := []struct {
		args  []string
		check func(*Config) bool
	}{
		// file over default
		{nil, func(c *Config) bool {
			return c.Cluster.ConnectTimeout == 4*time.Second && c.Cluster.ConnectCount == cluster.DefaultConnectCount &&
				c.Cluster.LoadBalance && *c.Player.Volume == 30
		}},
		// flag over file
		{[]string{"--connect-timeout", "1s", "--load-balance=false", "--volume", "60"}, func(c *Config) bool {
			return c.Cluster.ConnectTimeout == time.Second && !c.Cluster.LoadBalance && c.Cluster.Select == "ordered" && *c.Player.Volume == 60
		}},
		// --host replaces the file's hosts, it does not append
		{[]string{"--host", h3}, func(c *Config) bool { return reflect.DeepEqual(hostURLs(c), []string{h3}) }},
		// --mpv merges by name, the flag winning
		{[]string{"--mpv", "cache=no", "--mpv", "fs=yes"}, func(c *Config) bool {
			return reflect.DeepEqual(c.Player.Extra, [][2]string{{"hwdec", "auto"}, {"cache", "no"}, {"fs", "yes"}})
		}},
	}
	for _, tt := range tests {
		cfg := mustLoad(t, append([]string{"--config", path}, tt.args...), nil)
		if !tt.check(cfg) {
			t.Errorf("%q: got %+v", tt.args, cfg)
		}
	}
}

func TestNamedClusters(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "c.yaml", `
hosts: [`+h1+`]
connectTimeout: 4s
clusters:
  eu:
    hosts: [`+h2+`, `+h3+`]
    connectCount: 7
  us:
    select: fastest
`)
	cfg := mustLoad(t, []string{"--config", path}, nil)
	if !reflect.DeepEqual(hostURLs(cfg), []string{h1}) || cfg.Cluster.ConnectCount != 3 {
		t.Errorf("no --cluster: %q %+v", hostURLs(cfg), cfg.Cluster)
	}
	cfg = mustLoad(t, []string{"--config", path, "--cluster", "eu"}, nil)
	if !reflect.DeepEqual(hostURLs(cfg), []string{h2, h3}) || cfg.Cluster.ConnectCount != 7 ||
		cfg.Cluster.ConnectTimeout != 4*time.Second || cfg.ClusterName != "eu" {
		t.Errorf("eu: %q %+v", hostURLs(cfg), cfg.Cluster)
	}
	cfg = mustLoad(t, []string{"--config", path, "--cluster", "us", "--connect-count", "2"}, nil)
	if !reflect.DeepEqual(hostURLs(cfg), []string{h1}) || cfg.Cluster.Select != "fastest" || cfg.Cluster.ConnectCount != 2 {
		t.Errorf("us: %q %+v", hostURLs(cfg), cfg.Cluster)
	}
	_, err := Load([]string{"--config", path, "--cluster", "asia"}, testEnv(t))
	wantUsage(t, err, "--cluster asia", "no such cluster", path, "known: eu, us")

	// No top-level hosts: the error points at --cluster.
	only := writeFile(t, "only.yaml", "clusters:\n  eu:\n    hosts: ["+h2+"]\n")
	_, err = Load([]string{"--config", only}, testEnv(t))
	wantUsage(t, err, "no hosts", "--cluster NAME", "eu")
	none := writeFile(t, "none.yaml", "hosts: ["+h1+"]\n")
	_, err = Load([]string{"--config", none, "--cluster", "eu"}, testEnv(t))
	wantUsage(t, err, "--cluster eu", "defines no clusters")
}

func TestDefaultLocation(t *testing.T) {
	t.Parallel()
	xdg := t.TempDir()
	path := filepath.Join(xdg, "clusterplay", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("hosts: ["+h1+"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := mustLoad(t, nil, testEnv(t, "XDG_CONFIG_HOME", xdg))
	if cfg.ConfigFile != path || !reflect.DeepEqual(hostURLs(cfg), []string{h1}) {
		t.Errorf("ConfigFile %q hosts %q", cfg.ConfigFile, hostURLs(cfg))
	}
	// --config "" skips it.
	_, err := Load([]string{"--config="}, testEnv(t, "XDG_CONFIG_HOME", xdg))
	wantUsage(t, err, "no hosts")

	// Fallback: $HOME/.config when XDG_CONFIG_HOME is unset.
	home := t.TempDir()
	hpath := filepath.Join(home, ".config", "clusterplay", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(hpath), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hpath, []byte("hosts: ["+h2+"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string { return map[string]string{"HOME": home}[k] }
	if cfg := mustLoad(t, nil, env); cfg.ConfigFile != hpath {
		t.Errorf("ConfigFile %q, want %q", cfg.ConfigFile, hpath)
	}
	// A missing default file is not an error; no file is loaded.
	cfg = mustLoad(t, []string{"--host", h1}, testEnv(t, "XDG_CONFIG_HOME", t.TempDir()))
	if cfg.ConfigFile != "" {
		t.Errorf("ConfigFile %q", cfg.ConfigFile)
	}
	// No HOME and no XDG: no default file, no state dir.
	cfg = mustLoad(t, []string{"--host", h1}, func(string) string { return "" })
	if cfg.ConfigFile != "" || cfg.StateDir != "" {
		t.Errorf("ConfigFile %q StateDir %q", cfg.ConfigFile, cfg.StateDir)
	}
}

func TestOddButValid(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, text string }{
		{"bom.json", "\xEF\xBB\xBF{\"hosts\": [\"" + h1 + "\"], \"mpv\": {\"mute\": false}}"}, // Windows editors
		{"one.yaml", "hosts: " + h1 + "\nmpv: {mute: false}\n"},                               // a single host as a string
		{"null.yaml", "hosts: [" + h1 + "]\nconnectTimeout:\nmpv: {mute: false}\n"},           // empty value = not given
		{"config.conf", "{hosts: ['" + h1 + "'], mpv: {mute: false},}\n"},                     // other extension: YAML
	}
	for _, tt := range tests {
		path := writeFile(t, tt.name, tt.text)
		cfg := mustLoad(t, []string{"--config", path}, nil)
		if !reflect.DeepEqual(hostURLs(cfg), []string{h1}) || cfg.Cluster.ConnectTimeout != cluster.DefaultConnectTimeout ||
			!reflect.DeepEqual(cfg.Player.Extra, [][2]string{{"mute", "no"}}) {
			t.Errorf("%s: %+v", tt.name, cfg)
		}
	}
}

func TestEmptyAndMergeKeys(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"empty.yaml", "empty.json"} {
		path := writeFile(t, name, "\n  \n")
		if cfg := mustLoad(t, []string{"--config", path, "--host", h1}, nil); cfg.ConfigFile != path {
			t.Errorf("%s: ConfigFile %q", name, cfg.ConfigFile)
		}
	}
	// YAML anchors and merge keys share settings between named clusters.
	path := writeFile(t, "m.yaml", `
base: &base
  connectCount: 6
clusters:
  a:
    <<: *base
    hosts: [`+h1+`]
`)
	_, err := Load([]string{"--config", path, "--cluster", "a"}, testEnv(t))
	wantUsage(t, err, path+":2", `unknown key "base"`) // anchors must live in a known key
	path = writeFile(t, "m.yaml", `
clusters:
  a: &a
    connectCount: 6
    hosts: [`+h1+`]
  b:
    <<: *a
    connectCount: 2
`)
	cfg := mustLoad(t, []string{"--config", path, "--cluster", "b"}, nil)
	if cfg.Cluster.ConnectCount != 2 || !reflect.DeepEqual(hostURLs(cfg), []string{h1}) {
		t.Errorf("merge: %+v %q", cfg.Cluster, hostURLs(cfg))
	}
}

// TestNoVideoAlias: noVideo is video none; with another mode, the command
// line beats the file.
func TestNoVideoAlias(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file  string
		args  []string
		video string
	}{
		{"noVideo: true\n", []string{"--video", "terminal"}, VideoTerminal},
		{"video: terminal\n", []string{"--no-video"}, VideoNone},
		{"noVideo: true\n", nil, VideoNone},
		{"noVideo: true\nvideo: none\n", nil, VideoNone},
		{"video: window\n", nil, VideoWindow},
	} {
		path := writeFile(t, "c.yaml", "hosts: ["+h1+"]\n"+tc.file)
		cfg := mustLoad(t, append([]string{"--config", path}, tc.args...), nil)
		// NoVideo would make the player headless whatever Video says.
		if cfg.Player.Video != tc.video || cfg.Player.NoVideo && tc.video != VideoNone {
			t.Errorf("%q %q: video %q noVideo %v, want %q", tc.file, tc.args, cfg.Player.Video, cfg.Player.NoVideo, tc.video)
		}
	}
}
