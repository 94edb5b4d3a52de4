package app

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"clusterplay/cluster"
	"clusterplay/config"
	"clusterplay/events"
	"clusterplay/logging"
	"clusterplay/playback"
	"clusterplay/relay"
)

// startRelay starts the playback's relay when the cluster has HTTP hosts
// and --relay is on: on 127.0.0.1, with a random token in its path. The
// returned function stops it.
func (a *app) startRelay() (playback.Relay, func(), error) {
	if !a.cfg.Relay || !hasHTTPHost(a.engine) {
		return nil, func() {}, nil
	}
	r, err := relay.Start(a.relayOptions(relay.NewToken(), ""))
	if err != nil {
		return nil, nil, err
	}
	return r, func() { _ = r.Close() }, nil
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
		Insecure:       a.cfg.Cluster.Insecure,
		Header:         a.cfg.Cluster.Header,
		Log:            logging.For(a.log, logging.Relay),
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

// relayDrain is how long SIGTERM lets the responses under way finish.
const relayDrain = time.Second

// runRelay is `clusterplay relay`: the relay alone, for any player. It
// serves http://ADDR/PATH from the cluster until SIGINT (exit 130) or
// SIGTERM (exit 0, after draining for at most a second).
func runRelay(args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr}
	a.quitCode.Store(-1)
	cfg, err := config.Load(args, os.Getenv)
	if code, done := a.loaded(cfg, err); done {
		return code
	}
	if cfg.Clip != "" {
		a.say("clusterplay relay takes no CLIP: players ask for paths (see --help)")
		return exitUsage
	}
	listen := cfg.Listen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	if err := checkListen(listen, cfg.ListenPublic); err != nil {
		a.say(err)
		return exitUsage
	}
	log, closeLog, err := a.openLog(false)
	if err != nil {
		a.say(err)
		return exitUsage
	}
	defer closeLog()
	a.log = log
	cfg.Cluster.Log = logging.For(log, logging.Cluster)
	mem, closeDemo, err := a.setUp()
	if err != nil {
		a.say(err)
		return exitUsage
	}
	defer closeDemo()
	a.bus = events.NewBus()
	if a.engine, err = cluster.New(cfg.Hosts, cfg.Cluster, mem, a.bus); err != nil {
		a.say(err)
		return exitUsage
	}
	if !hasHTTPHost(a.engine) {
		a.say("clusterplay relay needs an http or https host: RTMP is played directly")
		return exitUsage
	}
	a.stop = newStopper()
	defer a.stop.close()
	defer a.engine.FlushEvery(memoryFlushInterval, func(err error) { a.say("warning:", err) })()
	printed := a.printEvents()
	r, err := relay.Start(a.relayOptions("", listen))
	if err != nil {
		a.say(err)
		return a.finish(exitUsage, printed)
	}
	a.bus.Publish(events.Event{Kind: events.Listening, Index: -1, URL: "http://" + r.Addr().String() + "/"})
	sig := a.stop.waitSignal()
	if sig == syscall.SIGTERM {
		ctx, cancel := context.WithTimeout(context.Background(), relayDrain)
		_ = r.Shutdown(ctx)
		cancel()
		return a.finish(exitOK, printed)
	}
	_ = r.Close()
	return a.finish(a.stop.exit(), printed)
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
