package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
)

// planActions are the fault plan's actions measured in section 10, each
// on host 0's responses from the start, set to strike about a second after
// the first frame: the serving host is throttled at 1.3× the bitrate, so
// its 80000th byte comes then, before the relay would leave it for being
// slow (the player holds under a second of media at that rate, and a
// starved player moves after --slow-timeout).
var planActions = []string{
	"reset after 80000 bytes",
	"stall after 80000 bytes for 10s",
	"truncate after 80000 bytes",
	"throttle 20KB/s",
}

// planSettle is when the watch starts counting freezes, after the first
// start: before any of planActions strikes.
const planSettle = 500 * time.Millisecond

// benchFaultPlans is section 10: the MP4 of section 5 through the relay,
// its serving host failed by a fault plan instead of a real fault: what
// the viewer sees of each action (the freeze, the rebuffers), and how the
// relay moved.
func (b *bench) benchFaultPlans() ([]row, error) {
	files := map[string][]byte{assets.ClipName: assets.Clip}
	backup, err := loopback.Good(files)
	if err != nil {
		return nil, err
	}
	defer backup.Close()
	rate := int64(throttleFactor * float64(len(assets.Clip)) / assets.ClipDuration.Seconds())
	samples := map[string]*watchSamples{}
	for rep := 0; rep < b.reps; rep++ {
		for i, action := range planActions {
			b.logf("fault plans: repetition %d/%d, %s", rep+1, b.reps, action)
			plan := filepath.Join(b.tmp, fmt.Sprintf("plan%d.yaml", i))
			text := fmt.Sprintf("rules:\n  - {host: 0, kind: range, action: %s}\n", action)
			if err := os.WriteFile(plan, []byte(text), 0o600); err != nil {
				return nil, err
			}
			serving, err := loopback.Throttled(files, rate)
			if err != nil {
				return nil, err
			}
			r, err := b.watchOnce(watchSetup{hosts: []string{serving.URL, backup.URL}, clip: assets.ClipName,
				mode: mode{relay: true}, extra: []string{"--faults", plan},
				faultAfter: planSettle, fault: func() {}, timeout: 40 * time.Second})
			serving.Close()
			if err != nil {
				return nil, fmt.Errorf("fault plans, %s: %w", action, err)
			}
			if samples[action] == nil {
				samples[action] = &watchSamples{}
			}
			samples[action].runs = append(samples[action].runs, r)
		}
	}
	setup := fmt.Sprintf("host 0 throttled at %d B/s (1.3× the clip's bitrate), the rule on its responses from the start; backup: good host; relay on, in process",
		rate)
	var rows []row
	for _, action := range planActions {
		ws := samples[action]
		what := fmt.Sprintf("MP4, plan `%s` on host 0, relay", action)
		still := ws.col(func(r watchRun) float64 { return r.stillMS })
		// The plan strikes from the start: every pause is its.
		pauses := ws.col(func(r watchRun) float64 { return float64(r.pauses + r.pausesBefore) })
		moved := ws.col(func(r watchRun) float64 { return r.detectMS })
		note := fmt.Sprintf("failover class: %s; `end`: %s; %s after the first frame + %s (median) the relay moved; %s",
			ws.classes(), ws.ends(), planSettle, fmtMS(moved.median), setup)
		gap := ws.col(func(r watchRun) float64 { return r.failoverGapMS })
		rows = append(rows,
			msRow("10", what+": failover gap (`gap_ms`)", gap, "", nil,
				"the relay's failover_gap_ms: from host 0's last byte delivered to the player to the backup's first byte ready for it; "+note),
			msRow("10", what+": picture stood still", still, "", nil, "longest interval between two positions after the fault struck, less the usual one"),
			countRow("10", what+": rebuffering pauses", pauses, "moves from playing into buffering or connecting (`state` events)"))
	}
	return rows, nil
}
