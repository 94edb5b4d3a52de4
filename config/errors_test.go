package config

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestFileErrors feeds bad files and checks that each message cites the
// file and line, and the key or value at fault.
func TestFileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		parts      []string // "@:N" stands for "<path>:N"
	}{
		// syntax
		{"c.yaml", "hosts: [" + h1 + "]\nconnectCount: 3\n  select: random\n", []string{"@:3", "mapping values are not allowed"}},
		{"c.yaml", "hosts:\n\t- " + h1 + "\n", []string{"@:2", "cannot start any token"}},
		{"c.yml", "a: 'unterminated\n", []string{"@:2"}},
		{"c.json", "{\n\t\"hosts\": [\"" + h1 + "\"],\n\t\"connectCount\": 3,\n}\n", []string{"@:4", "invalid character '}'"}},
		{"c.json", "{\n  \"hosts\" [1]\n}", []string{"@:2", "after object key"}},
		{"c.json", "{\n  \"hosts\": [\"" + h1 + "\",\n", []string{"@:2", "unexpected end of file"}},
		{"c.json", "{\n  'hosts': []\n}", []string{"@:2", "invalid character"}},
		{"c.json", "{}\n\n{}\n", []string{"@:3", "unexpected data after"}},
		{"c.json", "{\"hosts\": [], \"hosts\": []}", []string{"@:1", `duplicate key "hosts"`}},
		{"c.yaml", "hosts: []\nhosts: []\n", []string{"@:2", `duplicate key "hosts" (first at line 1)`}},
		{"c.yaml", "hosts: *x\n", []string{"@: ", "unknown anchor"}},
		// a key holding a control character is escaped, not printed
		{"c.yaml", "clusters:\n  \"eu\\n\\e[2J\":\n    connectCount: 0\n", []string{"@:3", `clusters.eu\n\x1b[2J.connectCount`}},
		// unknown keys, with a suggestion for near misses
		{"c.yaml", "hosts: [" + h1 + "]\nconectTimeout: 2000\n", []string{"@:2", `unknown key "conectTimeout"`, `did you mean "connectTimeout"`}},
		{"c.json", "{\n\"plugins\": {\"cluster\": {\n\"hosts\": [\"" + h1 + "\"],\n\"onConnect\": null}}}", []string{"@:4", `unknown key "plugins.cluster.onConnect"`}},
		{"c.yaml", "clusters:\n  eu:\n    hostz: [" + h1 + "]\n", []string{"@:3", `unknown key "clusters.eu.hostz"`, `"hosts"`}},
		{"c.yaml", "clusters:\n  eu:\n    clusters: {}\n", []string{"@:3", `unknown key "clusters.eu.clusters"`}},
		{"c.yaml", "hosts:\n  - host: " + h1 + "\n    wieght: 2\n", []string{"@:3", `unknown key "hosts[0].wieght"`, `"weight"`}},
		{"c.yaml", "clip: {url: a.flv}\n", []string{"@:1", `unknown key "clip"`}},
		// wrong types
		{"c.yaml", "hosts: 5\n", []string{"@:1", "hosts", "want a list of host URLs", "the number 5"}},
		{"c.yaml", "hosts: [" + h1 + "]\nconnectCount: three\n", []string{"@:2", "connectCount", "whole number", `"three"`}},
		{"c.json", "{\"hosts\": [\"" + h1 + "\"],\n \"connectCount\": \"3\"}", []string{"@:2", "connectCount", "whole number", `"3"`}},
		{"c.yaml", "hosts: [" + h1 + "]\nconnectCount: 2.5\n", []string{"@:2", "connectCount", "2.5"}},
		{"c.yaml", "hosts: [" + h1 + "]\nloadBalance: yes\n", []string{"@:2", "loadBalance", "true or false", `"yes"`}},
		{"c.yaml", "hosts: [" + h1 + "]\nconnectTimeout: [1]\n", []string{"@:2", "connectTimeout", "a duration", "a list"}},
		{"c.yaml", "hosts: [" + h1 + "]\nvo: 3\n", []string{"@:2", "vo", "want a string"}},
		{"c.yaml", "hosts: [" + h1 + "]\nlogLevel: verbose\n", []string{"@:2", "logLevel", `"verbose"`, "debug, info, warn, error"}},
		{"c.yaml", "hosts: [" + h1 + "]\nlogFilter: org.flowplayer.cluster.*\n", []string{"@:2", "logFilter", "matches no component"}},
		{"c.yaml", "hosts: [" + h1 + "]\nlogFile: \"\"\n", []string{"@:2", "logFile", "a file name"}},
		{"c.yaml", "hosts: [" + h1 + "]\nvolume: loud\n", []string{"@:2", "volume", "want a number"}},
		{"c.yaml", "hosts: [" + h1 + "]\nvideo: sixel\n", []string{"@:2", "video", `"sixel"`}},
		{"c.yaml", "hosts: [" + h1 + "]\npaneFps: 0\n", []string{"@:2", "paneFps", "between 1 and 60"}},
		{"c.yaml", "hosts: [" + h1 + "]\nnoVideo: true\nvideo: terminal\n", []string{"@:2: noVideo is --video none", "@:3: video says video terminal"}},
		{"c.yaml", "hosts: [" + h1 + "]\nmpv: hwdec\n", []string{"@:2", "mpv", "mapping of mpv options"}},
		{"c.yaml", "hosts: [" + h1 + "]\nmpv: {hwdec: [a]}\n", []string{"@:2", "mpv.hwdec", "a list"}},
		{"c.yaml", "hosts: [" + h1 + "]\nmpv: [hwdec]\n", []string{"@:2", "mpv[0]", "NAME=VALUE", `"hwdec"`}},
		{"c.yaml", "hosts: [" + h1 + "]\nclusters: [eu]\n", []string{"@:2", "clusters", "mapping of cluster names"}},
		{"c.yaml", "- " + h1 + "\n", []string{"@:1", "top level", "a list"}},
		{"c.yaml", "hosts:\n  - [" + h1 + "]\n", []string{"@:2", "hosts[0]", "a list"}},
		{"c.yaml", "hosts:\n  - priority: 1\n", []string{"@:2", "hosts[0]", "needs a host key"}},
		{"c.yaml", "hosts:\n  - host: " + h1 + "\n    weight: -1\n", []string{"@:3", "hosts[0].weight", "negative"}},
		{"c.yaml", "hosts:\n  - host: " + h1 + "\n    priority: high\n", []string{"@:3", "hosts[0].priority", `"high"`}},
		// bad values
		{"c.yaml", "hosts:\n  - " + h1 + "\n  - ftp://f.example.com/\n", []string{"@:3", "hosts[1]", `"ftp://f.example.com/"`, "unsupported scheme"}},
		{"c.json", "{\"hosts\": [\n {\"host\": \"noscheme.example.com\"}]}", []string{"@:2", "hosts[0]", `"noscheme.example.com"`}},
		{"c.yaml", "hosts:\n  - " + h1 + "\n  - http://p.example.com:99999/v\n", []string{"@:3", "hosts[1]", "(p.example.com) has port 99999", "1 to 65535"}},
		{"c.json", "{\"netConnectionUrl\": \"rtmp://p.example.com:0/app\"}", []string{"@:1", "netConnectionUrl", "(p.example.com) has port 0"}},
		{"c.yaml", "hosts: [" + h1 + "]\nconnectTimeout: 0\n", []string{"@:2", "connectTimeout", "positive"}},
		{"c.yaml", "hosts: [" + h1 + "]\nconnectTimeout: -2000\n", []string{"@:2", "connectTimeout", "-2s"}},
		{"c.yaml", "hosts: [" + h1 + "]\nconnectTimeout: 2x\n", []string{"@:2", "connectTimeout", `"2x"`}},
		{"c.yaml", "hosts: [" + h1 + "]\nfailureExpiry: -1s\n", []string{"@:2", "failureExpiry", "negative"}},
		{"c.yaml", "hosts: [" + h1 + "]\nconnectCount: 0\n", []string{"@:2", "connectCount", "at least 1"}},
		{"c.yaml", "hosts: [" + h1 + "]\nmaxInflight: 0\n", []string{"@:2", "maxInflight", "at least 1"}},
		{"c.yaml", "hosts: [" + h1 + "]\nselect: roundrobin\n", []string{"@:2", "select", `"roundrobin"`}},
		{"c.yaml", "hosts: [" + h1 + "]\nraceDelay: never\n", []string{"@:2", "raceDelay", `"never"`}},
		{"c.yaml", "hosts: [" + h1 + "]\nvolume: 131\n", []string{"@:2", "volume", "131", "volume-max"}},
		{"c.yaml", "hosts: [" + h1 + "]\nstart: -5s\n", []string{"@:2", "start", "negative"}},
		{"c.yaml", "hosts: [" + h1 + "]\nstallTimeout: 0\n", []string{"@:2", "stallTimeout", "positive"}},
		{"c.yaml", "hosts: [" + h1 + "]\nreportFormat: pdf\n", []string{"@:2", "reportFormat", `"pdf"`, "json, markdown"}},
		{"c.yaml", "hosts: [" + h1 + "]\nreport: true\n", []string{"@:2", "report", `a file name or "-"`}},
		{"c.yaml", "hosts: [" + h1 + "]\nreport: ''\n", []string{"@:2", "report", `a file name or "-"`}},
		// the same setting in two shapes of a pasted block
		{"c.yaml", "hosts: [" + h1 + "]\ncluster:\n  hosts: [" + h2 + "]\n", []string{"@:3", "cluster.hosts", "already set at line 1 as hosts"}},
		{"c.yaml", "cluster: eu\n", []string{"@:1", "cluster", "mapping of cluster settings"}},
		{"c.yaml", "plugins: [cluster]\n", []string{"@:1", "plugins", "mapping of Flowplayer plugins"}},
	}
	for _, tt := range tests {
		path := writeFile(t, tt.name, tt.text)
		_, err := Load([]string{"--config", path}, testEnv(t))
		parts := make([]string, len(tt.parts))
		for i, p := range tt.parts {
			parts[i] = strings.ReplaceAll(p, "@", path)
		}
		if err == nil {
			t.Errorf("%s %q: no error, want %q", tt.name, tt.text, parts)
			continue
		}
		wantUsage(t, err, parts...)
	}
}

func TestUnreadableFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := Load([]string{"--config", dir}, testEnv(t))
	wantUsage(t, err, "cannot read config file", dir, "directory")

	if runtime.GOOS != "windows" && os.Geteuid() != 0 { // root reads anything
		path := filepath.Join(dir, "secret.yaml")
		if err := os.WriteFile(path, []byte("hosts: []\n"), 0o000); err != nil {
			t.Fatal(err)
		}
		_, err = Load([]string{"--config", path}, testEnv(t))
		wantUsage(t, err, "cannot read config file", path, "permission denied")
	}

	// A file name is printed as it is, but for control characters.
	_, err = Load([]string{"--config", "/nonexistent/a\nb.yaml"}, testEnv(t))
	wantUsage(t, err, `cannot read config file /nonexistent/a\nb.yaml`)

	// The default file exists but cannot be read: that is an error too.
	xdg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(xdg, "clusterplay", "config.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = Load([]string{"--host", h1}, testEnv(t, "XDG_CONFIG_HOME", xdg))
	wantUsage(t, err, "cannot read config file", "config.yaml")
}

// TestFileErrorBeatsFlags: a broken file is reported even when the flags
// override the broken key, so that mistakes do not hide.
func TestFileErrorBeatsFlags(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "c.yaml", "hosts: ["+h1+"]\nclusters:\n  eu:\n    connectCount: 0\n")
	_, err := Load([]string{"--config", path, "--connect-count", "2"}, testEnv(t))
	wantUsage(t, err, path+":4", "clusters.eu.connectCount")
}
