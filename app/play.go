package app

import (
	"context"
	"errors"
	"fmt"

	"clusterplay/cluster"
	"clusterplay/events"
	"clusterplay/report"
)

// The events' printer and how a run finishes, shared by the modes, and
// the two modes that do little more than print: --print-url and headless
// play.

// printEvents prints the public events as JSON lines on stdout or as the
// original demo's sentences on stderr; the returned channel closes when
// the bus is closed and everything is written.
func (a *app) printEvents() <-chan struct{} {
	printed := make(chan struct{})
	if a.cfg.JSON {
		go report.Print(a.bus.Subscribe(), a.stdout, report.JSONLines, printed, a.stop.brokenOutput, nil)
	} else {
		var keep func(events.Event) bool
		if a.cfg.Quiet {
			keep = report.IsError
		}
		go report.Print(a.bus.Subscribe(), a.stderr, report.Plain, printed, a.stop.brokenOutput, keep)
	}
	return printed
}

// finish persists the failure memory, closes the event stream and waits
// until it is written out, then returns code. It finishes a run whose
// build stopped half way too: what was not built is skipped.
func (a *app) finish(code int) int {
	if a.engine != nil {
		if err := a.engine.Flush(); err != nil {
			a.say("warning:", err)
		}
	}
	if a.bus != nil {
		a.bus.Close()
	}
	if a.printed != nil {
		<-a.printed
	}
	return code
}

// resolveOnly is --print-url: resolve, print the URL (or only the events
// with --json), exit.
//
// Several CLIPs are resolved in turn, a URL a line in their order; a clip
// no host serves leaves an empty line, so that line n is still CLIP n, and
// makes the exit code 1.
func (a *app) resolveOnly(ctx context.Context) int {
	code := exitOK
	urls := make([]string, 0, len(a.cfg.Clips))
	for _, clip := range a.cfg.Clips {
		res, err := a.engine.Resolve(ctx, clip)
		switch {
		case ctx.Err() != nil:
			return a.finish(a.stop.exit())
		case errors.Is(err, cluster.ErrAllFailed):
			code = exitAllFailed
		case err != nil:
			a.say(err)
			return a.finish(exitUsage)
		}
		urls = append(urls, res.PlayURL())
	}
	code = a.finish(code)
	if a.stop.ctx.Err() != nil { // the JSON reader went away
		return a.stop.exit()
	}
	if a.cfg.JSON {
		return code
	}
	if err := a.printURLs(urls); err != nil {
		return exitBrokenPipe
	}
	return code
}

// printURLs prints the resolved URLs, a line each.
func (a *app) printURLs(urls []string) error {
	for _, u := range urls {
		if len(urls) == 1 && u == "" {
			break // one clip that no host serves: nothing to print
		}
		if _, err := fmt.Fprintln(a.stdout, u); err != nil {
			return err
		}
	}
	return nil
}

// playHeadless plays with the events printed, until the clip ends, every
// host fails, or a signal comes.
func (a *app) playHeadless(ctx context.Context) int {
	return a.finish(a.exitCode(a.session.Run(ctx)))
}
