package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"clusterplay/config"
	"clusterplay/events"
)

// relayDrain is how long SIGTERM lets the responses under way finish.
const relayDrain = time.Second

// defaultListen is where clusterplay relay serves without --listen: a
// free port on loopback, said in the listening event.
const defaultListen = "127.0.0.1:0"

// runRelay is `clusterplay relay`: the relay alone, for any player. It
// serves http://ADDR/PATH from the cluster until SIGINT (exit 130) or
// SIGTERM (exit 0, after draining for at most a second).
func runRelay(args []string, stdout, stderr io.Writer) int {
	a := newApp(stdout, stderr)
	cfg, err := config.Load(args, os.Getenv)
	if code, done := a.loaded(cfg, err); done {
		return code
	}
	if err := checkRelayArgs(cfg); err != nil {
		a.say(err)
		return exitUsage
	}
	a.mode = modeRelay
	a.stop = newStopper()
	defer a.stop.close()
	return a.runMode()
}

// checkRelayArgs refuses what the relay cannot serve, before anything is
// built, and fills in the default address.
func checkRelayArgs(cfg *config.Config) error {
	if cfg.Clip != "" {
		return errors.New("clusterplay relay takes no CLIP: players ask for paths (see --help)")
	}
	if cfg.Listen == "" {
		cfg.Listen = defaultListen
	}
	return checkListen(cfg.Listen, cfg.ListenPublic)
}

// serveRelay says where the relay listens, and serves until a signal.
func (a *app) serveRelay() int {
	a.bus.Publish(events.Event{Kind: events.Listening, Index: -1, URL: "http://" + a.relay.Addr().String() + "/"})
	// No frame is ever shown here: a fault plan's time windows run from
	// the moment the relay serves.
	a.faults.FirstFrame(time.Now())
	if a.stop.waitSignal() == syscall.SIGTERM {
		ctx, cancel := context.WithTimeout(context.Background(), relayDrain)
		_ = a.relay.Shutdown(ctx)
		cancel()
		return a.finish(exitOK)
	}
	_ = a.relay.Close()
	return a.finish(a.stop.exit())
}

// checkListen refuses an address other than loopback unless asked for:
// the relay fetches from the cluster for anyone who can reach it.
func checkListen(addr string, public bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q: %v", addr, err)
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) || public {
		return nil
	}
	return fmt.Errorf("--listen %s is not a loopback address: anyone who reaches it can fetch from the cluster through it; add --listen-public to mean it", addr)
}
