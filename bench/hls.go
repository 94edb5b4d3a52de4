package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"clusterplay/assets"
	"clusterplay/loopback"
)

// hlsPlaylist is the VOD the HLS section plays, made from the demo clip.
const hlsPlaylist = "hls/index.m3u8"

// When the HLS section kills the serving host: once the picture runs, and
// once the host has been asked for the third segment (the engine's probe
// and the playlist are its first two requests). ffmpeg fetches the next
// segment while it reads one, so a fixed time after `start`, as for the
// MP4, can fall after the last segment has come; this falls mid-stream,
// with a segment or two under way and three more to come.
const (
	hlsKillAfterStart = 500 * time.Millisecond
	hlsKillAtRequest  = 5
)

// makeHLS cuts the demo clip into an HLS VOD of 1 s segments with ffmpeg,
// as the end-to-end test does, and returns its files keyed by clip path.
func (b *bench) makeHLS() (map[string][]byte, int64, error) {
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		return nil, 0, fmt.Errorf("ffmpeg not found (apt-get install ffmpeg): %w", err)
	}
	dir := filepath.Join(b.tmp, "hls-src")
	out := filepath.Join(dir, "hls")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, 0, err
	}
	src := filepath.Join(dir, assets.ClipName)
	if err := os.WriteFile(src, assets.Clip, 0o644); err != nil {
		return nil, 0, err
	}
	cmd := exec.Command(ffmpeg, "-v", "error", "-i", src, "-c", "copy", "-f", "hls", "-hls_time", "1",
		"-hls_playlist_type", "vod", "-hls_segment_filename", filepath.Join(out, "seg%d.ts"), filepath.Join(out, "index.m3u8"))
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, 0, fmt.Errorf("ffmpeg making HLS: %v\n%s", err, msg)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return nil, 0, err
	}
	files := map[string][]byte{}
	var total int64
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(out, e.Name()))
		if err != nil {
			return nil, 0, err
		}
		files["hls/"+e.Name()] = data
		total += int64(len(data))
	}
	return files, total, nil
}

// benchHLS is section 6: an HLS VOD over three hosts, the serving one
// throttled to 1.3× the stream's bitrate and killed 1.5 s after `start`,
// with and without the relay.
func (b *bench) benchHLS() ([]row, error) {
	files, total, err := b.makeHLS()
	if err != nil {
		return nil, err
	}
	second, err := loopback.Good(files)
	if err != nil {
		return nil, err
	}
	defer second.Close()
	third, err := loopback.Good(files)
	if err != nil {
		return nil, err
	}
	defer third.Close()
	rate := int64(throttleFactor * float64(total) / assets.ClipDuration.Seconds())
	modes := []mode{{relay: true}, {relay: false}}
	samples := map[mode]*watchSamples{modes[0]: {}, modes[1]: {}}
	for rep := 0; rep < b.reps; rep++ {
		for _, m := range modes {
			b.logf("HLS: repetition %d/%d, %s", rep+1, b.reps, m)
			serving, err := loopback.Throttled(files, rate)
			if err != nil {
				return nil, err
			}
			r, err := b.watchOnce(watchSetup{hosts: []string{serving.URL, second.URL, third.URL}, clip: hlsPlaylist, mode: m,
				faultAfter: hlsKillAfterStart, ready: func() bool { return serving.Requests() >= hlsKillAtRequest },
				fault: serving.Kill, timeout: 40 * time.Second})
			serving.Close()
			if err != nil {
				return nil, fmt.Errorf("HLS, %s: %w", m, err)
			}
			samples[m].runs = append(samples[m].runs, r)
		}
	}
	setup := fmt.Sprintf("%d segments of 1 s made with ffmpeg; serving host throttled at %d B/s a request (1.3× the stream's bitrate) and killed %s after `start` or later, once asked for the third segment; two good hosts behind it",
		len(files)-1, rate, hlsKillAfterStart)
	var rows []row
	for _, m := range modes {
		rows = append(rows, watchRows("6", "HLS VOD over 3 hosts, host killed (reset)", m, faults[0], samples[m], setup)...)
	}
	return rows, nil
}
