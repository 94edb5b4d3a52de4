package player

import (
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// displayDialTimeout bounds the probe of a TCP X display (ssh -X forwards
// one to localhost:6010 and up); local sockets answer or fail at once.
const displayDialTimeout = 500 * time.Millisecond

// displayAvailable reports whether mpv could open a window: on X11 and
// Wayland systems, whether the display server named by the environment
// accepts a connection. Merely checking that DISPLAY is set is not enough:
// a stale DISPLAY (say, in a reattached tmux) makes mpv 0.35 fall through
// to vo_gpu's DRM context, whose failure path closes file descriptors that
// belong to the rest of the process (observed: the HTTP listener of a test).
func displayAvailable() bool {
	switch runtime.GOOS {
	case "darwin", "windows", "android", "ios":
		return true
	}
	if w := os.Getenv("WAYLAND_DISPLAY"); w != "" {
		if !filepath.IsAbs(w) {
			if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
				w = filepath.Join(dir, w)
			} else {
				w = ""
			}
		}
		if w != "" && canDial("unix", w) {
			return true
		}
	}
	for _, a := range xDisplayAddrs(os.Getenv("DISPLAY")) {
		if canDial(a[0], a[1]) {
			return true
		}
	}
	return false
}

// xDisplayAddrs lists where the X server of display ([host]:N[.screen])
// listens, most likely first; nil if display is empty or malformed.
func xDisplayAddrs(display string) [][2]string {
	if strings.HasPrefix(display, "/") {
		// XQuartz style: the whole value is a socket path ending in ":N".
		return [][2]string{{"unix", display}}
	}
	i := strings.LastIndexByte(display, ':')
	if i < 0 {
		return nil
	}
	host, num := display[:i], display[i+1:]
	host = strings.TrimPrefix(host, "tcp/")
	num, _, _ = strings.Cut(num, ".")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return nil
	}
	if host == "" || host == "unix" {
		sock := "/tmp/.X11-unix/X" + num
		// Xorg and Xwayland listen on the path and on Linux's abstract
		// namespace; either may be missing (containers, sandboxes).
		return [][2]string{{"unix", sock}, {"unix", "@" + sock}}
	}
	return [][2]string{{"tcp", net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(6000+n))}}
}

func canDial(network, addr string) bool {
	c, err := net.DialTimeout(network, addr, displayDialTimeout)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}
