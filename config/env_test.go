package config

import (
	"fmt"
	"strings"
	"testing"
)

// TestSecretsFromTheEnvironment: hosts and headers with tokens can come
// from the environment, which ps does not show, and stack between the
// config file and the flags.
func TestSecretsFromTheEnvironment(t *testing.T) {
	file := writeFile(t, "c.yaml", "hosts: [http://file/v]\nhttpHeaders: ['X-Edge: file', 'X-Keep: file']\n")
	tests := []struct {
		name      string
		args      []string
		env       []string
		hosts     string
		headers   string
		wantError string
	}{
		{name: "environment only",
			args: []string{"--config", "", "clip.mp4"},
			env: []string{EnvHosts, " http://a/v?token=t1\n\thttp://b/v ",
				EnvHTTPHeaders, "Authorization: Bearer t2\r\n\nX-Edge: e\n"},
			hosts: "http://a/v?token=t1 http://b/v", headers: "Authorization: Bearer t2, X-Edge: e"},
		{name: "the environment over the file",
			args:  []string{"--config", file, "clip.mp4"},
			env:   []string{EnvHosts, "http://env/v", EnvHTTPHeaders, "x-edge: env"},
			hosts: "http://env/v", headers: "X-Keep: file, x-edge: env"},
		{name: "the file alone",
			args:  []string{"--config", file, "clip.mp4"},
			hosts: "http://file/v", headers: "X-Edge: file, X-Keep: file"},
		{name: "flags over the environment",
			args:  []string{"--config", file, "--host", "http://flag/v", "--http-header", "X-Edge: flag", "clip.mp4"},
			env:   []string{EnvHosts, "http://env/v", EnvHTTPHeaders, "X-Edge: env\nX-Env: env"},
			hosts: "http://flag/v", headers: "X-Keep: file, X-Env: env, X-Edge: flag"},
		{name: "a bad header names the variable, not the value",
			args:      []string{"--config", "", "clip.mp4"},
			env:       []string{EnvHosts, "http://a/v", EnvHTTPHeaders, "Authorization Bearer s3cret"},
			wantError: EnvHTTPHeaders + `: want "Name: value", got "REDACTED"`},
		{name: "a bad host names the variable",
			args:      []string{"--config", "", "clip.mp4"},
			env:       []string{EnvHosts, "ftp://a/v"},
			wantError: EnvHosts + ": host 0: ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(tt.args, testEnv(t, tt.env...))
			if tt.wantError != "" {
				if err == nil {
					t.Fatalf("no error; hosts %v", cfg.Hosts)
				}
				wantUsage(t, err, tt.wantError)
				if strings.Contains(err.Error(), "s3cret") {
					t.Errorf("the message shows the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var hosts, headers []string
			for _, h := range cfg.Hosts {
				hosts = append(hosts, h.URL)
			}
			for _, kv := range cfg.HTTPHeaders {
				headers = append(headers, fmt.Sprintf("%s: %s", kv[0], kv[1]))
			}
			if got := strings.Join(hosts, " "); got != tt.hosts {
				t.Errorf("hosts %q, want %q", got, tt.hosts)
			}
			if got := strings.Join(headers, ", "); got != tt.headers {
				t.Errorf("headers %q, want %q", got, tt.headers)
			}
		})
	}
}

// TestHelpSaysWhereSecretsGo: --help points away from the command line
// for tokens.
func TestHelpSaysWhereSecretsGo(t *testing.T) {
	for _, want := range []string{EnvHosts, EnvHTTPHeaders, "ps"} {
		if !strings.Contains(Usage(), want) {
			t.Errorf("--help does not mention %s", want)
		}
	}
}
