package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"clusterplay/events"
	"clusterplay/report"
	"clusterplay/steerserver"
)

const steerUsage = "clusterplay steer [--listen ADDR] [--json] SCHEDULE.yaml"

// runSteer is `clusterplay steer`: a Content Steering server that answers
// from SCHEDULE.yaml (docs/steering.md) and says every request it gets as
// an event, until SIGINT (exit 130) or SIGTERM (exit 0). A bad command
// line or schedule is one line on stderr and exit 2.
func runSteer(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("steer", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	listen := fs.String("listen", defaultListen, "")
	asJSON := fs.Bool("json", false, "")
	help := fs.BoolP("help", "h", false, "")
	err := fs.Parse(args)
	switch {
	case err == nil && *help:
		writeSteerHelp(stdout)
		return exitOK
	case err != nil:
		fmt.Fprintf(stderr, "clusterplay: %v (usage: %s)\n", err, steerUsage)
		return exitUsage
	case fs.NArg() != 1:
		fmt.Fprintf(stderr, "clusterplay: steer takes one SCHEDULE.yaml (usage: %s)\n", steerUsage)
		return exitUsage
	}
	schedule, err := readSchedule(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "clusterplay:", events.Escape(err.Error()))
		return exitUsage
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "clusterplay: --listen %s: %v\n", *listen, err)
		return exitUsage
	}
	return serveSteer(ln, schedule, *asJSON, stdout, stderr)
}

// readSchedule reads and checks the schedule file; its error names it.
func readSchedule(path string) (*steerserver.Schedule, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("schedule: %v", err)
	}
	s, err := steerserver.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return s, nil
}

// serveSteer serves the schedule on ln, printing the events, until a
// signal.
func serveSteer(ln net.Listener, s *steerserver.Schedule, asJSON bool, stdout, stderr io.Writer) int {
	stop := newStopper()
	defer stop.close()
	bus := events.NewBus()
	printed := make(chan struct{})
	if asJSON {
		go report.Print(bus.Subscribe(), stdout, report.JSONLines, printed, stop.brokenOutput, nil)
	} else {
		go report.Print(bus.Subscribe(), stderr, report.Plain, printed, stop.brokenOutput, nil)
	}
	srv := &http.Server{Handler: steerserver.New(s, nil, bus), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	bus.Publish(events.Event{Kind: events.Listening, Index: -1, URL: "http://" + ln.Addr().String() + "/", Message: "steering server"})
	code := exitOK
	select {
	case <-stop.ctx.Done():
		if stop.waitSignal() != syscall.SIGTERM {
			code = stop.exit()
		}
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(stderr, "clusterplay: steer:", err)
			code = exitUsage
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), relayDrain)
	_ = srv.Shutdown(ctx)
	cancel()
	bus.Close()
	<-printed
	return code
}

func writeSteerHelp(w io.Writer) {
	fmt.Fprintf(w, `Usage: %s

Serves a Content Steering manifest (VERSION, TTL, RELOAD-URI,
PATHWAY-PRIORITY, PATHWAY-CLONES) on every path of ADDR, from a schedule
of priority lists over time with optional 410, 429 and 5xx windows (see
docs/steering.md), and says every request it gets as an event:
steer_request, with the _HLS_pathway or _DASH_pathway and the
_HLS_throughput or _DASH_throughput the player sent.

  --listen ADDR   where to serve (default 127.0.0.1, a free port, said
                  in the listening event)
  --json          the events as JSON lines on stdout (else sentences on
                  stderr)

Exit 0 on SIGTERM, 130 on SIGINT, 2 on a bad command line or schedule.
`, steerUsage)
}
