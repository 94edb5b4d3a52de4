package app

import (
	"context"
	"os"
	"sync/atomic"
	"time"

	"clusterplay/playback"
	"clusterplay/player"
	"clusterplay/ui"
)

// quitGrace is how long the TUI mode waits for the session to publish its
// end after the TUI is gone. The session serves quit at once, even during
// a resolution; this only bounds a session that is wedged.
const quitGrace = 700 * time.Millisecond

// followForTUI subscribes the TUI's two readers (build.go calls it with
// the other readers, before anything is published): the screen, which
// shows the private events too, and the fold of how the latest playback
// ended, which the exit code is read from.
func (a *app) followForTUI() {
	a.tuiEvents = a.bus.SubscribeAll()
	a.last = followPlaybacks(a.bus.Subscribe())
}

// playInTUI plays in the terminal UI, which starts the clip itself (or asks
// for one) and stays open after the end, until the user quits. q exits as
// a headless run of the last playback would (0 played or quit, 1 no host
// answered, 3 playback failed); Ctrl-C and SIGTERM 130.
func (a *app) playInTUI(ctx context.Context) int {
	sessionCtx, cancelSession := context.WithCancel(ctx)
	defer cancelSession()
	// A session that ends on its own (quit from the control socket) takes
	// the TUI down with it.
	uiCtx, cancelUI := context.WithCancel(ctx)
	defer cancelUI()
	outcome := make(chan playback.Outcome, 1)
	go func() {
		outcome <- a.session.Run(sessionCtx)
		cancelUI()
	}()

	var interrupted atomic.Bool // Ctrl-C in the TUI
	controls := a.controlsOf()
	err := ui.Run(uiCtx, a.tuiOptions(func() { interrupted.Store(true) }), controls, a.tuiEvents, nil, nil)
	if err != nil {
		a.say("terminal:", err)
	}
	o := awaitSession(outcome, cancelSession)
	if interrupted.Load() || ctx.Err() != nil {
		o = playback.Interrupted
	}
	// The session has published its last event: the fold has it once the
	// bus hands over what it holds.
	a.bus.Close()
	<-a.last.done
	return a.finish(a.exitCode(tuiOutcome(o, a.last.outcome, a.quitCode.Load())))
}

// awaitSession waits for the session's outcome once the TUI is gone,
// cancelling a session that has not ended within quitGrace.
func awaitSession(outcome <-chan playback.Outcome, cancel context.CancelFunc) playback.Outcome {
	select {
	case o := <-outcome:
		return o
	case <-time.After(quitGrace):
		cancel()
		return <-outcome
	}
}

// tuiOptions is what the TUI shows and offers; interrupted is called on
// Ctrl-C.
func (a *app) tuiOptions(interrupted func()) ui.Options {
	return ui.Options{
		ClusterName:   a.cfg.ClusterName,
		Hosts:         hostURLs(a.cfg.Hosts),
		Clip:          a.cfg.Clip,
		Notice:        a.notice,
		LoadBalancing: a.engine.LoadBalancing(),
		Window:        a.player.HasVideoOutput(),
		Volume:        a.player.Volume(),
		Interrupted:   interrupted,
		CheckClip:     a.engine.CheckClip,
		SessionPlays:  true,
		Video:         string(a.player.Video()),
		Frames:        a.frames,
		Display:       player.DisplayAvailable(),
		TrueColor:     trueColor(os.Getenv),
	}
}
