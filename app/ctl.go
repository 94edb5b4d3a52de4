package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"clusterplay/control"
	"clusterplay/events"
	"clusterplay/player"
)

// ctlTimeout bounds how long `clusterplay ctl` waits for a reply.
const ctlTimeout = 5 * time.Second

// runCtl is `clusterplay ctl PATH NAME [ARGS...]`: one command to a
// running clusterplay's control socket, the reply's data printed as JSON
// when it has some. Exit 0 on success, 1 on an error reply, 2 when it
// cannot connect (or is not told what to send).
func runCtl(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-help" || args[0] == "-h") {
		writeCtlHelp(stdout)
		return exitOK
	}
	if len(args) < 2 {
		fmt.Fprintf(stderr, "clusterplay: usage: %s (NAME: %s)\n", ctlUsage, control.Names())
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
	// Most commands answer with no data (null): nothing to print, so a
	// script's output holds only what it asked for.
	if data := bytes.TrimSpace(data); len(data) > 0 && string(data) != "null" {
		fmt.Fprintln(stdout, string(data))
	}
	return exitOK
}

const ctlUsage = "clusterplay ctl PATH NAME [ARGS...]"

// writeCtlHelp is `clusterplay ctl --help`: the usage and every command
// of the socket's table with its arguments and what it does.
func writeCtlHelp(w io.Writer) {
	fmt.Fprintf(w, `Usage: %s

Sends one command to the control socket PATH of a running clusterplay
(--control-socket PATH) and prints the reply's data as JSON, when it has
some. The socket speaks mpv's JSON IPC: besides the commands below, any
command of mpv's goes to the player (cycle pause, set volume 50), and
what runs a program is refused unless --control-socket-allow-run.
Arguments are sent as the command takes them: numbers and true or false
as JSON, a clip or a key always as a string; the words of a command not
listed are mpv's, sent as strings. Exit 0 on success, 1 when the player
answers with an error (its message on stderr), 2 when it cannot connect.

Commands:
`, ctlUsage)
	for _, c := range control.Commands() {
		fmt.Fprintf(w, "  %s\n", c.Usage())
		for _, line := range wrap(strings.ReplaceAll(c.Help, "`", ""), 70) {
			fmt.Fprintf(w, "        %s\n", line)
		}
	}
}

// wrap breaks text into lines of at most width characters, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
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
		Clip:          events.Escape(events.RedactURL(a.cfg.Clip)), // as the events name it
		LoadBalancing: a.engine.LoadBalancing(),
		MPV:           playerMPV{a.player},
		AllowRun:      a.cfg.ControlSocketAllowRun,
	}, a.bus, ctl)
	if err != nil {
		return nil, err
	}
	return func() { _ = srv.Close() }, nil
}

// playerMPV hands the control socket the player's libmpv: a client of the
// core of its own per connection, for mpv's commands, properties and
// events. control knows it by its methods alone; package player stays out
// of its imports.
type playerMPV struct{ p *player.Player }

func (m playerMPV) Attach(name string) (control.MPVClient, error) {
	c, err := m.p.NewIPCClient(name)
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return c, nil
}
