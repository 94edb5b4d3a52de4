package player

import (
	"fmt"
	"time"
)

// How ffmpeg probes a stream, per load.
//
// Before the first frame, ffmpeg reads the start of a stream to learn its
// tracks (avformat_find_stream_info). For a file or a VOD stream that
// takes no time: the data is all there. A live RTMP stream arrives in real
// time, and two of ffmpeg's habits then cost seconds:
//
//   - It reads about 40 video frames more (1.6 s at 25 fps) to guess the
//     frame rate, when FLV's millisecond timestamps leave it unsure. That is
//     most of the 2.2 s a live stream took to its first frame. fpsprobesize=0
//     (in demuxer-lavf-o) ends the probe once every track's codec is known.
//   - FLV declares no tracks up front, so ffmpeg cannot know a track is
//     still to come and reads on until analyzeduration (5 s by default)
//     unless both an audio and a video track have shown up. An audio-only
//     stream therefore took 5.3 s, past the stall timeout.
//
// A short analyzeduration is no cure: nginx-rtmp sends a new player video
// only from the next keyframe, so at 0.1 s (first frame at about 0.4 s)
// the video track is missing from three probes in four and mpv plays the
// sound alone, never picking up the picture. MaxDuration must outlast a
// keyframe interval (live encoders use 1 to 2 s); it is only waited out by
// streams that lack a track. The probe size (bytes) never binds first at
// these bitrates.
//
// mpv reads these options each time it opens a file, so setting them
// between loads applies them to the next Load.

// mpv's names for the options.
const (
	demuxerLavfO    = "demuxer-lavf-o"
	analyzeDuration = "demuxer-lavf-analyzeduration"
)

// DemuxerProbe says how much ffmpeg reads of a stream to learn its tracks.
// The zero value leaves the probe as New set it.
type DemuxerProbe struct {
	// MaxDuration caps the media time read (demuxer-lavf-analyzeduration);
	// 0 keeps New's value (ffmpeg's default, 5 s, unless --mpv says).
	MaxDuration time.Duration
	// SkipFrameRate ends the probe once every track's codec is known,
	// instead of reading on to guess the frame rate (fpsprobesize=0).
	SkipFrameRate bool
}

// SetDemuxerProbe sets the probe for the following Loads, until the next
// call; the zero DemuxerProbe goes back to New's.
func (p *Player) SetDemuxerProbe(dp DemuxerProbe) error {
	if dp.MaxDuration < 0 {
		return fmt.Errorf("player: probe duration %v: %w", dp.MaxDuration, ErrInvalidParameter)
	}
	if p.closed() {
		return ErrClosed
	}
	// mu orders this against Load, as for the stream options.
	p.mu.Lock()
	defer p.mu.Unlock()
	analyze := p.analyzeBase
	if dp.MaxDuration > 0 {
		analyze = formatFloat(dp.MaxDuration.Seconds())
	}
	if err := p.m.SetPropertyString(analyzeDuration, analyze); err != nil {
		return err
	}
	var pairs [][2]string
	if dp.SkipFrameRate {
		pairs = [][2]string{{"fpsprobesize", "0"}}
	}
	return p.demux.set(p.m, pairs)
}

// demuxerProbe is what mpv holds now: its analyzeduration and
// demuxer-lavf-o as it prints them, for tests.
func (p *Player) demuxerProbe() (analyze, lavfO string, err error) {
	if p.closed() {
		return "", "", ErrClosed
	}
	if analyze, err = p.m.GetPropertyString(analyzeDuration); err != nil {
		return "", "", err
	}
	lavfO, err = p.m.GetPropertyString(demuxerLavfO)
	return analyze, lavfO, err
}
