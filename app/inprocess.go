package app

import (
	"io"

	"clusterplay/config"
	"clusterplay/events"
	"clusterplay/playback"
	"clusterplay/player"
)

// Parts are the running parts of one playback, built in process by the
// builder every clusterplay mode uses, as a headless run builds them: for
// a program that measures them from inside (the benchmark reads the
// player's position every few milliseconds). Nothing is printed: the
// caller reads the bus, and runs the session.
type Parts struct {
	run *app
}

// Build builds the parts cfg asks for (from config.Load, as clusterplay's
// command line gives it): the log, the failure memory, the bus, the
// engine, the relay when cfg has it on, the player, the session and the
// control socket when cfg names one. Its messages and its log go to
// stderr. Close stops them; on an error, what was built is closed.
func Build(cfg *config.Config, stderr io.Writer) (*Parts, error) {
	a := newApp(io.Discard, stderr)
	a.parts = &parts{cfg: cfg, mode: modeInProcess}
	if err := a.build(); err != nil {
		a.close()
		return nil, err
	}
	return &Parts{run: a}, nil
}

// Bus is the bus every part publishes to. Subscribe before running the
// session, so that nothing is missed.
func (p *Parts) Bus() *events.Bus { return p.run.bus }

// Player is the libmpv player the session plays with.
func (p *Parts) Player() *player.Player { return p.run.player }

// Session is the playback session; Run plays the CLIPs.
func (p *Parts) Session() *playback.Session { return p.run.session }

// Close finishes as a run does, writing the failure memory and closing the
// bus (the readers' channels close once they have what it held), then
// closes the parts, the last built first.
func (p *Parts) Close() {
	p.run.finish(0)
	p.run.close()
}
