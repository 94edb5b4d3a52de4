package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"clusterplay/app"
	"clusterplay/assets"
	"clusterplay/config"
	"clusterplay/events"
	"clusterplay/localhost"
	"clusterplay/loopback"
	"clusterplay/playback"
)

// Section 11: hedged requests. Three hosts; each request the relay makes
// of the serving one is held 2 s before its first byte with probability
// 10 %; HLS of 2 s segments; mpv reading 1 s ahead. Hedging on, and off
// beside it.

const (
	hedgeHold   = 2 * time.Second
	hedgeChance = 0.10
	hedgeLoops  = 4 // the demo clip played 5 times over: 30 s, 15 segments
)

// hedgeRun is what one play measured.
type hedgeRun struct {
	segmentTTFB []float64 // ms: each segment, from the relay's request to the first byte any host sent
	goodTTFB    []float64 // ms: each request to the good hosts, as they answered it
	requests    int       // requests the relay made of the hosts, hedges included
	hedges      int
	pauses      int // rebuffers: playing -> buffering after the first frame
}

// firstBytes notes, for each request the relay makes (it bears Via),
// when it came and when its host sent the first byte.
type firstBytes struct {
	mu       sync.Mutex
	arrivals map[string]time.Time   // by segment path: the first request for it
	firsts   map[string][]time.Time // by segment path: first bytes sent
	good     []float64
	requests int
}

func newFirstBytes() *firstBytes {
	return &firstBytes{arrivals: map[string]time.Time{}, firsts: map[string][]time.Time{}}
}

// wrap measures next, host number index (0 is the slow one).
func (f *firstBytes) wrap(index int, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Via") == "" {
			next.ServeHTTP(w, r) // the engine's attempt, not the relay's
			return
		}
		came := time.Now()
		p := r.URL.Path
		f.mu.Lock()
		f.requests++
		if _, ok := f.arrivals[p]; !ok && strings.HasSuffix(p, ".ts") {
			f.arrivals[p] = came
		}
		f.mu.Unlock()
		next.ServeHTTP(&firstWrite{ResponseWriter: w, on: func() {
			at := time.Now()
			f.mu.Lock()
			defer f.mu.Unlock()
			f.firsts[p] = append(f.firsts[p], at)
			if index > 0 && strings.HasSuffix(p, ".ts") {
				f.good = append(f.good, ms(at.Sub(came)))
			}
		}}, r)
	})
}

// ttfbs is each segment's time to first byte as the player met it.
func (f *firstBytes) ttfbs() []float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []float64
	for p, came := range f.arrivals {
		if firsts := f.firsts[p]; len(firsts) > 0 {
			out = append(out, ms(slices.MinFunc(firsts, func(a, b time.Time) int { return a.Compare(b) }).Sub(came)))
		}
	}
	return out
}

// firstWrite calls on before the first byte of the response goes out.
type firstWrite struct {
	http.ResponseWriter
	on   func()
	done bool
}

func (w *firstWrite) first() {
	if !w.done {
		w.done = true
		w.on()
	}
}

func (w *firstWrite) WriteHeader(code int) { w.first(); w.ResponseWriter.WriteHeader(code) }
func (w *firstWrite) Write(p []byte) (int, error) {
	w.first()
	return w.ResponseWriter.Write(p)
}

// makeLongHLS cuts the demo clip, looped, into 2 s segments.
func (b *bench) makeLongHLS() (map[string][]byte, error) {
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		return nil, fmt.Errorf("ffmpeg not found (apt-get install ffmpeg): %w", err)
	}
	dir := filepath.Join(b.tmp, "hedge-src")
	out := filepath.Join(dir, "hls")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	src := filepath.Join(dir, assets.ClipName)
	if err := os.WriteFile(src, assets.Clip, 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(ffmpeg, "-v", "error", "-stream_loop", fmt.Sprint(hedgeLoops), "-i", src, "-c", "copy", "-f", "hls",
		"-hls_time", "2", "-hls_playlist_type", "vod", "-hls_segment_filename", filepath.Join(out, "seg%d.ts"), filepath.Join(out, "index.m3u8"))
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("ffmpeg making HLS: %v\n%s", err, msg)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil {
			return nil, err
		}
		files["hls/"+e.Name()] = data
	}
	return files, nil
}

