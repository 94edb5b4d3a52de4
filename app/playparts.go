package app

import (
	"fmt"
	"os"

	"clusterplay/cluster"
	"clusterplay/logging"
	"clusterplay/playback"
	"clusterplay/player"
	"clusterplay/relay"
	"clusterplay/variants"
)

// The build steps of the parts that play (player, pane, relay, session,
// control socket), and the settings they are built with. build.go runs
// them in order.

// startPlayer starts the libmpv player of the modes that play.
func (a *app) startPlayer() (err error) {
	if !a.mode.plays() {
		return nil
	}
	if a.player, err = player.New(a.playerOptions()); err != nil {
		return fmt.Errorf("player: %w", err)
	}
	a.onClose(func() { _ = a.player.Close() })
	return nil
}

// openPane hands the TUI's pane the player's pictures, when the player
// draws into the terminal.
func (a *app) openPane() error {
	if a.mode != modeTUI {
		return nil
	}
	pn := a.player.Pane()
	if pn == nil {
		return nil
	}
	frames, closeLog, err := newPaneFrames(pn, os.Getenv)
	if err != nil {
		return err
	}
	a.onClose(closeLog)
	a.frames = frames
	return nil
}

// startRelay starts the relay: for a playback when --relay is on and the
// cluster has HTTP hosts, on 127.0.0.1 with a random token in its path;
// for clusterplay relay at --listen, with no token, for any player.
func (a *app) startRelay() error {
	var opts relay.Options
	switch {
	case a.mode == modeRelay:
		opts = a.relayOptions("", a.cfg.Listen)
		// Its players adapt on their own: auto shows them every variant;
		// a quality the user fixed, that one alone (docs/quality.md).
		opts.Quality, opts.PlayerAdapts = a.cfg.Quality, true
	case a.mode.plays() && a.cfg.Relay && hasHTTPHost(a.engine):
		opts = a.relayOptions(relay.NewToken(), "")
		// The player is shown one variant, fixed or switched by the relay
		// (quality.go).
		opts.Quality = a.cfg.Quality
		opts.QualityBounds = variants.Bounds{Min: a.cfg.QualityMin, Max: a.cfg.QualityMax}
	default:
		return nil
	}
	r, err := relay.Start(opts)
	if err != nil {
		return err
	}
	a.onClose(func() { _ = r.Close() })
	a.relay = r
	return nil
}

// makeSession makes the playback session that plays the CLIPs and fails
// over. The TUI's stays open after the end, until the user quits.
func (a *app) makeSession() error {
	if !a.mode.plays() {
		return nil
	}
	cfg := a.cfg
	opts := playback.Options{Clip: cfg.Clip, Clips: cfg.Clips, Loop: cfg.Loop, Start: cfg.Player.Start,
		StallTimeout: cfg.StallTimeout, StayOpen: a.mode == modeTUI,
		FailBack: cfg.FailBack, FailBackProbe: cfg.FailBackProbe, FailBackAfter: cfg.FailBackAfter,
		Log: logging.For(a.log, logging.Playback)}
	if c := cfg.Cluster.CMCD; c != nil {
		opts.DirectURL = c.DirectURL
	}
	if a.relay != nil {
		// Only a relay that runs: a nil *relay.Relay in the interface
		// would look like one.
		opts.Relay = a.relay
	}
	a.session = playback.New(a.engine, a.player, opts)
	return nil
}

// openControl opens the control socket when one is configured (ctl.go).
func (a *app) openControl() error {
	if !a.mode.plays() {
		return nil
	}
	closeControl, err := a.listenControl(a.controlsOf())
	if err != nil {
		return err
	}
	a.onClose(closeControl)
	return nil
}

func (a *app) relayOptions(token, listen string) relay.Options {
	return relay.Options{
		Engine:         a.engine,
		Bus:            a.bus,
		Listen:         listen,
		Token:          token,
		ConnectTimeout: a.cfg.Cluster.ConnectTimeout,
		ReadTimeout:    a.cfg.ReadTimeout,
		SlowTimeout:    a.cfg.SlowTimeout,
		Hedge:          a.cfg.Hedge,
		HedgeBudget:    a.cfg.HedgeBudget,
		FailBack:       a.cfg.FailBack,
		FailBackProbe:  a.cfg.FailBackProbe,
		FailBackAfter:  a.cfg.FailBackAfter,
		Insecure:       a.cfg.Cluster.Insecure,
		Header:         a.cfg.Cluster.Header,
		CMCD:           a.cfg.Cluster.CMCD,
		Log:            logging.For(a.log, logging.Relay),
		Faults:         a.faults,
		// The stream's own alternatives (docs/steering.md).
		PathwayPenalty:   a.cfg.PathwayPenalty,
		SteeringOverride: a.cfg.SteeringOverride,
		FailureExpiry:    a.cfg.Cluster.FailureExpiry,
	}
}

func hasHTTPHost(e *cluster.Engine) bool {
	for _, h := range e.Hosts() {
		if h.IsHTTP() {
			return true
		}
	}
	return false
}

// playerOptions maps the player settings, and lets the engine rather than
// ffmpeg decide about a failing host: no reconnect attempts of ffmpeg's
// own, and a network timeout past which the stall watchdog has long
// acted. Without the TUI there is no pane to draw into: the picture goes
// to the window (none, where no display answers), as before the pane
// existed.
func (a *app) playerOptions() player.Options {
	cfg := a.cfg
	pc := cfg.Player
	tui := a.mode == modeTUI
	video := player.Video(pc.Video)
	if !tui && (video == player.VideoAuto || video == player.VideoTerminal) {
		video = player.VideoWindow
	}
	return player.Options{
		NoVideo:        pc.NoVideo,
		Video:          video,
		PaneFPS:        pc.PaneFPS,
		VO:             pc.VO,
		AO:             pc.AO,
		Volume:         pc.Volume,
		Fullscreen:     pc.Fullscreen,
		MpvConfig:      pc.MpvConfig,
		Extra:          a.qualityForMPV(pc.Extra),
		NetworkTimeout: cfg.StallTimeout + cfg.Cluster.ConnectTimeout,
		StreamLavfO:    playback.NoReconnect,
		HTTPHeaders:    a.playerHeaders(),
		UserAgent:      cfg.UserAgent,
		Referer:        cfg.Referer,
		// On a terminal at the default level, mpv's own complaints (no
		// sound device) would stand between the event lines.
		QuietMPV: !tui && cfg.Log.File == "" && cfg.Log.Level == "warn",
		Log:      logging.For(a.log, logging.Player),

		// A control socket's keypress presses mpv's keys.
		KeyBindings: cfg.ControlSocket != "",
	}
}

// playerHeaders are the headers of mpv's own requests: the user's, and
// with --cmcd header and no relay the CMCD-Session keys, the same on
// every request (mpv cannot say what each request is; through the relay
// the relay adds the whole CMCD to each).
func (a *app) playerHeaders() []string {
	lines := headerLines(a.cfg.HTTPHeaders)
	if !a.cfg.Relay || !hasHTTPHost(a.engine) {
		if s := a.cfg.Cluster.CMCD.SessionHeader(); s != "" {
			lines = append(lines, "CMCD-Session: "+s)
		}
	}
	return lines
}

func headerLines(kvs [][2]string) []string {
	out := make([]string, len(kvs))
	for i, kv := range kvs {
		out[i] = kv[0] + ": " + kv[1]
	}
	return out
}
