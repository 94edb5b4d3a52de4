package app

import (
	"errors"
	"fmt"
	"io"
	"time"

	"clusterplay/control"
	"clusterplay/playback"
	"clusterplay/player"
)

// ctlTimeout bounds how long `clusterplay ctl` waits for a reply.
const ctlTimeout = 5 * time.Second

// runCtl is `clusterplay ctl PATH NAME [ARGS...]`: one command to a
// running clusterplay's control socket, the reply's data printed as JSON.
// Exit 0 on success, 1 on an error reply, 2 when it cannot connect.
func runCtl(args []string, stdout, stderr io.Writer) int {
	if len(args) < 2 {
		fmt.Fprintln(stderr, "clusterplay: usage: clusterplay ctl PATH NAME [ARGS...] (NAME: get_status, set_load_balancing, fail_host, next_host, resolve, load, set_pause, seek, quit)")
		return exitUsage
	}
	data, err := control.Call(args[0], args[1], args[2:], ctlTimeout)
	var refused *control.ErrorReply
	switch {
	case errors.As(err, &refused):
		fmt.Fprintln(stderr, "clusterplay:", refused.Msg)
		return exitAllFailed // 1: the player said no
	case err != nil:
		fmt.Fprintln(stderr, "clusterplay:", err)
		return exitUsage // 2: nobody to ask
	}
	fmt.Fprintln(stdout, string(data))
	return exitOK
}

// listenControl opens the control socket when one is configured. The
// returned function closes it (and removes the socket file).
func (a *app) listenControl(session *playback.Session, p *player.Player) (func(), error) {
	if a.cfg.ControlSocket == "" {
		return func() {}, nil
	}
	srv, err := control.Listen(control.Options{
		Path:          a.cfg.ControlSocket,
		Hosts:         hostURLs(a.cfg.Hosts),
		Clip:          a.cfg.Clip,
		LoadBalancing: a.engine.LoadBalancing(),
	}, a.bus, controlController{app: a, session: session, p: p})
	if err != nil {
		return nil, err
	}
	return func() { _ = srv.Close() }, nil
}

// controlController carries out the control socket's commands with the
// session's, the player's and the engine's controls.
type controlController struct {
	app     *app
	session *playback.Session
	p       *player.Player
}

func (c controlController) SetLoadBalancing(on bool) { c.app.engine.SetLoadBalancing(on) }
func (c controlController) FailHost(index int)       { c.session.FailHost(index) }
func (c controlController) NextHost()                { c.session.FailoverNow(false) }
func (c controlController) Reresolve()               { c.session.Reresolve() }
func (c controlController) SetPause(on bool) error   { return c.p.Pause(on) }

func (c controlController) Load(clip string) error {
	if err := c.app.engine.CheckClip(clip); err != nil {
		return err
	}
	c.session.Play(clip)
	return nil
}

func (c controlController) Seek(secs float64, absolute bool) error {
	d := time.Duration(secs * float64(time.Second))
	if absolute {
		return c.p.SeekTo(d)
	}
	return c.p.Seek(d)
}

func (c controlController) Quit(code int) {
	c.app.quitCode.CompareAndSwap(-1, int32(code))
	c.session.Quit()
}
