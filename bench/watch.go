package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"time"

	"clusterplay/app"
	"clusterplay/config"
	"clusterplay/events"
	"clusterplay/playback"
	"clusterplay/player"
)

// A watched run plays a clip in process, through the engine, relay,
// player and session as `clusterplay` builds them (app.Build, from the
// command line of a headless run: see watchSetup.args), injects a fault
// into the serving host, and reads what the viewer gets from three sources: the
// events (when the `failover` came), the session's state changes (each
// move from playing into buffering or connecting is a pause), and the
// player's position, sampled every positionEvery, which moves with every
// frame shown: the longest time it stood still after the fault, beyond
// the clip's own frame interval, is how long the picture froze. Unlike
// the estimate of section 4, that needs no assumption about when the data
// ran out.

// positionEvery is the position sampling period: well under a frame (40
// ms at the clip's 25 fps), so a freeze is measured to a few ms.
const positionEvery = 2 * time.Millisecond

// watchSetup describes one watched run.
type watchSetup struct {
	hosts      []string
	clip       string
	mode       mode
	faultAfter time.Duration // from the first `start`
	// ready, when set, holds the fault back after faultAfter until it
	// says the host is where the fault should strike (polled every
	// positionEvery).
	ready   func() bool
	fault   func()
	timeout time.Duration
	extra   []string // more flags, such as --faults
}

// watchRun is what one watched run measured.
type watchRun struct {
	detectMS float64 // fault → `failover`; NaN when none came
	stillMS  float64 // longest freeze after the fault, beyond one frame interval
	gapMS    float64 // the longest interval between two positions, whole
	frameMS  float64 // the usual interval between positions before the fault
	skipMS   float64 // media time jumped over after the fault (a skipped segment)
	// failoverGapMS is the first failover's gap_ms after the fault: the
	// relay's own measure of the player's wait; NaN when it gave none.
	failoverGapMS float64
	pauses        int
	// pausesBefore are the pauses before the fault struck (a player run
	// dry at the start, at a rate close to the bitrate): not the fault's.
	pausesBefore int
	// early are the classes of the failovers before the fault: a host
	// left before it failed (a deadline too short for the machine's load).
	early    []string
	class    string
	seamless bool
	end      string // the end event's reason and class
}

// positionLog is the player's position as sampled, one entry per change.
type positionLog struct {
	at  []time.Time
	pos []time.Duration
}

func samplePositions(p *player.Player, stop <-chan struct{}) <-chan positionLog {
	out := make(chan positionLog, 1)
	go func() {
		var log positionLog
		t := time.NewTicker(positionEvery)
		defer t.Stop()
		last := time.Duration(-1)
		for {
			select {
			case <-stop:
				out <- log
				return
			case now := <-t.C:
				if pos := p.Position(); pos != last {
					last = pos
					log.at, log.pos = append(log.at, now), append(log.pos, pos)
				}
			}
		}
	}()
	return out
}

// args is the command line of the headless clusterplay run that plays
// ws: no picture, no mpv.conf, a failure memory of its own in stateDir
// (fresh, so that no run learns from the one before), and the relay on or
// off as the mode says.
func (ws watchSetup) args(stateDir string) []string {
	args := []string{"--no-video", "--no-mpv-config", "--state-dir", stateDir, "--relay=off"}
	if ws.mode.relay {
		args[len(args)-1] = "--relay=on"
	}
	if ws.mode.readTimeout > 0 {
		args = append(args, "--read-timeout", ws.mode.readTimeout.String())
	}
	args = append(args, ws.extra...)
	for _, h := range ws.hosts {
		args = append(args, "--host", h)
	}
	return append(args, ws.clip)
}

