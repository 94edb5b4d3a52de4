package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"time"

	"clusterplay/app"
	"clusterplay/config"
	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/playback"
)

// Section 11: adaptive bitrate. The ladder (abr_ladder.go) from one host
// whose link, all its responses together, carries 1.5× the middle
// variant's BANDWIDTH: with --quality auto the relay should hold the
// middle variant without a rebuffer; with --quality best it keeps the
// top, which the link cannot carry; with --relay=off mpv opens the
// master itself, ffmpeg fetches every variant's segments and mpv plays
// the highest.

// linkFactor is the link's rate as a multiple of the middle variant's;
// runLimit bounds one run (the ladder plays for 30 s).
const (
	linkFactor = 1.5
	runLimit   = 4 * ladderSeconds * time.Second
)

// abrMode is one way of playing the throttled ladder.
type abrMode struct {
	name  string
	relay bool
	extra []string
}

var abrModes = []abrMode{
	{name: "--quality auto", relay: true, extra: []string{"--quality", "auto"}},
	{name: "--quality best", relay: true, extra: []string{"--quality", "best"}},
	{name: "--relay=off (mpv alone)", relay: false},
}

// abrRun is what one run measured.
type abrRun struct {
	rebuffers int
	// stalled is the time in buffering or connecting after the first
	// frame; a run that shows no frame at all stalled throughout.
	stalled time.Duration
	bitrate float64 // mean bitrate played, bits/s (0 when nothing played); NaN when not known
	played  bool    // a frame was shown
	end     string
}

// benchABR runs the modes b.reps times each (at most 3: a run plays
// the whole 30 s ladder) and returns their rows.
func (b *bench) benchABR() ([]row, error) {
	host, link, err := b.ladderHost()
	if err != nil {
		return nil, err
	}
	defer host.Close()
	reps := min(b.reps, 3)
	runs := map[string][]abrRun{}
	var skipped []string
	for rep := range reps {
		for _, m := range abrModes {
			b.logf("ABR: repetition %d/%d, %s", rep+1, reps, m.name)
			r, err := b.abrOnce(host, link, m)
			var usage *config.UsageError
			if asUsage(err, &usage) {
				skipped = append(skipped, m.name) // this build has no such flag
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("ABR, %s: %w", m.name, err)
			}
			runs[m.name] = append(runs[m.name], r)
		}
	}
	return abrRows(runs, skipped), nil
}

// abrArgs is the headless command line of a run of m against host.
func (b *bench) abrArgs(m abrMode, host string) []string {
	args := []string{"--no-video", "--no-mpv-config", "--state-dir", b.stateDir(), "--relay=off"}
	if m.relay {
		args[len(args)-1] = "--relay=on"
	}
	args = append(args, m.extra...)
	return append(args, "--host", host, loopback.LadderTS)
}

// abrOnce plays the ladder once in process (app.Build, as clusterplay
// builds a headless run) from host on link.
func (b *bench) abrOnce(host *loopback.Host, link *loopback.Link, m abrMode) (abrRun, error) {
	link.SetRate(linkRate())
	from := len(link.Served())
	cfg, err := config.Load(b.abrArgs(m, host.URL), nil)
	if err != nil {
		return abrRun{}, err
	}
	parts, err := app.Build(cfg, os.Stderr)
	if err != nil {
		return abrRun{}, err
	}
	bus := parts.Bus()
	sub := bus.Subscribe()
	defer func() {
		parts.Close()
		for range sub {
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), runLimit)
	defer cancel()
	done := make(chan playback.Outcome, 1)
	go func() { done <- parts.Session().Run(ctx) }()
	var s stallLog
	trackRate := math.NaN()
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
			if s.take(ev) && !m.relay {
				trackRate = playedTrackRate(parts)
			}
		}
	}
	if ctx.Err() != nil {
		return abrRun{}, fmt.Errorf("still playing after %v", runLimit)
	}
	r := abrRun{rebuffers: s.rebuffers, stalled: s.stalled, end: s.end, bitrate: trackRate, played: s.started}
	switch {
	case !s.started:
		r.stalled, r.bitrate = s.lastAt.Sub(s.firstAt), 0
	case m.relay:
		r.bitrate = playedRate(link.Served()[from:])
	}
	return r, nil
}

// playedTrackRate is the HLS bitrate of the video track mpv plays, for a
// run without the relay: mpv chose it among the master's variants.
func playedTrackRate(parts *app.Parts) float64 {
	c, err := parts.Player().NewIPCClient("bench")
	if err != nil {
		return math.NaN()
	}
	defer c.Close()
	s, ok := c.GetPropertyString("current-tracks/video/hls-bitrate")
	if !ok {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return v
}

// stallLog reads the session's states: a rebuffer is a move from playing
// into buffering or connecting, and the time stalled runs from it to the
// next playing (or the end).
type stallLog struct {
	last      events.State
	since     time.Time
	started   bool
	rebuffers int
	// firstAt and lastAt are the times of the first and last events.
	firstAt, lastAt time.Time
	stalled         time.Duration
	end             string
}

// take reads one event; it says true on the first playing state.
func (s *stallLog) take(ev events.Event) (first bool) {
	if s.firstAt.IsZero() {
		s.firstAt = ev.Time
	}
	s.lastAt = ev.Time
	switch ev.Kind {
	case events.StateChanged:
		stalling := ev.State == events.StateBuffering || ev.State == events.StateConnecting
		switch {
		case s.last == events.StatePlaying && stalling:
			s.rebuffers++
			s.since = ev.Time
		case ev.State == events.StatePlaying && !s.since.IsZero():
			s.stalled += ev.Time.Sub(s.since)
			s.since = time.Time{}
		}
		first = ev.State == events.StatePlaying && !s.started
		s.started = s.started || ev.State == events.StatePlaying
		s.last = ev.State
	case events.End:
		if !s.since.IsZero() {
			s.stalled += ev.Time.Sub(s.since)
			s.since = time.Time{}
		}
		s.end = string(ev.Reason)
		if ev.Class != "" {
			s.end += " (" + string(ev.Class) + ")"
		}
	}
	return first
}
