//go:build unix

package config

import (
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestNotRegularFiles: a config that is a device, a pipe or a socket is
// refused before a byte is read. /dev/zero was read forever and a FIFO
// blocked the open until a writer came.
func TestNotRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "config.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	linked := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(fifo, linked); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "c.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	tests := []struct{ name, path, want string }{
		{"endless device", "/dev/zero", "a device, not a regular file"},
		{"FIFO without writer", fifo, "a named pipe, not a regular file"},
		{"symlink to a FIFO", linked, "a named pipe, not a regular file"},
		{"socket", sock, "a socket, not a regular file"},
		{"directory", dir, "a directory, not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, took, err := loadQuickly(t, slack(3*time.Second), "--config", tt.path, "--host", h1)
			wantUsage(t, err, "cannot read config file "+tt.path+": "+tt.want)
			if took > slack(time.Second) {
				t.Errorf("took %v", took)
			}
		})
	}
}

// TestConfigDevNullIsNoConfig: --config /dev/null reads as an empty file,
// the habit of every Unix tool, not as a device refused.
func TestConfigDevNullIsNoConfig(t *testing.T) {
	cfg, err := Load([]string{"--config", os.DevNull, "--host", h1}, testEnv(t))
	if err != nil || len(cfg.Hosts) != 1 {
		t.Errorf("--config /dev/null: %v, %v", cfg, err)
	}
}
