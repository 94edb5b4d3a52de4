package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
)

// killAfterStart is when the serving host dies, counted from the `start`
// event: well into the clip, with data still to come.
const killAfterStart = 1500 * time.Millisecond

// throttleFactor paces the serving host at 1.3× the clip's average bitrate,
// so its download (about 4.6 s of the clip's 6 s) is still running when the
// host is killed, and the player holds only a fraction of a second ahead:
// the failover is not hidden behind a fully buffered clip.
const throttleFactor = 1.3

type failoverRun struct {
	detectMS  float64 // kill → failover event
	playingMS float64 // kill → next start event
	resumeMS  float64 // failover event → next start event
	gapMS     float64 // estimated time the picture stood still
	class     string  // failover class: why the session gave up the host
	killedAt  float64 // playback position at the kill, seconds (estimate)
	resumedAt float64 // position of the resumed start, seconds
}

type failoverSamples struct {
	runs   []failoverRun
	pauses []float64 // pauses for data per run, counted in process
	rate   int64
}

// benchFailover is section 4: the real binary, headless, is playing from a
// throttled host that is killed (listener closed, connections reset with
// SO_LINGER 0) 1.5 s after `start`; a good backup is second in the list.
func (b *bench) benchFailover() (*failoverSamples, error) {
	files := map[string][]byte{assets.ClipName: assets.Clip}
	backup, err := loopback.Good(files)
	if err != nil {
		return nil, err
	}
	defer backup.Close()
	fs := &failoverSamples{rate: int64(throttleFactor * float64(len(assets.Clip)) / assets.ClipDuration.Seconds())}
	for rep := 0; rep < b.reps; rep++ {
		b.logf("failover: repetition %d/%d", rep+1, b.reps)
		r, err := b.failoverOnce(files, fs.rate, backup.URL)
		if err != nil {
			return nil, err
		}
		fs.runs = append(fs.runs, r)
		n, err := b.rebufferOnce(files, fs.rate, backup.URL)
		if err != nil {
			return nil, err
		}
		fs.pauses = append(fs.pauses, float64(n))
	}
	return fs, nil
}

func (b *bench) failoverOnce(files map[string][]byte, rate int64, backup string) (failoverRun, error) {
	serving, err := loopback.Throttled(files, rate)
	if err != nil {
		return failoverRun{}, err
	}
	defer serving.Close()
	// The playback-level failover, the one without the relay (section 5
	// has both): through the relay there is no second `start` to wait for.
	args := []string{"--json", "--no-video", "--no-mpv-config", "--state-dir", b.stateDir(), "--relay=off",
		"--host", serving.URL, "--host", backup, assets.ClipName}
	c, err := startChild(b.bin, args, b.env, false)
	if err != nil {
		return failoverRun{}, err
	}
	defer c.stop(3 * time.Second)

	first, seen, err := c.untilEvent("start", time.Now().Add(b.runTimeout), nil)
	if err != nil {
		return failoverRun{}, fmt.Errorf("failover run, first start: %w", err)
	}
	if first.index() != 0 {
		return failoverRun{}, fmt.Errorf("failover run started on host %d, not the throttled host 0", first.index())
	}
	time.Sleep(time.Until(first.at.Add(killAfterStart)))
	serving.Kill()
	killed := time.Now()

	fo, seen, err := c.untilEvent("failover", killed.Add(b.runTimeout), seen)
	if err != nil {
		return failoverRun{}, fmt.Errorf("failover run, waiting for failover: %w", err)
	}
	again, _, err := c.untilEvent("start", killed.Add(b.runTimeout), seen)
	if err != nil {
		return failoverRun{}, fmt.Errorf("failover run, waiting for the resumed start: %w", err)
	}
	r := failoverRun{
		detectMS:  ms(fo.at.Sub(killed)),
		playingMS: ms(again.at.Sub(killed)),
		resumeMS:  ms(again.at.Sub(fo.at)),
		class:     fo.Class,
	}
	p1, pf := pos(first), pos(fo)
	r.killedAt = p1 + killed.Sub(first.at).Seconds()
	r.resumedAt = pos(again)
	// Playback ran at 1× from the first start until it reached the position
	// the failover carries (where the data ran out); from then until the
	// resumed start the picture stood still.
	r.gapMS = ms(again.at.Sub(first.at.Add(time.Duration((pf - p1) * float64(time.Second)))))
	return r, nil
}

func pos(e event) float64 {
	if e.Position == nil {
		return 0
	}
	return *e.Position
}

func (fs *failoverSamples) col(f func(failoverRun) float64) summary {
	xs := make([]float64, 0, len(fs.runs))
	for _, r := range fs.runs {
		xs = append(xs, f(r))
	}
	return summarize(xs)
}

func (fs *failoverSamples) rows() []row {
	classes := map[string]int{}
	for _, r := range fs.runs {
		classes[r.class]++
	}
	var cl []string
	for k, n := range classes {
		cl = append(cl, fmt.Sprintf("%s ×%d", k, n))
	}
	sort.Strings(cl)
	resume := fs.col(func(r failoverRun) float64 { return r.resumeMS })
	setup := fmt.Sprintf("--relay=off; throttled host at %d B/s (1.3× the clip's bitrate) killed %s after `start`; backup: good host", fs.rate, killAfterStart)
	return []row{
		msRow("4", "failover: kill → `failover` event (detection)", fs.col(func(r failoverRun) float64 { return r.detectMS }), "", nil,
			"failover class: "+strings.Join(cl, ", ")+"; "+setup),
		msRow("4", "failover: kill → next `start` (playing again)", fs.col(func(r failoverRun) float64 { return r.playingMS }), "", nil,
			fmt.Sprintf("resumed at %ss (killed at ~%ss of the clip)", fmtNum(fs.col(func(r failoverRun) float64 { return r.resumedAt }).median, 2),
				fmtNum(fs.col(func(r failoverRun) float64 { return r.killedAt }).median, 2))),
		msRow("4", "failover: `failover` → next `start` (resume)", resume, "≤ 1 s after detection", check(resume.n > 0 && resume.max <= 1000),
			"worst run judged"),
		msRow("4", "failover: picture stood still (estimate)", fs.col(func(r failoverRun) float64 { return r.gapMS }), "", nil,
			"next `start` − (first `start` + failover position − first position), assuming 1× playback until the data ran out"),
		countRow("4", "failover: rebuffering pauses", summarize(fs.pauses),
			"in process, same setup: moves from playing to buffering or connecting, status polled every 20 ms; the failover itself is one"),
	}
}
