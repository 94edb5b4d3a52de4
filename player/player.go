// Package player plays one URL at a time through libmpv for the rest of
// clusterplay. A Player hides mpv's handle, threads and event queue behind
// plain Go methods and a channel of Events; the cluster engine decides which
// URL to Load and judges how each one ended.
package player

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// closeGrace bounds how long Close waits for mpv to acknowledge quit before
// it tears the core down regardless.
const closeGrace = 5 * time.Second

// Player is one mpv core. All methods are safe for concurrent use.
type Player struct {
	m         *mpvHandle
	events    chan Event
	closing   chan struct{} // closed when Close starts
	done      chan struct{} // closed when the event goroutine has exited
	closeOnce sync.Once

	mu sync.Mutex // guards s and the per-load options; the event goroutine holds it per mpv event
	s  state

	stream      listOption // stream-lavf-o (SetStreamOptions)
	demux       listOption // demuxer-lavf-o (SetDemuxerProbe)
	analyzeBase string     // demuxer-lavf-analyzeduration as New left it

	log      *slog.Logger // never nil
	quietMPV bool         // mpv's own messages are not logged (Options.QuietMPV)
	pane     *Pane        // nil with VideoNone
	video    Video        // where the picture goes now (guarded by mu)
	windowVO string       // the vo a switch to VideoWindow sets
}

// state is what the Player knows, fed by the event goroutine and Load.
type state struct {
	pos, dur, cache  time.Duration
	buffering        bool
	paused, muted    bool
	volume           float64
	hasVideo         bool
	eofReached, idle bool
	live             bool // the current load's duration is made up (live.go)
	speed            float64
	// cacheTime is the timestamp of the newest data demuxed: a live
	// stream's edge as far as mpv knows it (see behind).
	cacheTime      time.Duration
	cacheTimeKnown bool
	// videoBitrate and audioBitrate are mpv's packet bitrates of the
	// selected tracks (bits/s, 0 unknown): see Event.Bitrate.
	videoBitrate, audioBitrate float64
	livePolled                 time.Time

	// The latest Load. mpv numbers playlist entries with growing ids, so
	// events of a file it replaced (entry < loadEntry) are dropped.
	url       string
	start     time.Duration
	loadEntry int64
	curEntry  int64 // entry of the latest start-file
	active    bool  // End not yet sent for this Load
	started   bool  // Start sent for this Load
	voFailed  bool  // mpv logged that the video output could not open
	voRetried bool  // the one automatic reload with vo=null has happened
}

// Observed properties, identified by their reply_userdata.
const (
	propTimePos uint64 = iota + 1
	propDuration
	propPause
	propPausedForCache
	propCacheDuration
	propEOFReached
	propCoreIdle
	propVolume
	propMute
	propCurrentVO
	propSpeed
	propCacheTime
	propVideoBitrate
	propAudioBitrate
)

var observed = []struct {
	id     uint64
	name   string
	format mpvFormat
}{
	{propTimePos, "time-pos", formatDouble},
	{propDuration, "duration", formatDouble},
	{propPause, "pause", formatFlag},
	{propPausedForCache, "paused-for-cache", formatFlag},
	{propCacheDuration, "demuxer-cache-duration", formatDouble},
	{propEOFReached, "eof-reached", formatFlag},
	{propCoreIdle, "core-idle", formatFlag},
	{propVolume, "volume", formatDouble},
	{propMute, "mute", formatFlag},
	{propCurrentVO, "current-vo", formatString},
	{propSpeed, "speed", formatDouble},
	{propCacheTime, "demuxer-cache-time", formatDouble},
	{propVideoBitrate, "video-bitrate", formatDouble},
	{propAudioBitrate, "audio-bitrate", formatDouble},
}

