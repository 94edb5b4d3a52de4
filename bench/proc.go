package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// child is a process under measurement. Its stdout lines are stamped with
// the bench's monotonic clock the moment they are read: clusterplay writes
// each JSON event with one unbuffered write, so the arrival time of the
// `start` line is when the first frame was reported, not when some buffer
// happened to be flushed.
type child struct {
	cmd     *exec.Cmd
	started time.Time
	lines   chan stamped  // closed at stdout EOF
	exited  chan struct{} // closed once Wait has returned
	exitAt  time.Time     // valid after exited
	waitErr error         // valid after exited
	stderr  *capped
	peak    *peaks // nil unless sampled
}

// stamped is one stdout line and when it arrived.
type stamped struct {
	at   time.Time
	text string
}

// lineBuffer bounds the queue of unread lines. The 1000-host run prints
// about 2000 events; a reader that falls behind further would stall the
// child on a full pipe and distort its timing, so this leaves ample room.
const lineBuffer = 1 << 15

// startChild starts name with args in its own process group, so that stop
// also reaches what it spawns (mpv's ytdl hook runs yt-dlp), and, when
// sample is set, samples its sockets and memory every sampleEvery.
func startChild(name string, args, env []string, sample bool) (*child, error) {
	every := time.Duration(0)
	if sample {
		every = sampleEvery
	}
	return startSampled(name, args, env, every)
}

// startSampled is startChild sampling every period (0: not at all).
func startSampled(name string, args, env []string, every time.Duration) (*child, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, lines: make(chan stamped, lineBuffer), exited: make(chan struct{}), stderr: &capped{max: 8 << 10}}
	cmd.Stderr = c.stderr
	c.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	if every > 0 {
		c.peak = &peaks{}
		go c.peak.run(cmd.Process.Pid, c.exited, every)
	}
	// Lines must be read until EOF before Wait may be called (StdoutPipe's
	// rule), hence the ordering inside one goroutine.
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			c.lines <- stamped{at: time.Now(), text: sc.Text()}
		}
		close(c.lines)
		c.waitErr = cmd.Wait()
		c.exitAt = time.Now()
		close(c.exited)
	}()
	return c, nil
}

// next returns the next stdout line, or false at EOF or when the deadline
// passes first.
func (c *child) next(deadline time.Time) (stamped, bool) {
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case l, ok := <-c.lines:
		return l, ok
	case <-t.C:
		return stamped{}, false
	}
}

// signal sends sig to the child's process group (its id is the child's pid,
// set by Setpgid), which holds only processes this bench started.
func (c *child) signal(sig syscall.Signal) {
	_ = syscall.Kill(-c.cmd.Process.Pid, sig)
}

// stop asks the child to end with SIGTERM, which lets clusterplay flush its
// failure memory (the warm runs depend on that), and kills it after grace.
// It drains stdout so the reading goroutine can reach Wait.
func (c *child) stop(grace time.Duration) {
	select {
	case <-c.exited:
		return
	default:
	}
	c.signal(syscall.SIGTERM)
	if !c.waitExit(grace) {
		c.signal(syscall.SIGKILL)
		c.waitExit(5 * time.Second)
	}
}

// waitExit drains stdout until the child exits or d passes; true if it
// exited.
func (c *child) waitExit(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		select {
		case <-c.exited:
			return true
		default:
		}
		if _, ok := c.next(deadline); !ok {
			select {
			case <-c.exited:
				return true
			case <-time.After(time.Until(deadline)):
				return false
			}
		}
	}
}

// capped keeps the first max bytes written to it: enough of a child's
// stderr to explain a failure without letting a chatty one eat memory.
type capped struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (w *capped) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if room := w.max - w.buf.Len(); room > 0 {
		w.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (w *capped) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.TrimSpace(w.buf.String())
}

// peaks are the maxima seen by sampling /proc/PID while the child runs.
type peaks struct {
	mu      sync.Mutex
	sockets int   // fd links of the form socket:[inode]
	rssKB   int64 // largest VmRSS sampled
	hwmKB   int64 // VmHWM at the last sample: the kernel's own peak up to then
	anonKB  int64 // largest RssAnon: heap, stacks (the process's own memory)
	fileKB  int64 // largest RssFile: mapped files, mostly shared libraries
	samples int
}

