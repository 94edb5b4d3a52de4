//go:build unix

package logging

import "syscall"

// noFollow opens a path without following a final symlink.
const noFollow = syscall.O_NOFOLLOW
