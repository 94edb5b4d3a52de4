package main

import (
	"fmt"
	"strings"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
)

// trio is section 1's cluster: a host that never answers a SYN, a port that
// refuses, and a good host serving the embedded clip, in that priority
// order. It is the order that hurts a one-at-a-time player most: the
// silent host costs a full timeout before anything else is tried.
type trio struct {
	hang, good *loopback.Host
	refused    string
}

// newTrio starts the hosts. The refused port is taken last, after every
// listener of this section exists, so none of them can land on it.
func newTrio() (*trio, error) {
	hang, err := loopback.Hang()
	if err != nil {
		return nil, fmt.Errorf("hang host: %w", err)
	}
	good, err := loopback.Good(map[string][]byte{assets.ClipName: assets.Clip})
	if err != nil {
		hang.Close()
		return nil, fmt.Errorf("good host: %w", err)
	}
	refused, err := loopback.Refused()
	if err != nil {
		hang.Close()
		good.Close()
		return nil, fmt.Errorf("refused URL: %w", err)
	}
	return &trio{hang: hang, good: good, refused: refused}, nil
}

func (t *trio) close() {
	t.hang.Close()
	t.good.Close()
}

func (t *trio) hostArgs() []string {
	return []string{"--host", t.hang.URL, "--host", t.refused, "--host", t.good.URL}
}

func clipOn(base string) string { return base + "/" + assets.ClipName }

// cpRun is one clusterplay run up to its first frame.
type cpRun struct {
	resolveMS float64 // the resolved event's elapsed_ms: the engine's own clock
	ttffMS    float64 // process start to the `start` line: what a user waits
	winner    int     // index of the resolved host
	skips     int     // skip events: hosts the failure memory ruled out
}

// playToStart runs clusterplay headless until its first `start` event,
// then ends it with SIGTERM so it flushes its failure memory as a user's
// Ctrl-C would.
func (b *bench) playToStart(extra ...string) (cpRun, error) {
	args := append([]string{"--json", "--no-video", "--no-mpv-config"}, extra...)
	args = append(args, assets.ClipName)
	c, err := startChild(b.bin, args, b.env, false)
	if err != nil {
		return cpRun{}, err
	}
	defer c.stop(3 * time.Second)
	start, seen, err := c.untilEvent("start", time.Now().Add(b.runTimeout), nil)
	if err != nil {
		return cpRun{}, fmt.Errorf("clusterplay %s: %w", strings.Join(extra, " "), err)
	}
	r := cpRun{ttffMS: ms(start.at.Sub(c.started)), winner: -1}
	for _, e := range seen {
		switch e.Event {
		case "resolved":
			r.resolveMS, r.winner = e.elapsed(), e.index()
		case "skip":
			r.skips++
		}
	}
	return r, nil
}

// mpvRun is one plain mpv run.
type mpvRun struct {
	markerMS float64 // process start to the playback-restart marker
	exitMS   float64 // process start to exit (--frames=1 ends it)
	timedOut bool
}

// mpvMarker prints PLAYING on mpv's first playback-restart: the very mpv
// event at which clusterplay's player reports `start`, so the floor and the
// clusterplay numbers measure the same moment. io.stdout is written and
// flushed directly because --msg-level=all=no silences mp.msg and
// --term-playing-msg alike (the latter is printed at info level).
const mpvMarker = `local done = false
mp.register_event("playback-restart", function()
  if not done then done = true; io.stdout:write("PLAYING\n"); io.stdout:flush() end
end)
`

// playMpv runs plain mpv, as a user would, with --frames=1 so that it exits
// by itself right after the first frame. Both the marker and the exit are
// timed; the table uses the marker, which excludes mpv's own teardown.
func (b *bench) playMpv(timeout time.Duration, extra []string, urls ...string) (mpvRun, error) {
	args := []string{"--no-config", "--vo=null", "--ao=null", "--frames=1", "--msg-level=all=no", "--script=" + b.marker}
	args = append(append(args, extra...), urls...)
	c, err := startChild(b.mpv, args, b.env, false)
	if err != nil {
		return mpvRun{}, err
	}
	defer c.stop(2 * time.Second)
	deadline := time.Now().Add(timeout)
	r := mpvRun{markerMS: -1}
	for {
		l, ok := c.next(deadline)
		if !ok {
			break
		}
		if strings.TrimSpace(l.text) == "PLAYING" && r.markerMS < 0 {
			r.markerMS = ms(l.at.Sub(c.started))
		}
	}
	if time.Now().After(deadline) {
		r.timedOut = true
		return r, nil
	}
	if !c.waitExit(time.Until(deadline)) {
		r.timedOut = true
		return r, nil
	}
	r.exitMS = ms(c.exitAt.Sub(c.started))
	if r.markerMS < 0 {
		return r, fmt.Errorf("mpv exited (%v) without playing; stderr: %s", c.waitErr, c.stderr)
	}
	return r, nil
}