// hedgeOnce plays the HLS once from three hosts, the first with the
// delayed tail, with hedging on or off.
func (b *bench) hedgeOnce(files map[string][]byte, hedge bool, seed uint64) (hedgeRun, error) {
	fb := newFirstBytes()
	open, err := localhost.Files(files)
	if err != nil {
		return hedgeRun{}, err
	}
	relayed := func(tail loopback.Tail) loopback.Tail {
		return func(r *http.Request, n int64) bool { return r.Header.Get("Via") != "" && tail(r, n) }
	}
	var urls []string
	for i := range 3 {
		var h http.Handler = localhost.ClipHandler(open)
		if i == 0 {
			h = loopback.HoldFirstBytes(h, hedgeHold, relayed(loopback.WithChance(hedgeChance, seed, "")))
		}
		host, err := loopback.NewHTTP(fb.wrap(i, h))
		if err != nil {
			return hedgeRun{}, err
		}
		defer host.Close()
		urls = append(urls, host.URL)
	}
	args := []string{"--no-video", "--no-mpv-config", "--state-dir", b.stateDir(), "--mpv", "cache-secs=1",
		"--hedge=" + map[bool]string{true: "on", false: "off"}[hedge]}
	for _, u := range urls {
		args = append(args, "--host", u)
	}
	cfg, err := config.Load(append(args, "hls/index.m3u8"), nil)
	if err != nil {
		return hedgeRun{}, err
	}
	parts, err := app.Build(cfg, os.Stderr)
	if err != nil {
		return hedgeRun{}, err
	}
	bus := parts.Bus()
	sub := bus.Subscribe()
	defer func() {
		parts.Close()
		for range sub {
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	done := make(chan playback.Outcome, 1)
	go func() { done <- parts.Session().Run(ctx) }()
	var run hedgeRun
	started, last := false, events.State("")
	for evs := sub; evs != nil; {
		select {
		case <-done:
			done = nil
			bus.Close()
		case ev, ok := <-evs:
			if !ok {
				evs = nil
				continue
			}
			switch ev.Kind {
			case events.Start:
				started = true
			case events.Hedge:
				run.hedges++
			case events.StateChanged:
				if started && last == events.StatePlaying && ev.State == events.StateBuffering {
					run.pauses++
				}
				last = ev.State
			}
		}
	}
	if ctx.Err() != nil {
		return run, fmt.Errorf("still playing after 90 s")
	}
	run.segmentTTFB, run.goodTTFB, run.requests = fb.ttfbs(), fb.good, fb.requests
	return run, nil
}

// benchHedge is section 11: two runs in a row of each mode, each row
// one run's numbers, so that the spread shows between the two.
func (b *bench) benchHedge() ([]row, error) {
	files, err := b.makeLongHLS()
	if err != nil {
		return nil, err
	}
	var rows []row
	for rep := range 2 {
		for _, on := range []bool{true, false} {
			name := map[bool]string{true: "on", false: "off"}[on]
			b.logf("hedging: run %d/2, --hedge=%s", rep+1, name)
			r, err := b.hedgeOnce(files, on, uint64(11+rep))
			if err != nil {
				return nil, fmt.Errorf("hedging, --hedge=%s: %w", name, err)
			}
			rows = append(rows, hedgeRows(r, rep+1, name, on)...)
		}
	}
	return rows, nil
}

func hedgeRows(r hedgeRun, rep int, name string, on bool) []row {
	p99, good := percentile(r.segmentTTFB, 99), percentile(r.goodTTFB, 99)
	ratio := p99 / good
	playerRequests := r.requests - r.hedges
	extra := 100 * float64(r.hedges) / float64(max(playerRequests, 1))
	what := fmt.Sprintf("hedging (run %d, --hedge=%s): ", rep, name)
	slow := 0
	for _, v := range r.segmentTTFB {
		if v > 1000 {
			slow++
		}
	}
	note := fmt.Sprintf("%d segments, %d of them over 1 s; p99 of the good hosts' own TTFB %s ms; %d requests to the hosts, %d hedges",
		len(r.segmentTTFB), slow, fmtNum(good, 2), r.requests, r.hedges)
	var okRatio, okPauses, okExtra *bool
	if on {
		okRatio, okPauses, okExtra = check(ratio <= 1.5), check(r.pauses == 0), check(extra <= 5)
	}
	return []row{
		{sec: "11", what: what + "p99 segment TTFB", value: fmtNum(p99, 1) + " ms", n: fmt.Sprint(len(r.segmentTTFB)),
			target: "≤ 1.5× the good hosts' p99", ok: okRatio, note: fmt.Sprintf("%.0f× the good hosts' p99; %s", ratio, note)},
		{sec: "11", what: what + "rebuffers", value: fmt.Sprint(r.pauses), n: "1", target: "0", ok: okPauses},
		{sec: "11", what: what + "extra requests", value: fmtNum(extra, 1) + " %", n: fmt.Sprint(playerRequests), target: "≤ 5 %", ok: okExtra},
	}
}