// New creates and initializes an mpv core configured by opts and starts the
// goroutine that owns its event queue. Close releases it.
func New(opts Options) (*Player, error) {
	m, err := newMPV()
	if err != nil {
		return nil, err
	}
	list, wantVideo := opts.mpvOptions()
	log := orDiscard(opts.Log)
	if err := setup(m, list, opts.HTTPHeaders, mpvLogLevel(log)); err != nil {
		m.TerminateDestroy()
		return nil, err
	}
	// The user's mpv config is read by initialize and may have set vo.
	configuredVO, _ := m.GetPropertyString("vo")
	pane, err := startPane(m, opts, configuredVO)
	// Read back rather than assumed: --mpv may have set it, and mpv
	// prints its default its own way.
	analyzeBase, err := m.GetPropertyString(analyzeDuration)
	if err != nil {
		m.TerminateDestroy()
		return nil, err
	}
	p := &Player{
		m:       m,
		events:  make(chan Event, 64),
		closing: make(chan struct{}),
		done:    make(chan struct{}),

		stream:      listOption{name: streamLavfO, base: baseOption(list, streamLavfO)},
		demux:       listOption{name: demuxerLavfO, base: baseOption(list, demuxerLavfO)},
		analyzeBase: analyzeBase,
		log:         log,
		quietMPV:    opts.QuietMPV,
		pane:        pane,
		video:       opts.video(),
		windowVO:    opts.windowVO(configuredVO),
	}
	p.s.hasVideo = wantVideo
	p.s.volume, p.s.speed = 100, 1
	if opts.Volume != nil {
		p.s.volume = *opts.Volume
	}
	go p.loop()
	return p, nil
}

func setup(m *mpvHandle, list []mpvOption, headers []string, logLevel string) error {
	for _, o := range list {
		if err := m.SetOptionString(o.name, o.value); err != nil {
			if o.optional && errors.Is(err, ErrOptionNotFound) {
				continue
			}
			return err
		}
	}
	if err := m.Initialize(); err != nil {
		return err
	}
	// One change-list append per header: set as one option string, mpv's
	// list syntax would split a value at its commas.
	for _, h := range headers {
		if err := m.Command("change-list", "http-header-fields", "append", h); err != nil {
			return fmt.Errorf("player: header %q: %w", strings.SplitN(h, ":", 2)[0], err)
		}
	}
	for _, o := range observed {
		if err := m.ObserveProperty(o.id, o.name, o.format); err != nil {
			return err
		}
	}
	// A video output that cannot open ends the file with a generic error;
	// only a fatal log line tells that apart from a failing host, so mpv's
	// messages are asked for down to fatal at least.
	if err := m.RequestLogMessages(logLevel); err != nil {
		return err
	}
	// With default bindings off, closing the video window would do
	// nothing at all; make it end playback like in mpv itself.
	if err := m.Command("define-section", "clusterplay", "CLOSE_WIN quit\n", "force"); err != nil {
		return err
	}
	return m.Command("enable-section", "clusterplay")
}

// Load replaces whatever plays with url. If start > 0, playback begins
// there: the load itself says so (loadfile's start option), since a seek
// after the load made HLS fetch its segments from 0 and landed RTMP VOD a
// second or two off. Load returns once mpv has queued the file; the
// outcome arrives as events.
func (p *Player) Load(url string, start time.Duration) error {
	if url == "" {
		return fmt.Errorf("player: empty URL: %w", ErrInvalidParameter)
	}
	if p.closed() {
		return ErrClosed
	}
	start = max(start, 0)
	// Holding mu across loadfile keeps the event goroutine from handling
	// the new file's events before this Load is recorded.
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.m.Command(loadfileArgs(url, start, mpvClientAPIVersion())...); err != nil {
		p.log.Debug("load refused", "url", url, "err", err)
		return err
	}
	p.s.newLoad(url, start, p.queuedEntry())
	p.log.Debug("load", "url", url, "start", start, "entry", p.s.loadEntry)
	return nil
}

// loadfileArgs is the loadfile command for libmpv's client API version
// api: mpv 0.38 (API 2.3) put a playlist index before the per-file
// options, which 0.35 (API 2.0) takes as the third argument.
func loadfileArgs(url string, start time.Duration, api uint32) []string {
	args := []string{"loadfile", url, "replace"}
	if start <= 0 {
		return args
	}
	if api >= 2<<16|3 {
		args = append(args, "-1")
	}
	return append(args, "start="+seconds(start))
}

