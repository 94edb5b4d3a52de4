package main

import (
	"context"
	"time"

	"clusterplay/assets"
	"clusterplay/cluster"
	"clusterplay/loopback"
	"clusterplay/playback"
	"clusterplay/player"
)

// rebufferOnce counts the pauses for data in one failover, in process: the
// --json stream carries no buffering events, but the session's status
// does. A pause is a move from playing to buffering or to connecting (the
// failover itself), seen by polling the status every 20 ms.
func (b *bench) rebufferOnce(files map[string][]byte, rate int64, backup string) (int, error) {
	serving, err := loopback.Throttled(files, rate)
	if err != nil {
		return 0, err
	}
	defer serving.Close()
	opts := cluster.DefaultOptions()
	engine, err := cluster.New([]cluster.HostSpec{{URL: serving.URL}, {URL: backup}}, opts, nil)
	if err != nil {
		return 0, err
	}
	defer engine.Events().Close()
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

	pauses, last, killed := 0, "", false
	var playingSince time.Time
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return pauses, ctx.Err()
		case <-tick.C:
			st := session.Status().State
			if st == playback.StatePlaying && last != playback.StatePlaying && playingSince.IsZero() {
				playingSince = time.Now()
			}
			if last == playback.StatePlaying && (st == playback.StateBuffering || st == playback.StateConnecting) {
				pauses++
			}
			if !killed && !playingSince.IsZero() && time.Since(playingSince) >= killAfterStart {
				serving.Kill()
				killed = true
			}
			last = st
		}
	}
}