// resolveSamples collects section 1's measurements, in milliseconds.
type resolveSamples struct {
	coldRes, coldTTFF, offRes, offTTFF       []float64
	floorMarker, floorExit                   []float64
	listMarker, listExit                     []float64
	warmARes, warmATTFF, warmBRes, warmBTTFF []float64
	warmASkips, warmBSkips                   []float64
	wrongWinner, listTimedOut                int
}

// listTuned is plain mpv's playlist run tuned to clusterplay's terms.
var listTuned = []string{"--network-timeout=2", "--ytdl=no"}

// warmExpiry keeps the primed failures remembered through every warm
// repetition, however slow the machine; the default 2 s would have expired
// before the first warm run starts.
const warmExpiry = "10m"

// benchResolve is section 1. Variants are interleaved within each
// repetition rather than run in blocks, so that a slow phase of the shared
// machine touches every variant alike instead of biasing one.
func (b *bench) benchResolve(t *trio) (*resolveSamples, error) {
	s := &resolveSamples{}
	hosts := t.hostArgs()
	urls := []string{clipOn(t.hang.URL), clipOn(t.refused), clipOn(t.good.URL)}

	// Warm memory, primed once per variant by an ordinary previous run:
	// A by a default run, B by a --race-delay off run. They differ in
	// what they leave behind: a racing run cancels the hanging attempt
	// once the good host answers, and a cancelled attempt is not a
	// failure, so only B's memory knows the hang is dead.
	warmA, warmB := b.stateDir(), b.stateDir()
	for _, p := range []struct {
		dir   string
		extra []string
	}{{warmA, nil}, {warmB, []string{"--race-delay", "off"}}} {
		args := append([]string{"--state-dir", p.dir, "--failure-expiry", warmExpiry}, p.extra...)
		if _, err := b.playToStart(append(args, hosts...)...); err != nil {
			return nil, fmt.Errorf("priming warm memory: %w", err)
		}
	}

	for rep := 0; rep < b.reps; rep++ {
		b.logf("resolve: repetition %d/%d", rep+1, b.reps)
		r, err := b.playToStart(append([]string{"--state-dir", b.stateDir()}, hosts...)...)
		if err != nil {
			return nil, err
		}
		s.coldRes, s.coldTTFF = append(s.coldRes, r.resolveMS), append(s.coldTTFF, r.ttffMS)
		s.count(r)

		r, err = b.playToStart(append([]string{"--state-dir", b.stateDir(), "--race-delay", "off"}, hosts...)...)
		if err != nil {
			return nil, err
		}
		s.offRes, s.offTTFF = append(s.offRes, r.resolveMS), append(s.offTTFF, r.ttffMS)
		s.count(r)

		m, err := b.playMpv(b.runTimeout, nil, clipOn(t.good.URL))
		if err != nil {
			return nil, err
		}
		s.floorMarker, s.floorExit = append(s.floorMarker, m.markerMS), append(s.floorExit, m.exitMS)

		// Plain mpv at its best for this cluster: it gives up on a host
		// after the same 2 s clusterplay allows, and its ytdl hook (which
		// retries every failed URL through yt-dlp, 20 s on the hang) is off,
		// as clusterplay turns it off. The untuned variants take 23 s and
		// 80 s a run; they run once, beside the scale section.
		m, err = b.playMpv(b.runTimeout, listTuned, urls...)
		if err != nil {
			return nil, err
		}
		if m.timedOut {
			s.listTimedOut++
		} else {
			s.listMarker, s.listExit = append(s.listMarker, m.markerMS), append(s.listExit, m.exitMS)
		}

		r, err = b.playToStart(append([]string{"--state-dir", warmA, "--failure-expiry", warmExpiry}, hosts...)...)
		if err != nil {
			return nil, err
		}
		s.warmARes, s.warmATTFF, s.warmASkips = append(s.warmARes, r.resolveMS), append(s.warmATTFF, r.ttffMS), append(s.warmASkips, float64(r.skips))
		s.count(r)

		r, err = b.playToStart(append([]string{"--state-dir", warmB, "--failure-expiry", warmExpiry}, hosts...)...)
		if err != nil {
			return nil, err
		}
		s.warmBRes, s.warmBTTFF, s.warmBSkips = append(s.warmBRes, r.resolveMS), append(s.warmBTTFF, r.ttffMS), append(s.warmBSkips, float64(r.skips))
		s.count(r)
	}
	return s, nil
}

// count notes a run that resolved to anything but the good host (index 2),
// which would make its timings meaningless.
func (s *resolveSamples) count(r cpRun) {
	if r.winner != 2 {
		s.wrongWinner++
	}
}

// sideRun is one slow plain-mpv playlist run over the trio, made once, not
// per repetition: with mpv's ytdl hook on, the hanging URL costs yt-dlp's
// own 20 s socket timeout after mpv's, so a run takes 23 s (network timeout
// 2 s) or about 80 s (mpv's defaults). They run beside the 100-host scale
// runs, which spend their minute waiting on timers too.
type sideRun struct {
	what   string
	extra  []string
	result *mpvRun
}

