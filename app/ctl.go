package app

import (
	"errors"
	"fmt"
	"io"
	"time"

	"clusterplay/control"
)

// ctlTimeout bounds how long `clusterplay ctl` waits for a reply.
const ctlTimeout = 5 * time.Second

// runCtl is `clusterplay ctl PATH NAME [ARGS...]`: one command to a
// running clusterplay's control socket, the reply's data printed as JSON.
// Exit 0 on success, 1 on an error reply, 2 when it cannot connect.
func runCtl(args []string, stdout, stderr io.Writer) int {
	if len(args) < 2 {
		fmt.Fprintf(stderr, "clusterplay: usage: clusterplay ctl PATH NAME [ARGS...] (NAME: %s)\n", control.Names())
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

// listenControl opens the control socket when one is configured, its
// commands carried out by ctl. The returned function closes it (and
// removes the socket file).
func (a *app) listenControl(ctl control.Controller) (func(), error) {
	if a.cfg.ControlSocket == "" {
		return func() {}, nil
	}
	srv, err := control.Listen(control.Options{
		Path:          a.cfg.ControlSocket,
		Hosts:         hostURLs(a.cfg.Hosts),
		Clip:          a.cfg.Clip,
		LoadBalancing: a.engine.LoadBalancing(),
	}, a.bus, ctl)
	if err != nil {
		return nil, err
	}
	return func() { _ = srv.Close() }, nil
}
