// Package playback plays a resolved clip through the player and keeps it
// playing: when the serving host fails (an error, an end of stream well
// before the clip's end, or a stall), the host is remembered as failed, the
// engine resolves again among the others, and playback resumes at the same
// position. Flowplayer stopped caring once connected; plain mpv cannot.
//
// The session publishes what happens on the event bus (start, failover,
// state, end, and internal ticks for a UI); nobody polls it.
package playback

import (
	"log/slog"
	"sync"
	"time"

	"clusterplay/clock"
	"clusterplay/cluster"
	"clusterplay/defaults"
	"clusterplay/events"
	"clusterplay/logging"
	"clusterplay/player"
	"clusterplay/relay"
)

// Player is what a session needs of the player; *player.Player has it.
type Player interface {
	Load(url string, start time.Duration) error
	// SetStreamOptions sets ffmpeg options for the following Loads (nil:
	// none beyond the player's own).
	SetStreamOptions(pairs [][2]string) error
	// SetDemuxerProbe sets how much of a stream ffmpeg reads to learn its
	// tracks, for the following Loads (the zero value: the player's own).
	SetDemuxerProbe(p player.DemuxerProbe) error
	Events() <-chan player.Event
	Position() time.Duration
	Stop() error
}

// Relay is what a session needs of the relay (*relay.Relay has it): the
// player loads the relay's URL for an HTTP host, and the relay moves the
// bytes between hosts itself; the session tells it when the player
// starves, and asks it which host serves.
type Relay interface {
	URL(clip string) string
	SetCurrent(h *cluster.Host)
	Current() *cluster.Host
	SetStarved(starved bool)
	SetPlayerBuffer(b relay.PlayerBuffer)
	StopSteering()
}

// Outcome is how a session ended.
type Outcome int

const (
	Played         Outcome = iota // played to the end, or quit by the user
	AllFailed                     // no host could serve the clip to begin with
	PlaybackFailed                // playback failed and no host could take over
	Interrupted                   // the context was cancelled
)

// Options tune a session.
type Options struct {
	Clip string // "" = wait for Play
	// Clips is a playlist, played in order (Clip is its first); Loop plays
	// it again from the first once the last has ended.
	Clips []string
	Loop  bool
	Start time.Duration // where the first load begins
	// StallTimeout: playback that makes no progress (buffering, or a load
	// that never starts) for this long fails the host over.
	StallTimeout time.Duration
	// EarlyEOF: an end of stream more than this before the known duration
	// is a cut connection, not the end of the clip.
	EarlyEOF time.Duration
	// StayOpen keeps the session alive after a failed resolution or the end
	// of the clip, waiting for the user (the TUI); without it the session
	// ends there, as a script expects.
	StayOpen bool
	// Relay, when set, carries every HTTP(S) load; RTMP hosts play
	// directly.
	Relay Relay
	// DirectURL, when set, rewrites the URL of an HTTP(S) load the player
	// makes itself (no relay): --cmcd query puts its keys on it.
	DirectURL func(string) string
	// Clock is the time the session judges by: the stall watchdog, the
	// pacing of ticks. nil is the engine's clock, so one clock serves
	// both; tests hand in a clock.Fake.
	Clock clock.Clock
	// Log hears the session's decisions (a stall, an end of file judged,
	// a failover) with the numbers they were judged on; the caller names
	// it (component playback). nil discards.
	Log *slog.Logger
	// FailBack, FailBackProbe and FailBackAfter: fail-back when no relay
	// carries the load (failback.go); the relay fails back on its own.
	FailBack      bool
	FailBackProbe time.Duration
	FailBackAfter time.Duration
}

// DefaultEarlyEOF leaves room for the last frames' timestamps, which mpv
// reports up to a frame or two short of the duration.
const DefaultEarlyEOF = 1500 * time.Millisecond

// DefaultStallTimeout is how long playback may make no progress before the
// next host takes over (--stall-timeout's default, named in defaults).
const DefaultStallTimeout = defaults.StallTimeout