func sideRuns() []*sideRun {
	return []*sideRun{
		{what: "(d′) plain mpv playlist, --network-timeout=2, ytdl hook on (mpv's default)", extra: []string{"--network-timeout=2"}},
		{what: "(d″) plain mpv playlist, mpv defaults (network-timeout 60 s, ytdl hook on)"},
	}
}

// run plays the trio as a playlist, with a refused port taken by the
// caller at a moment no other listener can take it.
func (sr *sideRun) run(b *bench, t *trio, refused string) error {
	urls := []string{clipOn(t.hang.URL), clipOn(refused), clipOn(t.good.URL)}
	m, err := b.playMpv(sideRunTimeout, sr.extra, urls...)
	if err != nil {
		return err
	}
	sr.result = &m
	return nil
}

// sideRunTimeout bounds a side run; beyond it the table says "> 120 s".
const sideRunTimeout = 120 * time.Second

// resolveRows turns section 1 into table rows.
func resolveRows(s *resolveSamples, side []*sideRun, raceDelayMS float64) []row {
	cold, off := summarize(s.coldRes), summarize(s.offRes)
	floor := summarize(s.floorMarker)
	var rows []row
	limit := raceDelayMS + 50
	rows = append(rows,
		msRow("1", "(a) clusterplay default (race 250 ms): resolve", cold,
			fmt.Sprintf("≤ race delay + 50 ms = %.0f ms", limit), check(cold.n > 0 && cold.median <= limit),
			"`resolved` elapsed_ms; cold: fresh --state-dir each run"),
		msRow("1", "(a) clusterplay default: first frame", summarize(s.coldTTFF), "", nil,
			"process start → `start` JSON line (--no-video)"),
		msRow("1", "(b) clusterplay --race-delay off: resolve", off,
			"(b) ≥ 6 × (a)", check(cold.n > 0 && off.n > 0 && off.median >= 6*cold.median),
			fmt.Sprintf("(b)/(a) = %.1f×", off.median/cold.median)),
		msRow("1", "(b) clusterplay --race-delay off: first frame", summarize(s.offTTFF), "", nil, ""),
		msRow("1", "(c) plain mpv, good URL only: first frame (floor)", floor, "", nil,
			fmt.Sprintf("process start → PLAYING printed by a Lua hook on mpv's first playback-restart (the event clusterplay's `start` is); exit with --frames=1: %s", fmtMS(median(s.floorExit)))),
		msRow("1", "(d) plain mpv playlist [hang, refused, good], --network-timeout=2 --ytdl=no: first frame", summarize(s.listMarker), "", nil,
			fmt.Sprintf("same marker; %.1f× the floor; exit: %s; mpv tuned to clusterplay's 2 s timeout, ytdl hook off as clusterplay has it%s",
				median(s.listMarker)/floor.median, fmtMS(median(s.listExit)), timedOutNote(s.listTimedOut))),
	)
	for _, sr := range side {
		switch {
		case sr.result == nil:
			rows = append(rows, row{sec: "1", what: sr.what, value: "not run", note: "full run only (one run takes 23–80 s)"})
		case sr.result.timedOut || sr.result.markerMS < 0:
			rows = append(rows, row{sec: "1", what: sr.what, value: fmt.Sprintf("> %.0f s", sideRunTimeout.Seconds()), n: "1", note: "cut off"})
		default:
			rows = append(rows, msRow("1", sr.what+": first frame", summarize([]float64{sr.result.markerMS}), "", nil,
				fmt.Sprintf("one run, beside the 100-host scale runs; %.0f× the floor", sr.result.markerMS/floor.median)))
		}
	}
	wa, wb := summarize(s.warmATTFF), summarize(s.warmBTTFF)
	target := fmt.Sprintf("≤ 1.2 × floor = %s", fmtMS(1.2*floor.median))
	rows = append(rows,
		msRow("1", "(a) warm, memory from a previous default run: resolve", summarize(s.warmARes), "", nil,
			fmt.Sprintf("skips per run: %s (the refused host; the hang lost its race unanswered, so it is remembered as slow, not failed, and gets no head start)", fmtNum(median(s.warmASkips), 0))),
		msRow("1", "(a) warm, memory from a previous default run: first frame", wa, target, check(wa.n > 0 && wa.median <= 1.2*floor.median),
			fmt.Sprintf("%.2f× the floor", wa.median/floor.median)),
		msRow("1", "(a) warm, memory from a previous --race-delay off run: resolve", summarize(s.warmBRes), "", nil,
			fmt.Sprintf("skips per run: %s (hang timed out in the priming run, so it is remembered too)", fmtNum(median(s.warmBSkips), 0))),
		msRow("1", "(a) warm, memory from a previous --race-delay off run: first frame", wb, target, check(wb.n > 0 && wb.median <= 1.2*floor.median),
			fmt.Sprintf("%.2f× the floor; --failure-expiry %s", wb.median/floor.median, warmExpiry)),
	)
	if s.wrongWinner > 0 {
		rows = append(rows, row{sec: "1", what: "runs resolved to a host other than the good one", value: fmt.Sprint(s.wrongWinner), note: "their timings are still included above"})
	}
	return rows
}

func timedOutNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; %d run(s) cut off at the run timeout and left out", n)
}
