//go:build !linux

package loopback

import (
	"os"
	"syscall"
)

// Elsewhere helpers run as plain children: the harness targets Debian, where
// nginx and libnginx-mod-rtmp are packaged, and nginx runs without a master
// process, so killing the one process leaves nothing behind.
func groupProcAttr() *syscall.SysProcAttr { return nil }

func killGroup(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		p.Kill()
	}
}
