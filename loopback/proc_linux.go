//go:build linux

package loopback

import "syscall"

// groupProcAttr puts a helper process (nginx, ffmpeg) in its own process
// group, so killGroup reaches anything it forks, and has the kernel kill it
// if the test process dies first, so no server outlives a crashed test run.
func groupProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup sends SIGKILL to the process group led by pid, and to pid itself
// in case it could not lead one.
func killGroup(pid int) {
	syscall.Kill(-pid, syscall.SIGKILL)
	syscall.Kill(pid, syscall.SIGKILL)
}
