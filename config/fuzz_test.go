package config

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"clusterplay/cluster"
)

// The fuzz targets hold the loader and the duration rule to what a user
// relies on whatever the input: an answer (never a panic or a hang), and
// a refusal that is one printable line. `go test` runs the seeds; see the
// README for fuzzing longer.

// fileSeeds are the inputs that once hung or exploded the loader, and the
// shapes worth mutating from.
func fileSeeds() []string {
	return []string{
		"",
		"hosts: [" + h1 + "]\n",
		flowplayerPlugin,
		"{\"plugins\": {\"cluster\": {\"hosts\": [\"" + h3 + "\"], \"connectTimeout\": 2000}}}",
		"hosts:\n  - host: " + h2 + "\n    priority: 1\n    weight: 3\nselect: weighted\nmpv: {hwdec: auto}\n",
		"clusters:\n  a: &a\n    hosts: [" + h1 + "]\n  b:\n    <<: *a\n    connectCount: 2\n",
		aliasBomb(),
		sharedHosts(3, 4),
		manyKeys(10000, false, ""),
		manyKeys(10000, true, ""),
		manyKeys(100, false, " 0: 2\n"),
		strings.Repeat("[", 500) + strings.Repeat("]", 500),
		strings.Repeat(" ", maxFileSize) + "{}",
		"hosts: [http://h:99999/v]\n",
		"{\"netConnectionUrl\": \"rtmp://h:0/app\"}",
		"hosts: [" + h1 + "]\nconnectTimeout: 99999999999999999999\n",
		"hosts: [" + h1 + "]\nraceDelay: off\nstart: 1m30s\nvolume: 1e400\n",
		"a: !!bool foo\n",
		"\xEF\xBB\xBF{\"hosts\": [\"" + h1 + "\"]}",
		"clusters:\n  \"\\e[31m\\n\":\n    connectCount: 0\n",
		"{\"hosts\": [\"" + h1 + "\"], \"mpv\": {\"\\u001b\": []}}",
	}
}

func FuzzLoadYAML(f *testing.F) { fuzzLoad(f, "config.yaml") }

func FuzzLoadJSON(f *testing.F) { fuzzLoad(f, "config.json") }

func fuzzLoad(f *testing.F, name string) {
	for _, s := range fileSeeds() {
		f.Add([]byte(s))
	}
	path := filepath.Join(f.TempDir(), name)
	env := func(k string) string { return map[string]string{"HOME": "/home/fuzz"}[k] }
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		began := time.Now()
		cfg, err := Load([]string{"--config", path, "clip.mp4"}, env)
		if took := time.Since(began); took > 5*time.Second {
			t.Errorf("took %v", took)
		}
		if err != nil {
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Fatalf("error %v (%T), want *UsageError", err, err)
			}
			if msg := ue.Error(); msg == "" || !printable(msg) {
				t.Fatalf("message is not one printable line: %q", msg)
			}
			return
		}
		for _, n := range cfg.Notices {
			if !printable(n) {
				t.Fatalf("notice is not one printable line: %q", n)
			}
		}
		if len(data) > maxFileSize {
			t.Fatalf("a file of %d bytes was loaded", len(data))
		}
		// What loads is what the engine can use.
		if _, err := cluster.NewHosts(cfg.Hosts); err != nil {
			t.Fatalf("loaded hosts the engine refuses: %v", err)
		}
		c := cfg.Cluster
		if c.ConnectTimeout <= 0 || c.ConnectCount < 1 || c.MaxInflight < 1 || c.FailureExpiry < 0 || c.RaceDelay < 0 ||
			cfg.StallTimeout <= 0 || cfg.Player.Start < 0 {
			t.Fatalf("loaded out-of-range settings: %+v stall %v start %v", c, cfg.StallTimeout, cfg.Player.Start)
		}
	})
}

// printable is one line without control characters, which could forge
// lines or drive the terminal when printed after "clusterplay: ".
func printable(s string) bool {
	return !strings.ContainsFunc(s, unicode.IsControl)
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"1500ms", "2s", "1m30s", "2000", " 250 ", "1.5", ".5", "5.", "-5", "+5", "0", "off", "OFF",
		"", "2x", "1e3", "0x10", "Inf", "NaN", "99999999999999999999", "9223372036854.775807", "-9223372036854",
		"2562047h47m16.854775807s", "-2562047h47m16.854775808s", "1h1h", "1µs", "\n2s", "2s\x00"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, allowOff bool) {
		d, err := parseDuration(s, allowOff, inMillis)
		if err != nil {
			if !printable(err.Error()) {
				t.Fatalf("parseDuration(%q): message is not one printable line: %q", s, err)
			}
			return
		}
		trimmed := strings.TrimSpace(s)
		switch {
		case allowOff && strings.EqualFold(trimmed, "off"):
			if d != 0 {
				t.Fatalf("parseDuration(%q) = %v, want 0", s, d)
			}
		case bareNumber.MatchString(trimmed):
			// A bare number is milliseconds, to the nearest nanosecond.
			ms, _ := strconv.ParseFloat(trimmed, 64)
			if want := ms * float64(time.Millisecond); math.Abs(float64(d)-want) > math.Max(1, math.Abs(want)*1e-9) {
				t.Fatalf("parseDuration(%q) = %v (%d ns), want %v ns", s, d, int64(d), want)
			}
		default:
			if want, err := time.ParseDuration(trimmed); err != nil || d != want {
				t.Fatalf("parseDuration(%q) = %v, Go reads %v, %v", s, d, want, err)
			}
		}
		// What is shown (in --help, in messages) reads back the same.
		if back, err := parseDuration(d.String(), allowOff, inMillis); err != nil || back != d {
			t.Fatalf("parseDuration(%q) = %v, which reads back as %v, %v", s, d, back, err)
		}
	})
}
