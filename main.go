// Command clusterplay plays a clip from the first host of a cluster that
// answers, and keeps playing when that host dies.
//
// main wires the packages together and nothing else: config -> engine ->
// events -> (ui | plain lines | JSON); winning URL -> player -> player
// events -> engine (failover).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"clusterplay/cluster"
	"clusterplay/config"
	"clusterplay/report"
)

// Exit codes: a stable contract for scripts, listed in the README.
const (
	exitOK          = 0   // resolved (--print-url), or played to the end / quit by the user
	exitAllFailed   = 1   // every host failed
	exitUsage       = 2   // usage or configuration error
	exitPlayback    = 3   // playback failed and no host could take over
	exitInterrupted = 130 // Ctrl-C or SIGTERM
)

var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cfg, err := config.Load(args, os.Getenv)
	switch {
	case errors.Is(err, config.ErrHelp):
		fmt.Fprint(stdout, config.Usage())
		return exitOK
	case errors.Is(err, config.ErrVersion):
		fmt.Fprintln(stdout, "clusterplay", version)
		return exitOK
	case err != nil:
		fmt.Fprintln(stderr, "clusterplay:", err)
		return exitUsage
	}
	for _, n := range cfg.Notices {
		fmt.Fprintln(stderr, "clusterplay:", n)
	}
	if cfg.Clip == "" {
		fmt.Fprintln(stderr, "clusterplay: no CLIP given (see --help)")
		return exitUsage
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	mem, err := cluster.OpenMemory(cfg.StateDir)
	if err != nil {
		fmt.Fprintln(stderr, "clusterplay: warning:", err)
	}
	engine, err := cluster.New(cfg.Hosts, cfg.Cluster, mem)
	if err != nil {
		fmt.Fprintln(stderr, "clusterplay:", err)
		return exitUsage
	}

	format, out := report.Plain, stderr
	if cfg.JSON {
		format, out = report.JSONLines, stdout
	}
	printed := make(chan struct{})
	go report.Print(engine.Events().Subscribe(), out, format, printed)
	finish := func(code int) int {
		if err := engine.Flush(); err != nil {
			fmt.Fprintln(stderr, "clusterplay: warning:", err)
		}
		engine.Events().Close()
		<-printed
		return code
	}

	res, err := engine.Resolve(ctx, cfg.Clip)
	switch {
	case ctx.Err() != nil:
		return finish(exitInterrupted)
	case errors.Is(err, cluster.ErrAllFailed):
		return finish(exitAllFailed)
	case err != nil:
		fmt.Fprintln(stderr, "clusterplay:", err)
		return finish(exitUsage)
	}
	code := finish(exitOK)
	if cfg.PrintURL && !cfg.JSON {
		fmt.Fprintln(stdout, res.URL)
	}
	return code
}
