package main

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
	"clusterplay/relay"
)

// frameMS is the demo clip's frame interval (25 fps): "the picture stood
// still 0 ms" means a freeze shorter than one frame.
const frameMS = 40.0

// fault is how the serving host fails mid-clip.
type fault struct {
	name   string
	inject func(h *loopback.Host)
	// detectTarget bounds the relay's kill → failover, in ms.
	detectTarget float64
	targetText   string
	// why the relay with its default read timeout may still freeze
	why string
}

var faults = []fault{
	{"reset", (*loopback.Host).Kill, 50, "≤ 50 ms", ""},
	{"silent", (*loopback.Host).Stall, ms(relay.DefaultReadTimeout) + 50,
		fmt.Sprintf("≤ read timeout + 50 ms = %s", fmtMS(ms(relay.DefaultReadTimeout)+50)), ""},
}

// watchSamples are the runs of one configuration.
type watchSamples struct {
	runs []watchRun
}

func (ws *watchSamples) col(f func(watchRun) float64) summary {
	var xs []float64
	for _, r := range ws.runs {
		if v := f(r); !math.IsNaN(v) {
			xs = append(xs, v)
		}
	}
	return summarize(xs)
}

func (ws *watchSamples) classes() string {
	n := map[string]int{}
	for _, r := range ws.runs {
		c := r.class
		if c == "" {
			c = "none"
		}
		if r.seamless {
			c += " (seamless)"
		}
		n[c]++
	}
	var out []string
	for c, k := range n {
		out = append(out, fmt.Sprintf("%s ×%d", c, k))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// early says the failovers before the fault, by class, over all runs; ""
// when there were none.
func (ws *watchSamples) early() string {
	n := map[string]int{}
	for _, r := range ws.runs {
		for _, c := range r.early {
			n[c]++
		}
	}
	var out []string
	for c, k := range n {
		out = append(out, fmt.Sprintf("%s ×%d", c, k))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// ends counts the runs by how they ended.
func (ws *watchSamples) ends() string {
	n := map[string]int{}
	for _, r := range ws.runs {
		n[r.end]++
	}
	var out []string
	for e, k := range n {
		out = append(out, fmt.Sprintf("%s ×%d", e, k))
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// mode is how a watched run plays: through the relay (with its read
// timeout; 0 is the default) or not, and, in section 5, the serving
// host's rate as a multiple of the clip's bitrate (0: throttleFactor).
type mode struct {
	relay       bool
	readTimeout time.Duration
	factor      float64
}

func (m mode) String() string {
	s := "relay"
	switch {
	case !m.relay:
		s = "--relay=off"
	case m.readTimeout > 0:
		s = "relay, --read-timeout " + m.readTimeout.String()
	}
	if m.factor > 0 && m.factor != throttleFactor {
		s += fmt.Sprintf(", host at %.1f× the bitrate", m.factor)
	}
	return s
}

// rate is the serving host's bytes/s in this mode.
func (m mode) rate() int64 {
	f := m.factor
	if f <= 0 {
		f = throttleFactor
	}
	return int64(f * float64(len(assets.Clip)) / assets.ClipDuration.Seconds())
}

// shortReadTimeout is the extra mode for a silent host: what a read
// timeout under what the player holds buys.
const shortReadTimeout = 300 * time.Millisecond

// modesFor are the modes a fault is measured in: the relay against
// --relay=off, and for a silent host the relay with a short read timeout.
func modesFor(f fault) []mode {
	if f.name == "silent" {
		// The default at 1.1× too: the player holds less there, and the
		// deadline from its buffer must still come in time (issue 21).
		return []mode{{relay: true}, {relay: true, factor: 1.1}, {relay: true, readTimeout: shortReadTimeout}, {relay: false}}
	}
	return []mode{{relay: true}, {relay: false}}
}

// benchRelayFailover is section 5: the serving host, throttled as in
// section 4, is killed (its connections reset) or goes silent 1.5 s after
// `start`, with and without the relay.
func (b *bench) benchRelayFailover() ([]row, error) {
	files := map[string][]byte{assets.ClipName: assets.Clip}
	backup, err := loopback.Good(files)
	if err != nil {
		return nil, err
	}
	defer backup.Close()
	rate := mode{}.rate()
	samples := map[string]*watchSamples{}
	for rep := 0; rep < b.reps; rep++ {
		for _, f := range faults {
			for _, m := range modesFor(f) {
				b.logf("relay failover: repetition %d/%d, %s, %s", rep+1, b.reps, f.name, m)
				serving, err := loopback.Throttled(files, m.rate())
				if err != nil {
					return nil, err
				}
				r, err := b.watchOnce(watchSetup{hosts: []string{serving.URL, backup.URL}, clip: assets.ClipName, mode: m,
					faultAfter: killAfterStart, fault: func() { f.inject(serving) }, timeout: 40 * time.Second})
				serving.Close()
				if err != nil {
					return nil, fmt.Errorf("relay failover, %s, %s: %w", f.name, m, err)
				}
				key := f.name + "/" + m.String()
				if samples[key] == nil {
					samples[key] = &watchSamples{}
				}
				samples[key].runs = append(samples[key].runs, r)
			}
		}
	}
	setup := fmt.Sprintf("throttled host at %d B/s (1.3× the clip's bitrate) unless the row says otherwise, fault %s after `start`; backup: good host; in process, the binary's engine, relay and session",
		rate, killAfterStart)
	var rows []row
	for _, f := range faults {
		for _, m := range modesFor(f) {
			rows = append(rows, watchRows("5", "MP4, host "+faultWords(f.name), m, f, samples[f.name+"/"+m.String()], setup)...)
		}
	}
	return rows, nil
}

func faultWords(name string) string {
	if name == "reset" {
		return "killed (reset)"
	}
	return "silent (stalled)"
}

// watchRows are the three numbers of one configuration: kill → failover,
// the freeze, the pauses. The relay's rows are judged; --relay=off is
// what it is compared with.
func watchRows(sec, what string, m mode, f fault, ws *watchSamples, setup string) []row {
	mode := m.String()
	detect := ws.col(func(r watchRun) float64 { return r.detectMS })
	still := ws.col(func(r watchRun) float64 { return r.stillMS })
	pauses := ws.col(func(r watchRun) float64 { return float64(r.pauses) })
	before := ws.col(func(r watchRun) float64 { return float64(r.pausesBefore) })
	frame := ws.col(func(r watchRun) float64 { return r.frameMS })
	gap := ws.col(func(r watchRun) float64 { return r.gapMS })
	detectNote := fmt.Sprintf("failover class: %s; `end`: %s", ws.classes(), ws.ends())
	if detect.n < len(ws.runs) {
		detectNote += fmt.Sprintf("; no failover event in %d runs", len(ws.runs)-detect.n)
	}
	if early := ws.early(); early != "" {
		detectNote += "; hosts left before the fault (class): " + early
	}
	skip := ws.col(func(r watchRun) float64 { return r.skipMS })
	stillNote := fmt.Sprintf("longest interval between two positions after the fault (median %s, worst %s) less the usual one (%s); position sampled every %s; media skipped after the fault: median %s, worst %s",
		fmtMS(gap.median), fmtMS(gap.max), fmtMS(frame.median), positionEvery, fmtMS(skip.median), fmtMS(skip.max))
	pauseNote := fmt.Sprintf("moves from playing into buffering or connecting (`state` events) from the fault on; before it (the player run dry at the start, not the fault's): median %.0f, worst %.0f",
		before.median, before.max)
	r := []row{
		msRow(sec, fmt.Sprintf("%s, %s: fault → `failover`", what, mode), detect, "", nil, detectNote+"; "+setup),
		msRow(sec, fmt.Sprintf("%s, %s: picture stood still", what, mode), still, "", nil, stillNote),
		countRow(sec, fmt.Sprintf("%s, %s: rebuffering pauses", what, mode), pauses, pauseNote),
	}
	if m.relay {
		fgap := ws.col(func(r watchRun) float64 { return r.failoverGapMS })
		r = append(r, msRow(sec, fmt.Sprintf("%s, %s: failover gap (`gap_ms`)", what, mode), fgap, "", nil,
			"the relay's failover_gap_ms: from the failing host's last byte delivered to the player to the new host's first byte ready for it, detection included"))
		target, text := f.detectTarget, f.targetText
		if m.readTimeout > 0 {
			target = ms(m.readTimeout) + 50
			text = fmt.Sprintf("≤ read timeout + 50 ms = %s", fmtMS(target))
		}
		r[0].target, r[0].ok = text, check(detect.n == len(ws.runs) && detect.max <= target)
		r[0].note = "worst run judged; " + r[0].note
		r[1].target, r[1].ok = "0 ms (under one frame, 40 ms)", check(still.n > 0 && still.max < frameMS)
		r[1].note = "worst run judged; " + r[1].note
		r[2].target, r[2].ok = "0", check(pauses.n > 0 && pauses.max == 0)
		if f.why != "" && m.readTimeout == 0 {
			r[1].note, r[2].note = f.why+"; "+r[1].note, f.why+"; "+r[2].note
		}
	}
	return r
}