// watchOnce plays ws.clip from ws.hosts and reports what the viewer saw.
func (b *bench) watchOnce(ws watchSetup) (watchRun, error) {
	// No environment: neither the user's config file nor their state
	// directory has a say.
	cfg, err := config.Load(ws.args(b.stateDir()), nil)
	if err != nil {
		return watchRun{}, err
	}
	parts, err := app.Build(cfg, os.Stderr)
	if err != nil {
		return watchRun{}, err
	}
	bus := parts.Bus()
	sub := bus.Subscribe()
	defer func() {
		parts.Close()
		for range sub { // a run that failed early leaves events unread
		}
	}()
	p, session := parts.Player(), parts.Session()
	ctx, cancel := context.WithTimeout(context.Background(), ws.timeout)
	defer cancel()
	done := make(chan playback.Outcome, 1)
	go func() { done <- session.Run(ctx) }()
	stopSampling := make(chan struct{})
	positions := samplePositions(p, stopSampling)

	w := watchLog{r: watchRun{detectMS: math.NaN(), failoverGapMS: math.NaN()}}
	var faultTimer <-chan time.Time
	for evs := sub; evs != nil; {
		select {
		case <-done:
			// Everything the session published is queued: read it to
			// the end of the bus.
			done = nil
			bus.Close()
		case <-faultTimer:
			faultTimer = nil
			if ws.ready != nil && !ws.ready() {
				faultTimer = time.After(positionEvery)
				continue
			}
			ws.fault()
			w.faultAt = time.Now()
		case ev, ok := <-evs:
			if !ok {
				evs = nil
				continue
			}
			if w.take(ev) {
				faultTimer = time.After(ws.faultAfter)
			}
		}
	}
	close(stopSampling)
	log := <-positions
	r := w.r
	if ctx.Err() != nil {
		return r, fmt.Errorf("still playing after %v", ws.timeout)
	}
	if w.faultAt.IsZero() {
		return r, fmt.Errorf("the clip ended before the fault (%v after the first start)", ws.faultAfter)
	}
	r.frameMS, r.gapMS = freeze(log, w.firstStart.Add(300*time.Millisecond), w.faultAt)
	r.stillMS = max(0, r.gapMS-r.frameMS)
	r.skipMS = skipped(log, w.faultAt)
	return r, nil
}

// watchLog is what a watched run reads off the events as they come.
type watchLog struct {
	r                   watchRun
	firstStart, faultAt time.Time
	last                events.State // the session's state before ev
}

// take reads one event; it says true on the first start, from which the
// fault is timed.
func (w *watchLog) take(ev events.Event) (firstStart bool) {
	r := &w.r
	switch ev.Kind {
	case events.Start:
		if w.firstStart.IsZero() {
			w.firstStart = ev.Time
			return true
		}
	case events.Failover:
		if w.faultAt.IsZero() && !w.firstStart.IsZero() {
			r.early = append(r.early, string(ev.Class))
		}
		if !w.faultAt.IsZero() && math.IsNaN(r.detectMS) {
			r.detectMS = ms(ev.Time.Sub(w.faultAt))
			r.class, r.seamless = string(ev.Class), ev.Seamless
			if ev.Gap > 0 {
				r.failoverGapMS = ms(ev.Gap)
			}
		}
	case events.StateChanged:
		if w.last == events.StatePlaying && (ev.State == events.StateBuffering || ev.State == events.StateConnecting) {
			if w.faultAt.IsZero() {
				r.pausesBefore++
			} else {
				r.pauses++
			}
		}
		w.last = ev.State
	case events.End:
		r.end = string(ev.Reason)
		if ev.Class != "" {
			r.end += " (" + string(ev.Class) + ")"
		}
	}
	return false
}

// skipped is the media time the position jumped over after the fault:
// each step forward by more than the wall time it took, plus a frame of
// rounding. A player that gives up a segment shows no freeze, but the
// viewer misses what it held.
func skipped(log positionLog, fault time.Time) float64 {
	total := 0.0
	for i := 1; i < len(log.at); i++ {
		if log.at[i].Before(fault) {
			continue
		}
		jump := ms(log.pos[i]-log.pos[i-1]) - ms(log.at[i].Sub(log.at[i-1]))
		if jump > frameMS {
			total += jump
		}
	}
	return total
}

// freeze reads a position log: the usual interval between positions from
// calm until the fault, and the longest interval that ends after the
// fault (the one the fault fell into included).
func freeze(log positionLog, calm, fault time.Time) (frameMS, gapMS float64) {
	var before []float64
	for i := 1; i < len(log.at); i++ {
		gap := ms(log.at[i].Sub(log.at[i-1]))
		switch {
		case log.at[i].Before(fault):
			if log.at[i-1].After(calm) {
				before = append(before, gap)
			}
		default:
			gapMS = max(gapMS, gap)
		}
	}
	slices.Sort(before)
	if len(before) > 0 {
		frameMS = before[len(before)/2]
	}
	return frameMS, gapMS
}
