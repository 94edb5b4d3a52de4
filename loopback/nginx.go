package loopback

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// NginxPackages is what to install when StartNginxRTMP cannot find nginx or
// its RTMP module.
const NginxPackages = "apt-get install nginx libnginx-mod-rtmp"

// ErrNginxMissing wraps the error StartNginxRTMP returns when nginx or its
// RTMP module is not installed, so tests can tell "not installed" (skip
// outside CI, fail in CI) from "installed but broken" (always fail).
var ErrNginxMissing = errors.New("nginx with the RTMP module is not installed")

// Where Debian puts them; PATH is searched first for nginx, but /usr/sbin is
// often missing from an unprivileged user's PATH.
var (
	nginxBinaries = []string{"nginx", "/usr/sbin/nginx"}
	rtmpModule    = "/usr/lib/nginx/modules/ngx_rtmp_module.so"
)

const (
	nginxReady    = 5 * time.Second // from exec to an accepted dial
	nginxAttempts = 3               // a free port can be taken before nginx binds it
)

// NginxHost is a real nginx-rtmp server on 127.0.0.1, serving the files of
// a directory as VOD and relaying whatever is published to its live app.
type NginxHost struct {
	URL     string // rtmp://127.0.0.1:PORT/vod: play DIR, clip names are file names
	LiveURL string // rtmp://127.0.0.1:PORT/live: publish and play live streams
	// IdleURL is rtmp://127.0.0.1:PORT/idle, a live app with nginx's
	// default idle_streams on: it answers NetStream.Play.Start for any
	// stream, published or not, and sends media only for a published one.
	IdleURL string
	*nginxProc
}

// nginxProc is one nginx process and its temp dir, RTMP or HTTP.
type nginxProc struct {
	Addr string // 127.0.0.1:PORT
	Dir  string // the temp dir with the config and the logs

	cmd      *exec.Cmd
	exited   chan struct{} // closed when the process has been reaped
	killOnce sync.Once
	stopOnce sync.Once
	stopErr  error
}

// StartNginxRTMP runs nginx with the RTMP module from a temp config and
// returns once it accepts connections. With `master_process off` it is a
// single process, and it runs in its own process group besides, so Kill
// leaves nothing behind.
func StartNginxRTMP(mediaDir string) (*NginxHost, error) {
	bin, err := findNginx()
	if err != nil {
		return nil, err
	}
	media, err := filepath.Abs(mediaDir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(media); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("loopback: nginx media dir %q is not a directory", mediaDir)
	}
	if _, err := os.Stat(rtmpModule); err != nil {
		return nil, fmt.Errorf("loopback: %w (no %s); install it with: %s", ErrNginxMissing, rtmpModule, NginxPackages)
	}
	conf := func(dir, addr string) string {
		return fmt.Sprintf(nginxConf, rtmpModule, filepath.Join(dir, "nginx.pid"), filepath.Join(dir, "error.log"), addr, media)
	}
	p, err := runNginx(bin, conf)
	if err != nil {
		return nil, err
	}
	return &NginxHost{URL: "rtmp://" + p.Addr + "/vod", LiveURL: "rtmp://" + p.Addr + "/live", IdleURL: "rtmp://" + p.Addr + "/idle",
		nginxProc: p}, nil
}

// runNginx starts nginx with the config conf makes for a temp dir and a
// free address, again on another address when someone took the port first.
func runNginx(bin string, conf func(dir, addr string) string) (*nginxProc, error) {
	var lastErr error
	for range nginxAttempts {
		p, err := startNginx(bin, conf)
		if err == nil {
			return p, nil
		}
		lastErr = err
		if !strings.Contains(err.Error(), "Address already in use") {
			break
		}
	}
	return nil, lastErr
}

func findNginx() (string, error) {
	var bin string
	for _, name := range nginxBinaries {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		return "", fmt.Errorf("loopback: %w (no nginx binary); install it with: %s", ErrNginxMissing, NginxPackages)
	}
	return bin, nil
}

// nginxConf is the smallest config that runs unprivileged: no daemon, no
// master, pid and logs in the temp dir. idle_streams off makes the live app
// answer StreamNotFound until a feed publishes, as a real live origin
// without its encoder would, instead of a Play.Start for a silent stream;
// the idle app keeps nginx's default, the Play.Start that a player must
// not take for a stream.
const nginxConf = `load_module %s;
daemon off;
master_process off;
worker_processes 1;
pid %s;
error_log %s info;
events { worker_connections 256; }
rtmp {
    server {
        listen %s;
        chunk_size 4096;
        application vod { play %s; }
        application live { live on; idle_streams off; }
        application idle { live on; idle_streams on; }
    }
}
`

func startNginx(bin string, makeConf func(dir, addr string) string) (*nginxProc, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "clusterplay-nginx-")
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "nginx.conf")
	logFile := filepath.Join(dir, "error.log")
	if err := os.WriteFile(conf, []byte(makeConf(dir, addr)), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// -e: nginx opens its default error log before it reads the config,
	// which an unprivileged user cannot.
	cmd := exec.Command(bin, "-p", dir, "-e", logFile, "-c", conf)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	cmd.SysProcAttr = groupProcAttr()
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("loopback: starting nginx: %w", err)
	}
	h := &nginxProc{Addr: addr, Dir: dir, cmd: cmd, exited: make(chan struct{})}
	go func() {
		defer close(h.exited)
		cmd.Wait()
	}()
	if err := h.waitAccepting(); err != nil {
		h.Close()
		log, _ := os.ReadFile(logFile)
		return nil, fmt.Errorf("loopback: nginx did not start: %v\n%s%s", err, stderr.Bytes(), tail(log, 2000))
	}
	return h, nil
}

// freePort picks a port the kernel considers free; nginx binds it a moment
// later, and StartNginxRTMP retries when someone was faster.
func freePort() (string, error) {
	ln, err := listen()
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func (h *nginxProc) waitAccepting() error {
	deadline := time.Now().Add(nginxReady)
	for {
		select {
		case <-h.exited:
			return errors.New("nginx exited")
		default:
		}
		c, err := net.DialTimeout("tcp4", h.Addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing accepts on %s after %v", h.Addr, nginxReady)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Pid is the nginx process id.
func (h *nginxProc) Pid() int { return h.cmd.Process.Pid }

// Kill simulates a crash: SIGKILL to nginx's whole process group, then it
// waits until the process is reaped, so the port refuses at once.
func (h *nginxProc) Kill() {
	h.killOnce.Do(func() {
		killGroup(h.cmd.Process.Pid)
		<-h.exited
	})
}

// Close kills nginx and removes its temp dir. It is idempotent.
func (h *nginxProc) Close() error {
	h.stopOnce.Do(func() {
		h.Kill()
		h.stopErr = os.RemoveAll(h.Dir)
	})
	return h.stopErr
}

// Log returns nginx's error log (at level info it records every session),
// for test failure messages.
func (h *nginxProc) Log() string {
	b, _ := os.ReadFile(filepath.Join(h.Dir, "error.log"))
	return string(b)
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
