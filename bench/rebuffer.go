package main

import (
	"context"
	"time"

	"clusterplay/assets"
	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/loopback"
	"clusterplay/playback"
	"clusterplay/player"
)

// rebufferOnce counts the pauses for data in one failover, in process: a
// pause is a move from playing to buffering or to connecting (the failover
// itself), as the session's state events tell it.
func (b *bench) rebufferOnce(files map[string][]byte, rate int64, backup string) (int, error) {
	serving, err := loopback.Throttled(files, rate)
	if err != nil {
		return 0, err
	}
	defer serving.Close()
	opts := cluster.DefaultOptions()
	engine, err := cluster.New([]cluster.HostSpec{{URL: serving.URL}, {URL: backup}}, opts, nil, nil)
	if err != nil {
		return 0, err
	}
	defer engine.Events().Close()
	states := engine.Events().Subscribe()
	p, err := player.New(player.Options{NoVideo: true, StreamLavfO: playback.NoReconnect, NetworkTimeout: 10 * time.Second})
	if err != nil {
		return 0, err
	}
	defer p.Close()
	session := playback.New(engine, p, playback.Options{Clip: assets.ClipName})
	ctx, cancel := context.WithTimeout(context.Background(), b.runTimeout)
	defer cancel()
	done := make(chan playback.Outcome, 1)
	go func() { done <- session.Run(ctx) }()

	pauses, last, armed := 0, events.State(""), false
	var kill <-chan time.Time
	for {
		select {
		case <-done:
			go func() { // the bus is closed by the defer; drain until then
				for range states {
				}
			}()
			return pauses, ctx.Err()
		case <-kill:
			serving.Kill()
			kill = nil
		case ev := <-states:
			if ev.Kind != events.StateChanged {
				continue
			}
			st := ev.State
			if st == events.StatePlaying && !armed {
				kill, armed = time.After(killAfterStart), true
			}
			if last == events.StatePlaying && (st == events.StateBuffering || st == events.StateConnecting) {
				pauses++
			}
			last = st
		}
	}
}
