package config

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"clusterplay/cluster"
)

// flagValues are the variables the flags are bound to.
type flagValues struct {
	hosts          []string
	clusterName    string
	connectTimeout time.Duration
	connectCount   int
	failureExpiry  time.Duration
	loadBalance    bool
	selectPolicy   string
	raceDelay      time.Duration
	maxInflight    int
	stallTimeout   time.Duration
	insecure       bool
	stateDir       string

	noVideo     bool
	vo, ao      string
	volume      float64
	start       time.Duration
	fullscreen  bool
	noMpvConfig bool
	mpv         [][2]string

	printURL, json, noTUI bool
	demo                  string

	configFile    string
	help, version bool
}

// Flag groups, in the order Usage shows them.
var flagGroups = []struct {
	title string
	names []string
}{
	{"Cluster", []string{"host", "cluster", "connect-timeout", "connect-count", "failure-expiry", "load-balance",
		"select", "race-delay", "max-inflight", "stall-timeout", "insecure", "state-dir"}},
	{"Player (mpv)", []string{"no-video", "vo", "ao", "volume", "start", "fullscreen", "no-mpv-config", "mpv"}},
	{"Output", []string{"print-url", "json", "no-tui", "demo"}},
	{"General", []string{"config", "help", "version"}},
}

// newFlagSet defines every flag. It is rebuilt per Load so that parsing has
// no shared state.
func newFlagSet() (*pflag.FlagSet, *flagValues) {
	v := &flagValues{
		connectTimeout: cluster.DefaultConnectTimeout,
		connectCount:   cluster.DefaultConnectCount,
		failureExpiry:  cluster.DefaultFailureExpiry,
		raceDelay:      cluster.DefaultRaceDelay,
		maxInflight:    cluster.DefaultMaxInflight,
		stallTimeout:   DefaultStallTimeout,
	}
	fs := pflag.NewFlagSet("clusterplay", pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned, never printed here
	fs.SortFlags = false

	dur := func(p *time.Duration, name, usage string, check func(time.Duration) error) {
		fs.Var(&durationValue{d: p, check: check}, name, usage)
	}
	flag := func(p *bool, name, usage string) {
		fs.VarPF(&boolValue{p}, name, "", usage).NoOptDefVal = "true"
	}
	num := func(p *int, name, usage string) {
		fs.Var(&intValue{p: p, check: atLeastOne}, name, usage)
	}

	fs.StringArrayVar(&v.hosts, "host", nil, "host base `URL` (http, https, rtmp, rtmps); repeat for more, in priority order; replaces the config file's hosts")
	fs.StringVar(&v.clusterName, "cluster", "", "use the named cluster `NAME` from the config file's clusters")
	dur(&v.connectTimeout, "connect-timeout", "time one connection attempt may take", positive)
	num(&v.connectCount, "connect-count", "passes over the host list before giving up")
	dur(&v.failureExpiry, "failure-expiry", "how long a failed host is skipped (0 = not remembered)", nonNegative)
	flag(&v.loadBalance, "load-balance", "shuffle the hosts on every pass (same as --select random)")
	fs.Var(&enumValue{p: &v.selectPolicy, allowed: selectPolicies, typ: "policy"}, "select", "host selection policy: "+orList(selectPolicies)+" (default ordered, or random with --load-balance)")
	fs.Var(&durationValue{d: &v.raceDelay, allowOff: true, check: nonNegative}, "race-delay", "head start of one attempt before the next host is tried alongside it; off or 0 = one at a time; kept within [10ms, connect-timeout]")
	num(&v.maxInflight, "max-inflight", "attempts connecting at the same time")
	dur(&v.stallTimeout, "stall-timeout", "playback stall after which the next host is tried", positive)
	flag(&v.insecure, "insecure", "skip TLS certificate verification")
	fs.StringVar(&v.stateDir, "state-dir", "", "`DIR` for state kept between runs (default $XDG_STATE_HOME/clusterplay or ~/.local/state/clusterplay)")

	flag(&v.noVideo, "no-video", "play the audio only")
	fs.StringVar(&v.vo, "vo", "", "mpv video output `driver`")
	fs.StringVar(&v.ao, "ao", "", "mpv audio output `driver`")
	fs.Var(&floatValue{p: &v.volume, check: volumeRange}, "volume", "start `level`, 0 to 100 (up to 130, or mpv's volume-max); default mpv's")
	dur(&v.start, "start", "start `position`, e.g. 1m30s (a bare number is milliseconds)", nonNegative)
	flag(&v.fullscreen, "fullscreen", "start in fullscreen")
	flag(&v.noMpvConfig, "no-mpv-config", "ignore the user's mpv.conf")
	fs.Var(&mpvValue{p: &v.mpv}, "mpv", "pass an option to mpv, e.g. --mpv hwdec=auto; repeatable")

	flag(&v.printURL, "print-url", "print the URL of the host that answers, then exit")
	flag(&v.json, "json", "write events as JSON lines")
	flag(&v.noTUI, "no-tui", "no terminal UI; plain log lines")
	fs.Var(&enumValue{p: &v.demo, allowed: []string{"failover", "balance"}}, "demo", "run a built-in demo against local hosts: failover, or balance with --demo=balance")
	fs.Lookup("demo").NoOptDefVal = "failover"

	fs.StringVar(&v.configFile, "config", "", "config `FILE` (YAML or JSON); \"\" = none (default $XDG_CONFIG_HOME/clusterplay/config.yaml, if present)")
	fs.VarPF(&boolValue{&v.help}, "help", "h", "show this help").NoOptDefVal = "true"
	flag(&v.version, "version", "show the version")
	return fs, v
}

// layer returns the settings the user gave on the command line.
func (v *flagValues) layer(fs *pflag.FlagSet) (*settings, error) {
	s := &settings{}
	given := fs.Changed
	if given("host") {
		specs := make([]cluster.HostSpec, 0, len(v.hosts))
		for _, h := range v.hosts {
			if _, err := cluster.ParseHostURL(h); err != nil {
				return nil, usagef("--host: %v", err)
			}
			specs = append(specs, cluster.HostSpec{URL: h})
		}
		s.hosts.put(specs, "--host")
	}
	putIf(given, &s.connectTimeout, v.connectTimeout, "connect-timeout")
	putIf(given, &s.connectCount, v.connectCount, "connect-count")
	putIf(given, &s.failureExpiry, v.failureExpiry, "failure-expiry")
	putIf(given, &s.loadBalance, v.loadBalance, "load-balance")
	putIf(given, &s.selectPolicy, v.selectPolicy, "select")
	putIf(given, &s.raceDelay, v.raceDelay, "race-delay")
	putIf(given, &s.maxInflight, v.maxInflight, "max-inflight")
	putIf(given, &s.stallTimeout, v.stallTimeout, "stall-timeout")
	putIf(given, &s.insecure, v.insecure, "insecure")
	putIf(given, &s.stateDir, v.stateDir, "state-dir")
	putIf(given, &s.noVideo, v.noVideo, "no-video")
	putIf(given, &s.vo, v.vo, "vo")
	putIf(given, &s.ao, v.ao, "ao")
	putIf(given, &s.volume, v.volume, "volume")
	putIf(given, &s.start, v.start, "start")
	putIf(given, &s.fullscreen, v.fullscreen, "fullscreen")
	putIf(given, &s.mpvConfig, !v.noMpvConfig, "no-mpv-config")
	putIf(given, &s.mpv, v.mpv, "mpv")
	return s, nil
}

func putIf[T any](given func(string) bool, o *opt[T], v T, name string) {
	if given(name) {
		o.put(v, "--"+name)
	}
}

// flagError turns pflag's error into a one-line UsageError. pflag's
// "invalid argument "2x" for "--connect-timeout" flag: ..." repeats the
// value our own causes already quote, so those become "--flag: cause".
func flagError(err error) error {
	var inv *pflag.InvalidValueError
	if errors.As(err, &inv) {
		return usagef("--%s: %s", inv.GetFlag().Name, firstLine(inv.Unwrap().Error()))
	}
	return usagef("%s", firstLine(err.Error()))
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Usage returns the help text: synopsis, every flag with its default, and
// the rules shared by flags and the config file.
func Usage() string {
	fs, _ := newFlagSet()
	var b strings.Builder
	b.WriteString(`Usage: clusterplay [flags] [CLIP]

Plays CLIP (a path or URL, resolved against each host) from the first host
of the cluster that answers, failing over to the next one the way
Flowplayer's Cluster plugin did.
`)
	for _, g := range flagGroups {
		group := pflag.NewFlagSet(g.title, pflag.ContinueOnError)
		group.SortFlags = false
		for _, name := range g.names {
			group.AddFlag(fs.Lookup(name))
		}
		fmt.Fprintf(&b, "\n%s:\n%s", g.title, group.FlagUsagesWrapped(80))
	}
	b.WriteString(`
Durations are Go durations (1500ms, 2s, 1m30s) or a bare number of
milliseconds (2000), as in Flowplayer configs; this holds for every flag
and config key.

Settings are taken from flags, then the config file, then the defaults.
--host replaces the file's hosts; --mpv options are added to the file's.
The config file is --config FILE, else $XDG_CONFIG_HOME/clusterplay/config.yaml
(~/.config/clusterplay/config.yaml) when it exists. It is YAML, or JSON when
named *.json, and may be a pasted Flowplayer Cluster plugin block. Each
Cluster and Player flag but --cluster has a config key, its name in
camelCase (--connect-timeout is connectTimeout; --no-mpv-config is
mpvConfig: false); named clusters in the file are picked with --cluster.

Exit codes: 0 resolved (--print-url) or played to the end or quit by the
user; 1 every host failed; 2 usage or configuration error; 3 playback
failed and no host could take over; 130 interrupted.
`)
	return b.String()
}