// Session plays one clip at a time through one player.
type Session struct {
	engine *cluster.Engine
	bus    *events.Bus
	player Player
	opts   Options
	log    *slog.Logger
	clock  clock.Clock

	requests chan request
	quit     chan struct{} // closed by Quit: never lost, unlike a request
	quitOnce sync.Once
}

type requestKind int

const (
	reqFailover  requestKind = iota // n: to another host, the current one not blamed
	reqFail                         // x: blame the current host, then fail over
	reqReresolve                    // r: resolve again from scratch
	reqPlay                         // c: a new clip
	reqNextClip                     // >: the next clip of the playlist
	reqPrevClip                     // <: the one before
	reqReplay                       // space after the end: the clip again
	reqFailBack                     // back to the recovered host index (failback.go)
)

type request struct {
	kind  requestKind
	clip  string
	index int // reqFail: the host to blame; -1 the serving one
}

// New returns a session that resolves with engine, plays through p and
// publishes on the engine's bus; Run starts it.
func New(engine *cluster.Engine, p Player, opts Options) *Session {
	if opts.StallTimeout <= 0 {
		opts.StallTimeout = DefaultStallTimeout
	}
	if opts.EarlyEOF <= 0 {
		opts.EarlyEOF = DefaultEarlyEOF
	}
	if opts.FailBackProbe <= 0 {
		opts.FailBackProbe = relay.DefaultFailBackProbe
	}
	if opts.FailBackAfter <= 0 {
		opts.FailBackAfter = relay.DefaultFailBackAfter
	}
	if len(opts.Clips) == 0 && opts.Clip != "" {
		opts.Clips = []string{opts.Clip}
	}
	clk := opts.Clock
	if clk == nil {
		clk = engine.Clock()
	}
	return &Session{
		engine:   engine,
		bus:      engine.Events(),
		player:   p,
		opts:     opts,
		log:      logging.Or(opts.Log),
		clock:    clk,
		requests: make(chan request, 8),
		quit:     make(chan struct{}),
	}
}

// FailoverNow moves playback to another host. With blame, the serving host
// is first recorded as failed, as if it had died.
func (s *Session) FailoverNow(blame bool) {
	if blame {
		s.send(request{kind: reqFail, index: -1})
	} else {
		s.send(request{kind: reqFailover})
	}
}

// FailHost records the host at index as failed, as the x key does for the
// serving host; when it is the serving host (or index is -1), playback
// fails over.
func (s *Session) FailHost(index int) { s.send(request{kind: reqFail, index: index}) }

// Reresolve resolves the clip again from scratch, the failure memory of
// the cluster's hosts forgotten, and resumes where it was.
func (s *Session) Reresolve() { s.send(request{kind: reqReresolve}) }

// Replay plays the clip again from its start once its playback is over;
// unlike Reresolve, the failure memory stays as it is.
func (s *Session) Replay() { s.send(request{kind: reqReplay}) }

// Play resolves and plays another clip.
func (s *Session) Play(clip string) { s.send(request{kind: reqPlay, clip: clip}) }

// NextClip and PrevClip move along the playlist.
func (s *Session) NextClip() { s.send(request{kind: reqNextClip}) }
func (s *Session) PrevClip() { s.send(request{kind: reqPrevClip}) }

// Quit ends the session, whatever it is doing: a resolution under way is
// cancelled.
func (s *Session) Quit() { s.quitOnce.Do(func() { close(s.quit) }) }

// send never blocks a UI: a request that finds the queue full is dropped,
// as a key pressed many times in a row means the same as once.
func (s *Session) send(r request) {
	select {
	case s.requests <- r:
	default:
	}
}

// NoReconnect is the player's stream-lavf-o value that turns off ffmpeg's
// own reconnect attempts. They sit on a dead host for about 11 s before
// mpv reports anything; without them the session sees the failure at once
// and decides itself where to go.
const NoReconnect = "reconnect=0,reconnect_streamed=0,reconnect_on_network_error=0"