// queuedEntry is the playlist id of the file loadfile replace just queued.
func (p *Player) queuedEntry() int64 {
	if id, err := p.m.GetPropertyInt64("playlist/0/id"); err == nil {
		return id
	}
	return p.s.curEntry + 1
}

func (s *state) newLoad(url string, start time.Duration, entry int64) {
	s.url, s.start, s.loadEntry = url, start, entry
	s.active, s.started, s.voFailed, s.live = true, false, false, false
	s.pos, s.dur, s.cache, s.buffering = start, 0, 0, false
	s.cacheTimeKnown = false
	s.videoBitrate, s.audioBitrate = 0, 0
}

// Events delivers what happens, in order. It is closed once the core has
// shut down (after Close, or when the user closed the video window).
// Loaded, Start and End are never dropped, so a reader that stops reading
// holds up the Player's state (Position and the rest), never mpv's
// playback; Close does not need a reader.
func (p *Player) Events() <-chan Event { return p.events }

// Pause sets mpv's pause property: the control socket says which way; the
// TUI toggles.
func (p *Player) Pause(pause bool) error {
	if p.closed() {
		return ErrClosed
	}
	return p.m.SetPropertyFlag("pause", pause)
}

func (p *Player) TogglePause() error { return p.command("cycle", "pause") }

// Seek moves by rel (negative: backwards) from the current position.
func (p *Player) Seek(rel time.Duration) error {
	return p.whilePlaying("seek", seconds(rel), "relative")
}

// SeekTo moves to pos from the start of the file.
func (p *Player) SeekTo(pos time.Duration) error {
	return p.whilePlaying("seek", seconds(pos), "absolute")
}

// setVolume sets the volume in percent (100 = unchanged; mpv caps it at
// its volume-max, 130 by default). The TUI steps it with AddVolume.
func (p *Player) setVolume(v float64) error {
	if p.closed() {
		return ErrClosed
	}
	return p.m.SetPropertyDouble("volume", v)
}

func (p *Player) AddVolume(delta float64) error {
	return p.command("add", "volume", formatFloat(delta))
}

func (p *Player) ToggleMute() error       { return p.command("cycle", "mute") }
func (p *Player) ToggleFullscreen() error { return p.command("cycle", "fullscreen") }

// Stop ends the current file; its End event has Reason "stop".
func (p *Player) Stop() error { return p.command("stop") }

// Position is the last observed position of the current Load.
func (p *Player) Position() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.s.pos
}

// duration is the current file's duration; 0 when unknown or live. Readers
// learn it from the events; tests check the two agree.
func (p *Player) duration() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.s.dur
}

// Volume is the last observed volume in percent.
func (p *Player) Volume() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.s.volume
}

// muted is the last observed mute state, as the events carry it.
func (p *Player) muted() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.s.muted
}

// HasVideoOutput is false with vo=null: NoVideo, no display to open a
// window on, or a video output that failed and was replaced by null; and
// with vo=libmpv, where the picture goes to the Pane, not to a window.
func (p *Player) HasVideoOutput() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.s.hasVideo
}

// Close quits mpv, waits for the event goroutine and frees the core. It is
// idempotent; later calls and other methods after it return quickly
// (methods with ErrClosed).
func (p *Player) Close() error {
	p.closeOnce.Do(func() {
		close(p.closing)
		// quit lets mpv end the file and send shutdown, so the event
		// goroutine leaves on its own; TerminateDestroy would also stop it.
		_ = p.m.Command("quit")
		select {
		case <-p.done:
		case <-time.After(closeGrace):
		}
		// mpv requires the render context gone before the core.
		if p.pane != nil {
			p.pane.close()
		}
		p.m.TerminateDestroy()
		<-p.done
	})
	return nil
}

func (p *Player) closed() bool {
	select {
	case <-p.closing:
		return true
	default:
		return false
	}
}

func (p *Player) command(args ...string) error {
	if p.closed() {
		return ErrClosed
	}
	return p.m.Command(args...)
}
