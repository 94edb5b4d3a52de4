package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
)

// The pane section plays the clip in the TUI in a real terminal (tmux) of
// paneCols x paneRows with no display, once with the picture in the pane
// and once with --video none, and measures over paneWindow of steady
// playback, paneWarmUp after the clip started: the pictures the TUI took
// (the process logs each one's time, see CLUSTERPLAY_PANE_LOG) and the
// process's CPU time (utime + stime from /proc/PID/stat; mpv decodes in
// the same process, so both runs pay for decoding and only the pane
// differs).
const (
	paneCols, paneRows = 120, 40
	paneWarmUp         = 500 * time.Millisecond
	paneWindow         = 4 * time.Second // the clip is 6 s long
	minPaneFPS         = 20.0
	maxPaneCPU         = 35.0 // % of one core, the pane's own cost
	clockTicks         = 100  // USER_HZ: the unit of /proc/PID/stat times on Linux
)

type paneRun struct {
	fps float64 // pictures taken per second in the window
	cpu float64 // % of one core in the window
}

type paneSamples struct {
	on, none []paneRun
}

// benchPane is section 5.
func (b *bench) benchPane() (*paneSamples, error) {
	if _, err := exec.LookPath("tmux"); err != nil {
		return nil, fmt.Errorf("tmux not found (apt-get install tmux): %w", err)
	}
	host, err := loopback.Good(map[string][]byte{assets.ClipName: assets.Clip})
	if err != nil {
		return nil, err
	}
	defer host.Close()
	ps := &paneSamples{}
	for rep := range b.reps {
		b.logf("pane: repetition %d/%d", rep+1, b.reps)
		for _, video := range []string{"terminal", "none"} {
			r, err := b.paneOnce(host.URL, video, rep)
			if err != nil {
				return nil, fmt.Errorf("pane, --video %s: %w", video, err)
			}
			if video == "none" {
				ps.none = append(ps.none, r)
			} else {
				ps.on = append(ps.on, r)
			}
		}
	}
	return ps, nil
}

// paneOnce runs the binary in a fresh tmux server and measures one window.
func (b *bench) paneOnce(hostURL, video string, rep int) (paneRun, error) {
	dir := filepath.Join(b.tmp, fmt.Sprintf("pane-%s-%d", video, rep))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return paneRun{}, err
	}
	sock, frames := filepath.Join(dir, "tmux.sock"), filepath.Join(dir, "frames")
	tmux := func(args ...string) (string, error) {
		out, err := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		return string(out), err
	}
	defer tmux("kill-server")
	// exec, so that the pane's process is clusterplay itself.
	cmd := fmt.Sprintf("exec env -u DISPLAY -u WAYLAND_DISPLAY COLORTERM=truecolor CLUSTERPLAY_PANE_LOG=%s "+
		"XDG_CONFIG_HOME=%s XDG_STATE_HOME=%s %s --video %s --no-mpv-config --host %s %s",
		frames, dir, dir, b.bin, video, hostURL, assets.ClipName)
	if out, err := tmux("new-session", "-d", "-x", strconv.Itoa(paneCols), "-y", strconv.Itoa(paneRows), cmd); err != nil {
		return paneRun{}, fmt.Errorf("tmux: %v: %s", err, out)
	}
	out, err := tmux("display-message", "-p", "#{pane_pid}")
	if err != nil {
		return paneRun{}, fmt.Errorf("tmux: %v: %s", err, out)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		return paneRun{}, fmt.Errorf("pane pid %q: %w", out, err)
	}
	deadline := time.Now().Add(b.runTimeout)
	for {
		screen, _ := tmux("capture-pane", "-p")
		if strings.Contains(screen, "clip started:") {
			break
		}
		if time.Now().After(deadline) {
			return paneRun{}, fmt.Errorf("no start within %v; screen:\n%s", b.runTimeout, screen)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(paneWarmUp)
	t0, cpu0, err := cpuTicks(pid)
	if err != nil {
		return paneRun{}, err
	}
	time.Sleep(paneWindow)
	t1, cpu1, err := cpuTicks(pid)
	if err != nil {
		return paneRun{}, err
	}
	_, _ = tmux("send-keys", "q")
	n, err := framesBetween(frames, t0, t1)
	if err != nil && !(video == "none" && errors.Is(err, os.ErrNotExist)) {
		return paneRun{}, err
	}
	secs := t1.Sub(t0).Seconds()
	return paneRun{fps: float64(n) / secs, cpu: 100 * float64(cpu1-cpu0) / clockTicks / secs}, nil
}

// cpuTicks reads the process's user and system time, in clock ticks, and
// when it read them.
func cpuTicks(pid int) (time.Time, int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	now := time.Now()
	if err != nil {
		return now, 0, err
	}
	// The command name, field 2, may hold spaces: count from its ')'.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return now, 0, fmt.Errorf("/proc/%d/stat: %q", pid, s)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(fields[12], 10, 64) // field 15
	if err := errors.Join(err1, err2); err != nil {
		return now, 0, err
	}
	return now, utime + stime, nil
}

// framesBetween counts the logged pictures taken in [from, to).
func framesBetween(path string, from, to time.Time) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		ns, err := strconv.ParseInt(strings.TrimSpace(sc.Text()), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %q", path, sc.Text())
		}
		if t := time.Unix(0, ns); !t.Before(from) && t.Before(to) {
			n++
		}
	}
	return n, sc.Err()
}

func (ps *paneSamples) rows() []row {
	var fps, on, none, cost []float64
	for i := range ps.on {
		fps = append(fps, ps.on[i].fps)
		on = append(on, ps.on[i].cpu)
		none = append(none, ps.none[i].cpu)
		cost = append(cost, ps.on[i].cpu-ps.none[i].cpu)
	}
	sf, sc := summarize(fps), summarize(cost)
	where := fmt.Sprintf("%dx%d tmux, no display, 24-bit", paneCols, paneRows)
	window := fmt.Sprintf("%.1f s of playback from %.1f s after `start`", paneWindow.Seconds(), paneWarmUp.Seconds())
	pct := func(what string, s summary, target string, ok *bool, note string) row {
		return row{sec: "5", what: what, value: fmtNum(s.median, 1) + " %", spread: fmtSpreadNum(s, 1) + " %",
			n: fmt.Sprint(s.n), target: target, ok: ok, note: note}
	}
	return []row{
		{sec: "5", what: "pane: pictures shown per second (--pane-fps 24, clip 25 fps)", value: fmtNum(sf.median, 1),
			spread: fmtSpreadNum(sf, 1), n: fmt.Sprint(sf.n), target: fmt.Sprintf("≥ %.0f", minPaneFPS),
			ok: check(sf.n > 0 && sf.min >= minPaneFPS), note: where + "; worst run judged; pictures the TUI took, " + window},
		pct("pane: clusterplay CPU, picture in the pane (% of one core)", summarize(on), "", nil,
			"utime+stime of the process (mpv decodes in it), "+window),
		pct("pane: clusterplay CPU, --video none (% of one core)", summarize(none), "", nil, "same clip, same terminal"),
		pct("pane: the pane's cost, CPU on − none (% of one core)", sc, fmt.Sprintf("≤ %.0f %%", maxPaneCPU),
			check(sc.n > 0 && sc.max <= maxPaneCPU), "worst pair judged; software rendering, half blocks, the TUI's redraws"),
	}
}
