package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"clusterplay/assets"
	"clusterplay/cluster"
	"clusterplay/loopback"
)

// Section 8: live RTMP. Two nginx-rtmp, each fed the demo clip in a loop
// by ffmpeg (a keyframe a second), as the live tests run them; the binary
// plays the first one's stream, which is killed 1.5 s after `start`.

// keyframeInterval is the demo clip's (ffmpeg -g 25 at 25 fps).
const keyframeInterval = time.Second

// liveKillAfterStart is when the serving nginx dies, from `start`.
const liveKillAfterStart = 1500 * time.Millisecond

// rejoinTarget is the bound on a live rejoin: fault → first frame
// from the next host.
const rejoinTarget = 1500.0

type liveRun struct {
	processMS, loadMS   float64 // first frame from process start, from `resolved`
	detectMS, rejoinMS  float64 // kill → `failover`, kill → the next `start`
	resolveMS, reloadMS float64 // `failover` stamp − kill, the next `start` − `failover` (stamps)
	keyframeMS          float64 // the rejoined stream's position at its first frame
}

// liveHost is an nginx with a feed publishing "feed" to its live app.
type liveHost struct {
	n    *loopback.NginxHost
	feed *loopback.LiveFeed
}

func (h *liveHost) close() {
	h.feed.Stop()
	h.n.Close()
}

func (b *bench) startLiveHost(dir, clip string) (*liveHost, error) {
	n, err := loopback.StartNginxRTMP(dir)
	if err != nil {
		return nil, err
	}
	feed, err := loopback.StartLiveFeed(n.LiveURL+"/feed", clip)
	if err != nil {
		n.Close()
		return nil, err
	}
	h := &liveHost{n: n, feed: feed}
	// Nothing says when nginx has the stream: probe it, as a player would.
	prober := cluster.NewRTMPProber(false)
	for deadline := time.Now().Add(10 * time.Second); ; {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := prober.Probe(ctx, &cluster.Attempt{URL: n.LiveURL + "/feed"})
		cancel()
		if err == nil {
			return h, nil
		}
		if time.Now().After(deadline) {
			h.close()
			return nil, fmt.Errorf("live stream on %s not playable after 10 s: %v; ffmpeg: %s", n.LiveURL, err, feed.Output())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *bench) benchLive() ([]row, error) {
	dir := filepath.Join(b.tmp, "live")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	clip := filepath.Join(dir, assets.ClipName)
	if err := os.WriteFile(clip, assets.Clip, 0o644); err != nil {
		return nil, err
	}
	backup, err := b.startLiveHost(dir, clip)
	if err != nil {
		return nil, err
	}
	defer backup.close()
	var runs []liveRun
	for rep := 0; rep < b.reps; rep++ {
		b.logf("live: repetition %d/%d", rep+1, b.reps)
		serving, err := b.startLiveHost(dir, clip)
		if err != nil {
			return nil, err
		}
		// A viewer arrives at any point of the keyframe interval; right
		// after the stream turned playable would be one point every time.
		time.Sleep(rand.N(keyframeInterval))
		r, err := b.liveOnce(serving, backup)
		serving.close()
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return liveRows(runs), nil
}

func (b *bench) liveOnce(serving, backup *liveHost) (liveRun, error) {
	args := []string{"--json", "--no-video", "--no-mpv-config", "--state-dir", b.stateDir(),
		"--host", serving.n.LiveURL, "--host", backup.n.LiveURL, "feed"}
	c, err := startChild(b.bin, args, b.env, false)
	if err != nil {
		return liveRun{}, err
	}
	defer c.stop(3 * time.Second)
	res, seen, err := c.untilEvent("resolved", time.Now().Add(b.runTimeout), nil)
	if err != nil {
		return liveRun{}, fmt.Errorf("live, resolving: %w", err)
	}
	first, seen, err := c.untilEvent("start", time.Now().Add(b.runTimeout), seen)
	if err != nil {
		return liveRun{}, fmt.Errorf("live, first start: %w", err)
	}
	if first.index() != 0 {
		return liveRun{}, fmt.Errorf("live run started on host %d, not the first nginx", first.index())
	}
	time.Sleep(time.Until(first.at.Add(liveKillAfterStart)))
	serving.n.Kill()
	killed := time.Now()
	fo, seen, err := c.untilEvent("failover", killed.Add(b.runTimeout), seen)
	if err != nil {
		return liveRun{}, fmt.Errorf("live, waiting for failover: %w", err)
	}
	again, _, err := c.untilEvent("start", killed.Add(b.runTimeout), seen)
	if err != nil {
		return liveRun{}, fmt.Errorf("live, waiting for the rejoin: %w", err)
	}
	return liveRun{
		processMS:  ms(first.at.Sub(c.started)),
		loadMS:     ms(first.stamp().Sub(res.stamp())),
		detectMS:   ms(fo.at.Sub(killed)),
		rejoinMS:   ms(again.at.Sub(killed)),
		reloadMS:   ms(again.stamp().Sub(fo.stamp())),
		keyframeMS: pos(again) * 1000,
	}, nil
}

func liveRows(runs []liveRun) []row {
	col := func(f func(liveRun) float64) summary {
		var xs []float64
		for _, r := range runs {
			xs = append(xs, f(r))
		}
		return summarize(xs)
	}
	rejoin := col(func(r liveRun) float64 { return r.rejoinMS })
	load := col(func(r liveRun) float64 { return r.loadMS })
	keyframe := col(func(r liveRun) float64 { return r.keyframeMS })
	setup := "two nginx-rtmp live apps fed the demo clip (a keyframe a second) by ffmpeg; the serving nginx killed (SIGKILL) " +
		liveKillAfterStart.String() + " after `start`"
	return []row{
		msRow("8", "live RTMP: `resolved` → first frame", load, "about 500 ms (≤ 600 ms)", check(load.n > 0 && load.median <= 600),
			"median judged; the load alone (events' own stamps); the picture starts at the stream's first keyframe after play, 0 to 1 s later here"),
		msRow("8", "live RTMP: process start → first frame", col(func(r liveRun) float64 { return r.processMS }), "", nil, setup),
		msRow("8", "live RTMP: kill → `failover` (detection and resolution)", col(func(r liveRun) float64 { return r.detectMS }), "", nil,
			"the player ends a live load once its demuxer reads the end (looked at every 50 ms); the RTMP probe of the next host waits for its first media message"),
		msRow("8", "live RTMP: kill → first frame from the next host (rejoin)", rejoin, fmt.Sprintf("< %s", fmtMS(rejoinTarget)),
			check(rejoin.n > 0 && rejoin.median < rejoinTarget),
			fmt.Sprintf("median judged, worst %s; `failover` → `start` %s (median); the rejoined stream's first frame came %s (median, worst %s) after its first packet: the wait for its next keyframe",
				fmtMS(rejoin.max), fmtMS(col(func(r liveRun) float64 { return r.reloadMS }).median), fmtMS(keyframe.median), fmtMS(keyframe.max))),
	}
}
