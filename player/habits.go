package player

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// The keys mpv users reach for, as Player methods: speed, frame steps, a
// screenshot, the audio and subtitle tracks, the live edge. mpv's default
// bindings are off (the terminal UI owns the keyboard), so each is one
// command here.

// ErrNothingPlays refuses what needs a picture or a position: before the
// first frame, after the end, between files. mpv's own answer would be
// "error running command", which tells a viewer nothing.
var ErrNothingPlays = errors.New("nothing plays")

// ErrNotLive refuses the live edge of a clip that has an end.
var ErrNotLive = errors.New("not a live stream")

// liveEdgeMargin is how far behind the newest data SeekLiveEdge lands: at
// the very end of the cache mpv would underrun at once and wait for data,
// and a fresh join of a live stream starts about this far behind anyway.
const liveEdgeMargin = time.Second

// whilePlaying runs an mpv command that only means something while a file
// shows its frames.
func (p *Player) whilePlaying(args ...string) error {
	p.mu.Lock()
	playing := p.s.active && p.s.started
	p.mu.Unlock()
	if !playing {
		if p.closed() {
			return ErrClosed
		}
		return ErrNothingPlays
	}
	return p.command(args...)
}

// MultiplySpeed changes the playback speed by factor, as mpv's [ and ]
// do; the new speed comes back in the events. mpv keeps it across files.
func (p *Player) MultiplySpeed(factor float64) error {
	return p.command("multiply", "speed", formatFloat(factor))
}

// ResetSpeed plays at normal speed again (mpv's backspace).
func (p *Player) ResetSpeed() error { return p.command("set", "speed", "1") }

// FrameStep shows the next frame, or with back the previous one, and
// pauses there (mpv's . and ,).
func (p *Player) FrameStep(back bool) error {
	if back {
		return p.whilePlaying("frame-back-step")
	}
	return p.whilePlaying("frame-step")
}

// Screenshot writes the picture shown, with its subtitles, as a JPEG in
// dir, named like mpv's own (clusterplay-shot0001.jpg, the first number
// not taken), and returns its path. It works without a window: mpv takes
// the decoded frame, not the screen.
func (p *Player) Screenshot(dir string) (string, error) {
	path, err := freeShotName(dir)
	if err != nil {
		return "", err
	}
	if err := p.whilePlaying("screenshot-to-file", path, "subtitles"); err != nil {
		return "", err
	}
	return path, nil
}

func freeShotName(dir string) (string, error) {
	for n := 1; n < 10000; n++ {
		path := filepath.Join(dir, fmt.Sprintf("clusterplay-shot%04d.jpg", n))
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
	}
	return "", fmt.Errorf("player: no free screenshot name in %s", dir)
}

// Track says which track of a kind plays after a cycle: ID 0 is none (off),
// Count how many the file has.
type Track struct{ ID, Count int }

// CycleAudio selects the next audio track, then none, as mpv's # does.
func (p *Player) CycleAudio() (Track, error) { return p.cycleTrack("audio", "aid") }

// CycleSubtitles selects the next subtitle track, then none (mpv's j).
func (p *Player) CycleSubtitles() (Track, error) { return p.cycleTrack("sub", "sid") }

func (p *Player) cycleTrack(kind, property string) (Track, error) {
	if err := p.whilePlaying("cycle", property); err != nil {
		return Track{}, err
	}
	var t Track
	if id, err := p.m.GetPropertyInt64(property); err == nil {
		t.ID = int(id) // "no" does not read as a number: none stays 0
	}
	list, err := p.m.GetPropertyString("track-list")
	if err != nil {
		return t, err
	}
	var tracks []struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal([]byte(list), &tracks); err != nil {
		return t, fmt.Errorf("player: track-list: %w", err)
	}
	for _, tr := range tracks {
		if tr.Type == kind {
			t.Count++
		}
	}
	return t, nil
}

// SeekLiveEdge jumps to the newest data a live stream has received (less
// liveEdgeMargin); it does nothing when playback is that close already.
func (p *Player) SeekLiveEdge() error {
	p.mu.Lock()
	live, pos := p.s.live, p.s.pos
	newest, known := p.s.cacheTime, p.s.cacheTimeKnown
	p.mu.Unlock()
	switch {
	case !live:
		return ErrNotLive
	case !known:
		return ErrNothingPlays
	}
	to := newest - liveEdgeMargin
	if to <= pos {
		return nil
	}
	return p.whilePlaying("seek", seconds(to), "absolute")
}

// behind is how far a live stream plays behind the newest data mpv has
// received (its demuxer cache's end); 0 when that is unknown or the file
// has an end.
func (s *state) behind() time.Duration {
	if !s.live || !s.cacheTimeKnown || !s.started {
		return 0
	}
	return max(0, s.cacheTime-s.pos)
}