// sampleEvery is the sampling period. A loopback refusal is over in well
// under a millisecond, but attempts overlap for the race delay (250 ms) or
// a connect timeout, so concurrent sockets live far longer than 2 ms.
const sampleEvery = 2 * time.Millisecond

func (p *peaks) run(pid int, exited <-chan struct{}, every time.Duration) {
	fdDir := fmt.Sprintf("/proc/%d/fd", pid)
	status := fmt.Sprintf("/proc/%d/status", pid)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		socks, err1 := countSockets(fdDir)
		m, err2 := readMem(status)
		if err1 == nil && err2 == nil {
			p.mu.Lock()
			p.sockets = max(p.sockets, socks)
			p.rssKB = max(p.rssKB, m["VmRSS"])
			p.hwmKB = max(p.hwmKB, m["VmHWM"])
			p.anonKB = max(p.anonKB, m["RssAnon"])
			p.fileKB = max(p.fileKB, m["RssFile"])
			p.samples++
			p.mu.Unlock()
		}
		select {
		case <-exited:
			return
		case <-tick.C:
		}
	}
}

// get returns the peaks; rss is the larger of the sampled VmRSS maximum and
// the last VmHWM.
func (p *peaks) get() (sockets int, rssKB, anonKB, fileKB int64, samples int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sockets, max(p.rssKB, p.hwmKB), p.anonKB, p.fileKB, p.samples
}

func countSockets(fdDir string) (int, error) {
	entries, err := os.ReadDir(fdDir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		// A descriptor closed between ReadDir and Readlink is simply gone.
		if target, err := os.Readlink(fdDir + "/" + e.Name()); err == nil && strings.HasPrefix(target, "socket:") {
			n++
		}
	}
	return n, nil
}

// memKeys are the /proc/PID/status lines read, all in kB.
var memKeys = map[string]bool{"VmRSS": true, "VmHWM": true, "RssAnon": true, "RssFile": true}

func readMem(status string) (map[string]int64, error) {
	data, err := os.ReadFile(status)
	if err != nil {
		return nil, err
	}
	m := map[string]int64{}
	for _, line := range strings.Split(string(data), "\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok || !memKeys[key] {
			continue
		}
		if f := strings.Fields(val); len(f) > 0 { // "  12345 kB"
			m[key], _ = strconv.ParseInt(f[0], 10, 64)
		}
	}
	if m["VmRSS"] == 0 {
		// A zombie has no memory lines: treat it as gone, not as 0 KiB.
		return nil, errors.New("no memory lines")
	}
	return m, nil
}

// event is the subset of a clusterplay --json line the bench reads.
type event struct {
	Event     string   `json:"event"`
	Host      string   `json:"host"`
	Index     *int     `json:"index"`
	ElapsedMS *float64 `json:"elapsed_ms"`
	Position  *float64 `json:"position"`
	Class     string   `json:"class"`
	Error     string   `json:"error"`
	ToIndex   *int     `json:"to_index"`
	TS        string   `json:"ts"`

	at time.Time // when the bench read the line
}

func parseEvent(l stamped) (event, bool) {
	var e event
	if !strings.HasPrefix(l.text, "{") || json.Unmarshal([]byte(l.text), &e) != nil || e.Event == "" {
		return event{}, false
	}
	e.at = l.at
	return e, true
}

func (e event) index() int {
	if e.Index == nil {
		return -1
	}
	return *e.Index
}

// stamp is the event's own timestamp, taken inside clusterplay when it was
// published: exact for intervals between two events of one process.
func (e event) stamp() time.Time {
	t, _ := time.Parse(time.RFC3339Nano, e.TS)
	return t
}

func (e event) elapsed() float64 {
	if e.ElapsedMS == nil {
		return 0
	}
	return *e.ElapsedMS
}

// untilEvent reads events until one of kind arrives (returned with every
// event read so far), or the deadline or EOF comes first.
func (c *child) untilEvent(kind string, deadline time.Time, seen []event) (event, []event, error) {
	for {
		l, ok := c.next(deadline)
		if !ok {
			if time.Now().After(deadline) {
				return event{}, seen, fmt.Errorf("no %q event within the deadline", kind)
			}
			<-c.exited
			return event{}, seen, fmt.Errorf("exited (%v) before a %q event; stderr: %s", c.waitErr, kind, c.stderr)
		}
		e, ok := parseEvent(l)
		if !ok {
			continue
		}
		seen = append(seen, e)
		if e.Event == kind {
			return e, seen, nil
		}
	}
}
